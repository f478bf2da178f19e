"""A window loop that leaves no room for what its body reads ahead: `for start in range(n - history + 1)` with
the targets read at `x[:, start + history + h]` for `h in range(horizon)`.  The outer bound leaves room for the
history only; the inner loop reaches `horizon` more.  The outer loop's bound takes the inner loop's length off
(`range(n - history + 1 - horizon)`), so the last window's reads end at the last entry; narrowing the inner loop
instead would change what each window predicts.  Read from the failing line and the frame's own numbers (the
loops' bounds and the index's other terms evaluated from the frame's ints), checked to end exactly at the size."""
from __future__ import annotations

import ast
import operator

from .. import source as src
from ..model import FrameFacts
from . import Finding, fact

WINDOW_ROOM = fact("window-room", "`outer_header` (line `outer_line`) leaves room for the reads of `index_expr` "
                                  "up to `inner_var` = 0 only, while `inner_header` takes `inner_var` up to "
                                  "`inner_len` - 1: the outer bound must subtract `inner_len`")


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv}


def _value(node: ast.AST, scalars: dict) -> int | None:
    """An int expression of constants, the frame's int names and sizes (`x.shape[1]`, `x.size(1)`, `len(x)`,
    kept in `scalars` under their text), with +, -, * and //."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, (ast.Subscript, ast.Call)):
        v = scalars.get(ast.unparse(node))
        return v if type(v) is int else None
    if isinstance(node, ast.Name):
        v = scalars.get(node.id)
        return v if type(v) is int else None
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        a, b = _value(node.left, scalars), _value(node.right, scalars)
        if a is None or b is None or (isinstance(node.op, ast.FloorDiv) and b == 0):
            return None
        return _OPS[type(node.op)](a, b)
    return None


def _terms(node: ast.AST) -> list[ast.AST] | None:
    """The added terms of `a + b + c` (None when something is subtracted)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _terms(node.left), _terms(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
        return None
    return [node]


def _range_bound(loop: ast.For) -> ast.expr | None:
    it = loop.iter
    if isinstance(it, ast.Call) and src.call_name(it) == "range" and not it.keywords:
        if len(it.args) == 1:
            return it.args[0]
        if len(it.args) == 2 and isinstance(it.args[0], ast.Constant) and it.args[0].value == 0:
            return it.args[1]
    return None


def _scalars(ctx, frame: FrameFacts) -> dict:
    """The frame's ints, with those of the function around a comprehension's own frame (`<listcomp>` holds only the
    names its body reads; the loop bounds were evaluated outside it)."""
    frames = [frame]
    caller = ctx._caller(frame) if frame.function.startswith("<") else None
    if caller is not None and caller.file == frame.file:
        frames.insert(0, caller)
    out: dict = {}
    for fr in frames:
        out.update(fr.scalars)
        for tensor in fr.tensors:  # `x.shape[d]`, `x.size(d)` and `len(x)` of the frame's tensors
            for d, n in enumerate(tensor.shape):
                out[f"{tensor.expr}.shape[{d}]"] = out[f"{tensor.expr}.size({d})"] = n
            if tensor.shape:
                out[f"len({tensor.expr})"] = tensor.shape[0]
    return out


def window_room(ctx, frame: FrameFacts, loops: list[ast.For], part: ast.AST, base: str, index: int,
                dim: int | None, size: int) -> Finding | None:
    """The finding when `part` adds the variables of an inner `range(K)` loop and of an outer `range(E)` loop
    (plus terms the frame knows), and subtracting K from E makes the last read exactly the dimension's last entry."""
    terms = _terms(part)
    if terms is None or len(terms) < 3:
        return None
    names = [t.id for t in terms if isinstance(t, ast.Name)]
    plain = [lp for lp in loops if isinstance(lp.target, ast.Name) and lp.target.id in names and _range_bound(lp)]
    if len(plain) != 2:
        return None
    inner, outer = plain[0], plain[1]  # loops_around lists the innermost first
    scalars = _scalars(ctx, frame)
    k, e = _value(_range_bound(inner), scalars), _value(_range_bound(outer), scalars)
    rest = [t for t in terms if not (isinstance(t, ast.Name) and t.id in (inner.target.id, outer.target.id))]
    extra = [_value(t, scalars) for t in rest]
    if k is None or e is None or k < 1 or any(x is None for x in extra):
        return None
    last_now = (e - 1) + sum(extra) + (k - 1)  # type: ignore[arg-type]
    if last_now < size or (e - k - 1) + sum(extra) + (k - 1) != size - 1:  # type: ignore[arg-type]
        return None
    bound = _range_bound(outer)
    said = src.segment(frame.file, bound)
    inner_len = src.segment(frame.file, _range_bound(inner))
    inner_text = inner_len if isinstance(_range_bound(inner), (ast.Name, ast.Constant, ast.Attribute)) \
        else f"({inner_len})"
    fixed = f"{said} - {inner_text}"
    if isinstance(bound, ast.BinOp) and isinstance(bound.op, ast.Add) and isinstance(bound.right, ast.Constant):
        fixed = f"{src.segment(frame.file, bound.left)} - {inner_text} + {bound.right.value}"
    f = Finding(confidence="high")
    f.facts.add(WINDOW_ROOM)
    f.values.update(index=index, size=size, dim=dim if dim is not None else "?", tensor=base, last=size - 1,
                    index_expr=ast.unparse(part), inner_var=inner.target.id, inner_len=inner_len,
                    inner_header=f"for {inner.target.id} in {src.segment(frame.file, inner.iter)}",
                    outer_header=f"for {outer.target.id} in {src.segment(frame.file, outer.iter)}",
                    outer_line=outer.lineno, outer_bound=said, outer_fixed=fixed, var=inner.target.id)
    f.hints["window_room"] = (frame.file, outer, bound, fixed)
    return f
