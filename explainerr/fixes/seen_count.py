"""Fix for a table sized by the distinct values one source held while its ids are counted over every entity
(analyzers/seen_count.py): the count becomes the one the ids' `torch.arange` uses, where it is computed
(`num_nodes = len(sensors_seen)` → `num_nodes = cfg.n_sensors`), so every use of that count agrees."""
from __future__ import annotations

from .. import source as src
from ..analyzers import Finding
from ..analyzers.seen_count import SIZED_BY_SEEN
from ..facts import Context
from ..model import Edit
from . import edits_of
from .checks import undefined_in_code


def count_all(ctx: Context, f: Finding) -> list[Edit]:
    seen = f.hints.get("seen_count")
    if SIZED_BY_SEEN not in f.facts or seen is None or not seen.all_count:
        return []
    stmt = src.statement_at(src.tree_of(seen.file), seen.count.lineno)
    if stmt is None or undefined_in_code(seen.all_count, seen.file, seen.count.lineno):
        return []  # the arange's count is not known where the table's count is made
    return edits_of(src.LineEditor.for_node(seen.file, stmt).replace(seen.count, seen.all_count))
