"""A layer written as a trained weight kept outside any module (`params = {"W_out": glorot(N_STATES, EMB_DIM)}`,
then `F.linear(hidden, params["W_out"])`): the weight's expression names the layer, and its input size is the
argument of the expression that made it (an item of the dict of parameters) whose value is the size the layer
takes."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import FrameFacts
from .classes import SizeSite, module_defs, static_int


def trained_weight(frame: FrameFacts | None) -> str | None:
    """The text of the weight `F.linear(x, W)` is given, when the frame holds it as a trained 2-D tensor."""
    if frame is None or not frame.node:
        return None
    try:
        node = ast.parse(frame.node.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] == "linear" and len(node.args) >= 2):
        return None
    weight = src.segment_text(frame.node.strip(), node.args[1]) or ""
    held = frame.tensor(weight)
    return weight if held is not None and held.requires_grad and len(held.shape) == 2 else None


def weight_site(ctx: Context, frame: FrameFacts, weight: str, in_features: int) -> SizeSite | None:
    """Where the weight `params["W_out"]` is made: the one item of a dict display of the file under that key,
    a call whose argument (a name or constant) plainly holds `in_features`, the weight's second dimension."""
    try:
        read = ast.parse(weight, mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(read, ast.Subscript) and isinstance(read.slice, ast.Constant)
            and isinstance(read.slice.value, str)):
        return None
    tree = src.tree_of(frame.file)
    items = src.keyed_values(tree, read.slice.value) if tree is not None else []
    if len(items) != 1 or not isinstance(items[0], ast.Call):
        return None
    made = items[0]
    sized = [a for a in made.args if static_int(ctx, tree, a) == in_features]
    stmt = src.statement_at(tree, made.lineno)
    if len(sized) != 1 or stmt is None:
        return None
    return SizeSite(file=frame.file, stmt=stmt, kind="layer", node=sized[0], text=src.segment(frame.file, made))


def width_constant(ctx: Context, site: SizeSite, width: int) -> str | None:
    """The one module constant holding `width` that the statement around the site already reads (`HIDDEN` of
    `"W_hid": glorot(HIDDEN, EMB_DIM)` beside `"W_out": glorot(N_STATES, EMB_DIM)`): the width, by its name."""
    tree = src.tree_of(site.file)
    defs = module_defs(tree) if tree is not None else {}
    names = {n.id for n in ast.walk(site.stmt) if isinstance(n, ast.Name) and n.id in defs
             and static_int(ctx, tree, n) == width}
    return names.pop() if len(names) == 1 else None
