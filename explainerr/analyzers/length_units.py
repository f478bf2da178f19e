"""A loop bounded by a length its caller took from the wrong lengths tensor: `to_segments(frame_preds[i], length)`
walked `for i, length in enumerate(batch["lengths"].tolist())`, raw sample counts (up to 400), while the caller
also holds `frame_lengths`, as many lengths, up to the 100 frames the indexed tensor has.  The two tensors count
the same items in two units (samples and frames after a strided front end, characters and tokens); the loop
needs the unit of what it indexes.  Read from the user's source and the frames' values (nothing runs)."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from ..model import FrameFacts
from . import fact

LENGTHS_OTHER_UNIT = fact("lengths-other-unit", "the loop's bound `param` is filled by the caller with an item of "
                                                "`lengths_used` (up to `used_max`), while `lengths_meant` there holds "
                                                "as many lengths, up to `meant_max`, the size the loop indexes")


def _bound_given(ctx: Context, frame: FrameFacts, loop: ast.For):
    """The one parameter of the frame's function the loop's `range(...)` reads, when the user's caller fills it
    with a plain name: (the parameter, the caller's frame, its argument, the caller's parsed file)."""
    bound_params = [n for n in src.names_in(loop.iter) if n in frame.params]
    caller = ctx._caller(frame)
    if len(bound_params) != 1 or caller is None or caller.library:
        return None
    param = bound_params[0]
    arg = next((a for a in caller.call_args if a.param == param), None)
    tree = src.tree_of(caller.file)
    if arg is None or not arg.text.isidentifier() or tree is None:
        return None
    return param, caller, arg, tree


@dataclass
class OtherUnit:
    file: str
    stmt: ast.stmt     # the caller's loop header that walks the lengths
    node: ast.AST      # the lengths expression in it
    meant: str         # the lengths in the indexed tensor's unit


def lengths_other_unit(ctx: Context, frame: FrameFacts, loop: ast.For, size: int) -> tuple[dict, OtherUnit] | None:
    """(values for the sentences, the edit's place) when the loop's `range(...)` reads a parameter of its
    function and the caller fills it from a loop over a 1-D integer tensor whose largest value passes `size`,
    while exactly one other 1-D integer tensor of the caller, of the same shape, has `size` as its largest."""
    given = _bound_given(ctx, frame, loop)
    if given is None:
        return None
    param, caller, arg, tree = given
    header = next((lp for lp in src.enclosing_loops(tree, caller.line) if arg.text in src.names_in(lp.target)), None)
    if header is None:
        return None
    node = header.iter
    while isinstance(node, ast.Call) and (src.call_name(node) in ("enumerate", "zip", "list") or (
            isinstance(node.func, ast.Attribute) and node.func.attr in ("tolist", "cpu", "numpy"))):
        node = node.args[0] if src.call_name(node) in ("enumerate", "list") and node.args else (
            node.func.value if isinstance(node.func, ast.Attribute) else None)
        if node is None:
            return None
    text = " ".join(src.segment(caller.file, node).split())
    used = caller.tensor(text)
    if used is None or len(used.shape) != 1 or not used.is_integer or not isinstance(used.max, int) or used.max <= size:
        return None
    meant = [t for t in caller.tensors if t.ident != used.ident and t.shape == used.shape and t.is_integer
             and t.max == size and t.expr.isidentifier()]
    if len(meant) != 1:
        return None
    values = {"param": param, "lengths_used": text, "used_max": used.max, "lengths_meant": meant[0].expr,
              "meant_max": size, "caller_fn": caller.function, "caller_line": header.lineno}
    return values, OtherUnit(caller.file, header, node, meant[0].expr)


LENGTHS_CONVERTED_ELSEWHERE = fact("lengths-converted-elsewhere", "the loop's bound `param` is `lengths_used` (up to "
                                                                  "`used_max`), which the user's code converts "
                                                                  "elsewhere into the unit of what the loop indexes, "
                                                                  "`converted` (line `converted_line`)")


@dataclass
class Converted:
    file: str
    stmt: ast.stmt     # the caller's statement that passes the raw lengths
    node: ast.AST      # the argument
    text: str          # the conversion, as the user's code writes it elsewhere


def lengths_converted_elsewhere(ctx: Context, frame: FrameFacts, loop: ast.For,
                                size: int) -> tuple[dict, Converted] | None:
    """(values for the sentences, the edit's place) when the loop's `range(...)` reads a parameter of its function
    that the caller fills with a 1-D integer tensor or a name whose largest value passes `size`, and the caller's
    file divides that same name elsewhere (`frame_lens = widths // PlateCRNN.downsample`, the lengths a CTC loss
    gets) by a number that brings the largest value within `size`: the conversion was left out here."""
    from .classes import class_constant, static_int
    given = _bound_given(ctx, frame, loop)
    if given is None:
        return None
    param, caller, arg, tree = given
    used = caller.tensor(arg.text)
    if used is None or len(used.shape) != 1 or not used.is_integer or not isinstance(used.max, int) or used.max <= size:
        return None
    divisions = [n for n in src.nodes(tree, ast.BinOp) if isinstance(n.op, ast.FloorDiv)
                 and isinstance(n.left, ast.Name) and n.left.id == arg.text]
    texts = {" ".join(src.segment(caller.file, n).split()): n for n in divisions}
    if len(texts) != 1:
        return None
    text, division = next(iter(texts.items()))
    by = static_int(ctx, tree, division.right)
    if by is None and isinstance(division.right, ast.Attribute) and isinstance(division.right.value, ast.Name):
        held = next((m for m in caller.modules if m.expr == division.right.value.id), None)
        if held is not None:  # `model.width_stride`, a class attribute of the model's class
            by = class_constant(tree, ast.Attribute(value=ast.Name(id=held.cls), attr=division.right.attr))
    if not isinstance(by, int) or by <= 1 or used.max // by > size:
        return None
    stmt = src.statement_at(tree, caller.line)
    call = next((c for c in src.calls(stmt) if any(isinstance(a, ast.Name) and a.id == arg.text for a in c.args)
                 or any(isinstance(k.value, ast.Name) and k.value.id == arg.text for k in c.keywords)), None) \
        if stmt is not None else None
    if call is None:
        return None
    node = next((a for a in [*call.args, *(k.value for k in call.keywords)]
                 if isinstance(a, ast.Name) and a.id == arg.text), None)
    made = src.statement_at(tree, division.lineno)
    said = " ".join(src.segment(caller.file, made).split()) if isinstance(made, ast.Assign) and made.value is division \
        and len(made.targets) == 1 and isinstance(made.targets[0], ast.Name) else text
    values = {"param": param, "lengths_used": arg.text, "used_max": used.max, "converted": text, "converted_said": said,
              "converted_line": division.lineno, "caller_fn": caller.function, "caller_line": caller.line,
              "divisor": by}
    return values, Converted(caller.file, stmt, node, text)
