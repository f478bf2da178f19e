"""A 0/1 mask handed over as a batch's entry (`batch["pad_mask"]`), made by a torch factory without a dtype where
the batch is made: `pad_mask = torch.zeros(n_q, MAX_GROUP)`, filled with `pad_mask[g, c] = 1`, then
`{"pad_mask": pad_mask, ...}` (or a numpy array of another dtype, `np.ones(.., dtype=np.uint8)`, wrapped by
`torch.from_numpy`).  Every function the batch reaches gets the float mask; casting it where one of
them uses it leaves the others failing.  The factory makes it bool instead (`dtype=torch.bool`, `dtype=bool` for numpy), which
keeps its values: only when the mask is written with 0/1/True/False items and no line of the user's files computes
with it (`1 - pad_mask`)."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from . import fact

MADE_BOOL_AT_FACTORY = fact("made-bool-at-factory", "the batch's `factory_key` is made by `factory_call` (line "
                                                    "`factory_line`) without a dtype")
_FACTORIES = ("zeros", "ones", "full", "empty", "zeros_like", "ones_like")
_WRAPS = ("torch.from_numpy", "torch.tensor", "torch.as_tensor")
_KEY = re.compile(r"""\w+\[["'](\w+)["']\]""")


def mask_factory(ctx: Context, made: str | None) -> tuple[str, ast.stmt, ast.Call] | None:
    """(file, statement, factory call) for the batch entry `made` (the text the mask was handed over as)."""
    key = _KEY.fullmatch(made or "")
    if key is None:
        return None
    from ..batches import item_entry
    entry = item_entry(ctx, key.group(1))
    name = entry[2] if entry is not None else None
    while isinstance(name, ast.Call) and src.call_name(name) in _WRAPS and len(name.args) == 1:
        name = name.args[0]  # `torch.from_numpy(pad)`: the array it wraps
    if not isinstance(name, ast.Name):
        return None
    file = entry[0]
    tree = src.tree_of(file)
    fn = src.enclosing_scope(tree, name.lineno) if tree is not None else None
    if fn is None:
        return None
    made_at = src.assignments(tree, name.id, fn, before=name.lineno)
    if len(made_at) != 1 or not isinstance(made_at[0].value, ast.Call):
        return None
    call = made_at[0].value
    module = src.call_name(call).rpartition(".")[0]
    dtype = src.keyword(call, "dtype")
    if not (module in ("torch", "np", "numpy") and src.call_name(call).split(".")[-1] in _FACTORIES):
        return None
    if dtype is not None and re.search(r"bool", src.segment(file, dtype.value) or ""):
        return None
    for n in ast.walk(fn):
        if isinstance(n, ast.BinOp) and any(isinstance(o, ast.Name) and o.id == name.id for o in (n.left, n.right)):
            return None  # arithmetic on the mask: a bool one would refuse it
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
                                             and t.value.id == name.id for t in n.targets):
            if not (isinstance(n.value, ast.Constant) and n.value.value in (0, 1, True, False)):
                return None  # items written with other values than 0/1
    if _arithmetic_on(ctx, {name.id, key.group(1)}, key.group(1)):
        return None  # a reader computes with it (`1 - pad_mask`): a bool mask would refuse that
    return file, made_at[0].stmt, call


def computed_with(n: ast.AST) -> tuple[ast.AST, ...]:
    """The operands `n` computes with: both sides of arithmetic (`1 - m`, `m * x`; not `&`, `|`, `^`, which a
    bool mask takes) and the operand of a negation (`-m`); () for any other node."""
    if isinstance(n, ast.BinOp) and not isinstance(n.op, (ast.BitAnd, ast.BitOr, ast.BitXor)):
        return n.left, n.right
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
        return (n.operand,)
    return ()


def _arithmetic_on(ctx: Context, names: set[str], key: str) -> bool:
    """Some line of the user's files computes with a name of `names` or with the batch's entry `key`
    (`batch["pad_mask"]`)."""
    from .classes import user_files
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for n in ast.walk(tree) if tree is not None else ():
            if any((isinstance(o, ast.Name) and o.id in names) or (isinstance(o, ast.Subscript) and isinstance(
                    o.slice, ast.Constant) and o.slice.value == key) for o in computed_with(n)):
                return True
    return False
