"""Fix for a sequence that grows in a loop past the model's positions: the model is given the last positions
only (a sliding window), where the loop feeds the sequence to it."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding
from ..facts import Context
from ..model import Edit
from . import edits_of, failing_statement


def last_positions(ctx: Context, f: Finding) -> list[Edit]:
    """`model(ids)` → `model(ids[:, -config.n_positions:])` on the failing line of the loop."""
    index, name, window = f.hints["window"]
    frame = ctx.frames[index]
    found = failing_statement(frame)
    if found is None:
        return []
    stmt = found[1]
    args = [a for n in ast.walk(stmt) if isinstance(n, ast.Call)
            for a in [*n.args, *(k.value for k in n.keywords)] if isinstance(a, ast.Name) and a.id == name]
    if len(args) != 1:
        return []
    return edits_of(src.LineEditor.for_node(frame.file, stmt).replace(args[0], window))
