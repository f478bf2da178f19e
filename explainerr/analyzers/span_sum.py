"""An index made as the sum of two loop variables (`end = start + length` in `for start in ...: for length in
range(MAX):`): each loop keeps within its own bound, but their sum runs past the tensor when the outer
variable is near its end.  The inner loop is bounded by what is left after the outer variable."""
from __future__ import annotations

import ast

from .. import source as src
from ..model import FrameFacts, TensorFacts
from . import Finding, evidence, fact

SPAN_PAST_END = fact("span-past-end", "the index `index_var` is made as `made` (line `made_line`): the sum of the "
                                      "outer loop's `outer` and the inner loop's `inner`, whose bound ignores `outer`")


def span_past_end(frame: FrameFacts, tree: ast.Module, loops: list[ast.For], parts: list[ast.AST], base: str,
                  tensor: TensorFacts | None, index: int, dim: int | None, size: int) -> Finding | None:
    """`loops` innermost first.  The first index part that is a plain name assigned, inside the innermost loop,
    the sum of the innermost `range(...)` loop's variable and an outer loop's variable."""
    if not loops or not isinstance(loops[0].iter, ast.Call) or src.call_name(loops[0].iter) != "range":
        return None
    inner_loop = loops[0]
    inner = src.names_in(inner_loop.target)
    outer = {n for loop in loops[1:] for n in src.names_in(loop.target)}
    for part in parts:
        if not isinstance(part, ast.Name) or part.id in inner or part.id in outer:
            continue
        made = src.last_assignment(tree, part.id, frame.line)
        if made is None or not src.contains(inner_loop, made.stmt.lineno):
            continue
        value = made.value
        if not (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add)):
            continue
        sides = [s.id for s in (value.left, value.right) if isinstance(s, ast.Name)]
        if len(sides) != 2 or not (set(sides) & set(inner)) or not (set(sides) & outer):
            continue
        var_inner = next(s for s in sides if s in inner)
        var_outer = next(s for s in sides if s in outer)
        args = inner_loop.iter.args
        if len(args) != 1:
            return None
        bound = src.segment(frame.file, args[0])
        size_expr = f"{base}.shape[{dim}]" if tensor is not None and tensor.is_array else f"{base}.size({dim})"
        f = Finding(facts={SPAN_PAST_END})
        f.values.update(index_var=part.id, made=" ".join(src.segment(frame.file, made.stmt).split()),
                        made_line=made.stmt.lineno, outer=var_outer, inner=var_inner, inner_bound=bound,
                        tensor=base, size=size, dim=dim if dim is not None else "?", index=index,
                        size_expr=size_expr, var=var_inner, index_expr=part.id,
                        loop_header=f"for {var_inner} in {src.segment(frame.file, inner_loop.iter)}",
                        bounded=f"min({bound}, {size_expr} - {var_outer})")
        e = evidence(tensor)
        if e:
            f.evidence.append(e)
        f.hints["span"] = (frame.file, inner_loop, args[0], f.values["bounded"])
        f.confidence = "high"
        return f
    return None
