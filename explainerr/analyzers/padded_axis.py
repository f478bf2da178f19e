"""Padding put on the wrong axis: `F.pad(s, (0, longest - s.shape[0]))` pads the LAST dimension of each
(steps, features) item by an amount measured on the first, so the items still differ in length (and now in width
too) when they are stacked.  Padding is there; what is wrong is the pad tuple's order (`(0, 0, 0, n)` pads the
first of two dimensions), which no padding advice cures.  Read from the user's source and the message's shapes."""
from __future__ import annotations

import ast

from .. import source as src
from ..model import FrameFacts

_PADS = {"F.pad", "torch.nn.functional.pad", "nn.functional.pad", "functional.pad"}


def padded_other_axis(frame: FrameFacts | None, name: str | None, shapes: tuple[str | None, str | None]) -> bool:
    """`name` (the list stacked in `frame`) was made, in the frame's function, by padding each item with a
    two-number pad tuple (the last dimension only) by an amount measured along dimension 0 (`x.shape[0]`,
    `x.size(0)`, `len(x)`), and the message's two shapes have two or more dimensions."""
    if frame is None or not name or not name.isidentifier():
        return False
    try:
        dims = [len([int(x) for x in (s or "").split(",")]) for s in shapes]
    except ValueError:
        return False
    if min(dims) < 2:
        return False
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, name, frame.line) if tree is not None else None
    comp = made.value if made is not None else None
    if not isinstance(comp, (ast.ListComp, ast.GeneratorExp)):
        return False
    pad = comp.elt
    if not (isinstance(pad, ast.Call) and src.call_name(pad) in _PADS and len(pad.args) >= 2
            and isinstance(pad.args[1], (ast.Tuple, ast.List)) and len(pad.args[1].elts) == 2):
        return False
    return any(_measures_first_dim(n) for n in ast.walk(pad.args[1]))


def _measures_first_dim(node: ast.AST) -> bool:
    """`x.shape[0]`, `x.size(0)`, `len(x)`."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape":
        return isinstance(node.slice, ast.Constant) and node.slice.value == 0
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "size":
        return len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and node.args[0].value == 0
    return isinstance(node, ast.Call) and src.call_name(node) == "len"
