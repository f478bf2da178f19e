"""A 0/1 mask handed over as a batch's entry (`batch["pad_mask"]`), made by a torch factory without a dtype where
the batch is made: `pad_mask = torch.zeros(n_q, MAX_GROUP)`, filled with `pad_mask[g, c] = 1`, then
`{"pad_mask": pad_mask, ...}`.  Every function the batch reaches gets the float mask; casting it where one of
them uses it leaves the others failing.  The factory makes it bool instead (`dtype=torch.bool`), which keeps
its values: only when the mask is written with 0/1/True/False items and never used in arithmetic there."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from . import fact

MADE_BOOL_AT_FACTORY = fact("made-bool-at-factory", "the batch's `factory_key` is made by `factory_call` (line "
                                                    "`factory_line`) without a dtype")
_FACTORIES = ("zeros", "ones", "full", "empty", "zeros_like", "ones_like")
_KEY = re.compile(r"""\w+\[["'](\w+)["']\]""")


def mask_factory(ctx: Context, made: str | None) -> tuple[str, ast.stmt, ast.Call] | None:
    """(file, statement, factory call) for the batch entry `made` (the text the mask was handed over as)."""
    key = _KEY.fullmatch(made or "")
    if key is None:
        return None
    from ..batches import item_entry
    entry = item_entry(ctx, key.group(1))
    if entry is None or not isinstance(entry[2], ast.Name):
        return None
    file, _, name = entry
    tree = src.tree_of(file)
    fn = src.enclosing_scope(tree, name.lineno) if tree is not None else None
    if fn is None:
        return None
    made_at = src.assignments(tree, name.id, fn, before=name.lineno)
    if len(made_at) != 1 or not isinstance(made_at[0].value, ast.Call):
        return None
    call = made_at[0].value
    if not (src.call_name(call).startswith("torch.") and src.call_name(call).split(".")[-1] in _FACTORIES
            and src.keyword(call, "dtype") is None):
        return None
    for n in ast.walk(fn):
        if isinstance(n, ast.BinOp) and any(isinstance(o, ast.Name) and o.id == name.id for o in (n.left, n.right)):
            return None  # arithmetic on the mask: a bool one would refuse it
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
                                             and t.value.id == name.id for t in n.targets):
            if not (isinstance(n.value, ast.Constant) and n.value.value in (0, 1, True, False)):
                return None  # items written with other values than 0/1
    return file, made_at[0].stmt, call
