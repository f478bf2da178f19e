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
    """`fine` of `fine`, `enc` of `dict(enc)` or `enc.data`: the name a returned item carries."""
    while isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    return node.id if isinstance(node, ast.Name) else None


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
    """A scope a user frame runs in unpacks a tuple into plain names (`enc, coarse, fine = batch`) of which two
    or more are names a collate function returns in a tuple of the same length, at other places there."""
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
                shared = [n for n in names if n in order]
                if len(shared) >= 2 and sorted(order.index(n) for n in shared) == sorted(
                        names.index(n) for n in shared) and any(order.index(n) != names.index(n) for n in shared):
                    return True
    return False
