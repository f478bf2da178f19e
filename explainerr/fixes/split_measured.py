"""Fix for a size measured on one split of the data: `max_frames = max(u.num_frames for u in train_set)` sizes the
model's positions (`max_position_embeddings=... max_frames ...`), and the dev split holds longer items.  The
measurement takes every split the script has (`[*train_set, *dev_set]`): the splits are the names made like the
measured one, the word `train` swapped for `dev`, `val`, `valid`, `test` or `eval`.  Read from the user's source:
the setting's expression, the one name of it assigned a `max(...)` over a `train` name, and its sibling splits."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit
from . import edits_of
from .checks import bound_names

MEASURED_ON_ONE_SPLIT = fact("measured-on-one-split", "`measured` (line `measured_line`) takes the largest "
                                                      "over `split` only, beside `others`")
_SIBLINGS = ("dev", "val", "valid", "test", "eval")


def measured_on_one_split(ctx: Context, f: Finding) -> list[Edit]:
    site = f.hints.get("positions_kw")
    if not site:
        return []
    file, expr = site
    tree = src.tree_of(file)
    if tree is None:
        return []
    hits = []
    for name in set(src.names_in(expr)):
        made = src.assignments(tree, name)
        if len(made) != 1 or not isinstance(made[0].value, ast.Call) or src.call_name(made[0].value) != "max":
            continue
        call = made[0].value
        gen = call.args[0] if len(call.args) == 1 and isinstance(call.args[0], (ast.GeneratorExp, ast.ListComp)) \
            else None
        it = gen.generators[0].iter if gen is not None and len(gen.generators) == 1 else None
        if not (isinstance(it, ast.Name) and "train" in it.id):
            continue
        known = bound_names(file, made[0].stmt.lineno) or set()
        others = [it.id.replace("train", s) for s in _SIBLINGS if it.id.replace("train", s) in known
                  and src.assignments(tree, it.id.replace("train", s))]  # (assigned by the script: not `eval`)
        if others:
            hits.append((made[0].stmt, it, others, name))
    if len(hits) != 1:
        return []
    stmt, it, others, name = hits[0]
    joined = "[" + ", ".join(f"*{n}" for n in [it.id, *others]) + "]"
    out = edits_of(src.LineEditor.for_node(file, stmt).replace(it, joined))
    if out:
        f.facts.add(MEASURED_ON_ONE_SPLIT)
        f.values.update(measured=name, measured_line=stmt.lineno, split=it.id,
                        others=", ".join(f"`{n}`" for n in others), splits_joined=joined)
    return out
