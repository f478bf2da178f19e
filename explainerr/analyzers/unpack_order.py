"""A batch unpacked in another order than the collate function returns it: `return dict(enc), fine, coarse`
beside `enc, coarse, fine = batch` in the step that reads the batch.  Each tensor is right; the names put each
in the other's place (the parent head gets the child ids), so whatever size or id then disagrees is not a
length, a vocabulary or a class count to change.  Read from the user's source: the DataLoaders' collate
functions, their returned tuples, and the unpackings in the scopes the user frames run in."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from .classes import user_files
from .collators import collate_def


def _item_name(node: ast.AST) -> str | None:
    """The name a returned item carries: `fine`, `enc` of `dict(enc)`, the key of `enc["input_ids"]`, the
    field of `torch.tensor([p.listener for p in rows])`."""
    while isinstance(node, ast.Call) and len(node.args) == 1:
        node = node.args[0]
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        node = node.elt
        if isinstance(node, ast.Name):
            return None  # `[x for x in rows]`: the loop's own name says nothing
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def _related(a: str | None, b: str) -> bool:
    """`phones` and `padded_phones`, `utt_phones`: one name holds the other (the same thing, reworked)."""
    return a is not None and (a.lower() in b.lower() or b.lower() in a.lower())


def _returned_orders(ctx: Context) -> list[list[str | None]]:
    """The names of the items each DataLoader's collate function returns as a tuple."""
    out = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in (c for c in src.calls(tree) if src.call_name(c).split(".")[-1] == "DataLoader") \
                if tree is not None else ():
            fn = collate_def(tree, call)
            for ret in (r for r in src.statements(fn) if isinstance(r, ast.Return)) if fn is not None else ():
                if isinstance(ret.value, ast.Tuple) and len(ret.value.elts) > 1:
                    out.append([_item_name(e) for e in ret.value.elts])
    return out


def collated_out_of_order(ctx: Context) -> bool:
    """A scope a user frame runs in unpacks a tuple into plain names (`enc, coarse, fine = batch`) of which one
    is the name of an item a collate function returns in a tuple of the same length, at another place there."""
    orders = _returned_orders(ctx)
    if not orders:
        return False
    for frame in ctx.user_frames():
        tree = src.tree_of(frame.file)
        scope = src.enclosing_scope(tree, frame.line) if tree is not None else None
        for st in src.statements(scope) if scope is not None else ():
            target = st.targets[0] if isinstance(st, ast.Assign) and len(st.targets) == 1 else (
                st.target if isinstance(st, ast.For) else None)
            if not isinstance(target, ast.Tuple) or not all(isinstance(e, ast.Name) for e in target.elts):
                continue
            names = [e.id for e in target.elts]  # type: ignore[attr-defined]
            for order in orders:
                if len(order) != len(names):
                    continue
                for n in (n for n in names if n in order):
                    i, j = order.index(n), names.index(n)
                    if i != j and not _related(order[j], n) and not _related(names[i], n):
                        return True  # a name the collate function gives one item, unpacked at another's place
    return False
