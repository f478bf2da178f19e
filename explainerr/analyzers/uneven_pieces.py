"""Uneven pieces of one tensor stacked: `sig.chunk(6)` of 1000 samples gives five pieces of 167 and a last one of
165 (`split(k)` and `tensor_split` / `array_split` leave the same kind of short last piece).  Stacking the pieces
fails like an unpadded batch, but nothing there is a list of examples of different lengths: the pieces must be cut
equal (a length that the count divides).  Read from the items' shapes in the frame and the user's source."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import FrameFacts
from .classes import user_files

_SPLITS = ("chunk", "split", "tensor_split", "array_split")


def uneven_pieces(ctx: Context, frame: FrameFacts | None, name: str | None) -> bool:
    """The list `name` stacked in `frame` has three or more items that differ in one dimension only, every item
    but the last of one size and the last shorter (how a split into pieces ends), and the user's files cut a
    tensor into pieces (`.chunk`, `.split`, `tensor_split`, `array_split`)."""
    if frame is None or not name or not name.isidentifier():
        return False
    items = [t.shape for _, t in sorted((int(t.expr[len(name) + 1:-1]), t) for t in frame.tensors
                                        if t.expr.startswith(name + "[") and t.expr[len(name) + 1:-1].isdigit())]
    if len(items) < 3 or len({len(s) for s in items}) != 1:
        return False
    dims = {d for s in items for d in range(len(s)) if s[d] != items[0][d]}
    if len(dims) != 1:
        return False
    d = dims.pop()
    *first, last = [s[d] for s in items]
    if len(set(first)) != 1 or not 0 < last < first[0]:
        return False
    return any(_cuts_pieces(c) for file in user_files(ctx) for c in src.calls(src.tree_of(file) or ast.Module()))


def _cuts_pieces(call: ast.Call) -> bool:
    """A call that cuts a tensor or array into pieces; `line.split(",")` of a string is not one."""
    name = src.call_name(call).split(".")[-1]
    if name not in _SPLITS or not call.args:
        return False
    return name != "split" or not (isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str))
