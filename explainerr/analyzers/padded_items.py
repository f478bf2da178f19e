"""Labels padded by the user's Dataset to a fixed width while a library collator pads the rest of the batch
only to its longest example: `__getitem__` pads each example's per-token labels with `[-100] * (MAX_LEN -
len(tags))` so that batches stack, and `DataCollatorWithPadding` pads the input ids to the batch's own length,
so the labels come out wider than the logits.  `DataCollatorForTokenClassification` pads the labels to the
batch's width itself.  Read from the user's source: the Dataset's `__getitem__`, the padding statement, the
collator's constructor call."""
from __future__ import annotations

import ast
import re
from typing import NamedTuple

from .. import source as src
from ..facts import Context
from . import Finding, fact

PADDED_ITEMS = fact("padded-items", "the Dataset pads each example's labels to a fixed width (`pad_made`, line "
                                    "`pad_line`) while `collator` pads the inputs to the batch's longest example")


class ItemPadding(NamedTuple):
    """The padding in `__getitem__`: the statement `stmt` that only pads (dropped whole), or, when the padding
    is inside the labels' value, that value `padded` and its unpadded part `kept`; the collator call to change."""

    file: str
    stmt: ast.stmt
    padded: ast.expr | None
    kept: ast.expr | None
    collator: ast.Call


def pad_list(node: ast.AST, pad: int) -> ast.expr | None:
    """`n` of `[pad] * n` or `n * [pad]` (the padding value written as a number, a constant's name or a setting
    named like an ignore or pad value)."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
        return None
    lst = next((s for s in (node.left, node.right) if isinstance(s, ast.List)), None)
    if lst is None or len(lst.elts) != 1:
        return None
    e = lst.elts[0]
    value = -e.operand.value if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub) and isinstance(
        e.operand, ast.Constant) else getattr(e, "value", None) if isinstance(e, ast.Constant) else None
    if not (value == pad or (isinstance(e, ast.Name) and e.id.isupper()) or (
            isinstance(e, ast.Attribute) and re.search(r"(?i)ignore|pad", e.attr))):  # `CFG.ignore_index`
        return None
    return node.right if lst is node.left else node.left


def _padding(fn: ast.FunctionDef, value: ast.expr, pad: int) -> tuple[ast.stmt | None, ast.expr | None] | None:
    """The statement of `fn` that pads the labels' value: `value` itself (`tags + [-100] * (...)`, giving the
    kept part), or an assignment, `+=` or `.extend(...)` of the name it reads."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and pad_list(value.right, pad):
        return (None, value.left) if isinstance(value.left, (ast.Name, ast.Subscript, ast.Attribute)) else None
    if not isinstance(value, ast.Name):
        return None
    name = value.id
    for n in src.walk_scope(fn):
        if getattr(n, "lineno", value.lineno) >= value.lineno:
            continue
        if (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                and n.targets[0].id == name and isinstance(n.value, ast.BinOp) and isinstance(n.value.op, ast.Add)
                and isinstance(n.value.left, ast.Name) and n.value.left.id == name and pad_list(n.value.right, pad)):
            return n, None
        if (isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id == name
                and isinstance(n.op, ast.Add) and pad_list(n.value, pad)):
            return n, None
        if (isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Attribute)
                and n.value.func.attr == "extend" and isinstance(n.value.func.value, ast.Name)
                and n.value.func.value.id == name and len(n.value.args) == 1 and pad_list(n.value.args[0], pad)):
            return n, None
    return None


def padded_items(ctx: Context, pad: int) -> Finding | None:
    """The finding when the user's Dataset pads the `labels` it gives each example (with `pad`, the labels'
    smallest value) and the file builds exactly one `DataCollatorWithPadding`: hint `padded_items`."""
    from ..batches import item_entry
    entry = item_entry(ctx, "labels")
    if entry is None:
        return None
    file, stmt, value = entry
    tree = src.tree_of(file)
    fn = src.enclosing_scope(tree, stmt.lineno) if tree is not None else None
    if not isinstance(fn, ast.FunctionDef):
        return None
    found = _padding(fn, value, pad)
    calls = [c for c in src.calls(tree) if src.call_name(c).split(".")[-1] == "DataCollatorWithPadding"]
    if found is None or len(calls) != 1:
        return None
    pad_stmt, kept = found
    made = pad_stmt if pad_stmt is not None else value
    f = Finding(facts={PADDED_ITEMS})
    f.values.update(pad_made=" ".join(src.segment(file, made).split()), pad_line=made.lineno,
                    collator=" ".join(src.segment(file, calls[0]).split()))
    f.hints["padded_items"] = ItemPadding(file, pad_stmt or stmt, None if pad_stmt is not None else value, kept,
                                          calls[0])
    return f
