"""A size taken as the largest value: `n_days = int(stay.max())` sizes a tensor whose positions are read with
values of that same kind (0 .. the largest), so the largest value itself, `n_days`, is one past the last
position.  A count of positions 0..m is m + 1.  Read from the user's source (the tensor's construction in the
failing function, the assignment of the size it is given) and the failing frame's values: the index equals
the size, the one value the largest of the data can take that the positions cannot."""
from __future__ import annotations

import ast

from .. import source as src
from ..model import FrameFacts
from . import Finding, fact, value_evidence

MAX_AS_SIZE = fact("max-as-size", "dimension `dim` of `tensor` is sized `size_expr` = `size_made` (line `size_line`), "
                                  "the largest value, while the index reaches that value")
_MAKERS = ("zeros", "ones", "full", "empty", "randn", "rand")


def _dims(call: ast.Call) -> list[ast.expr]:
    if len(call.args) >= 1 and isinstance(call.args[0], (ast.Tuple, ast.List)):
        return list(call.args[0].elts)
    name = src.call_name(call).rsplit(".", 1)[-1]
    return list(call.args if name != "full" else call.args[:1])


def _largest(value: ast.AST) -> bool:
    """`int(x.max())`, `max(xs)`, `np.max(x)`, `x.max().item()`: the largest of some values."""
    while isinstance(value, ast.Call) and (src.call_name(value) == "int" or (
            isinstance(value.func, ast.Attribute) and value.func.attr == "item")):
        value = value.args[0] if src.call_name(value) == "int" and value.args else value.func.value \
            if isinstance(value.func, ast.Attribute) and value.func.attr == "item" else None
    return isinstance(value, ast.Call) and src.call_name(value).rsplit(".", 1)[-1] in ("max", "amax")


def max_as_size(frame: FrameFacts, tree: ast.Module, base: str, index: int, dim: int | None,
                size: int) -> Finding | None:
    if index != size or dim is None or not base.isidentifier():
        return None
    made = src.last_assignment(tree, base, frame.line)
    call = made.value if made is not None else None
    if not (isinstance(call, ast.Call) and src.call_name(call).rsplit(".", 1)[-1] in _MAKERS):
        return None
    dims = _dims(call)
    if dim >= len(dims):
        return None
    sized = dims[dim]
    text = ast.unparse(sized)
    scope = src.enclosing_scope(tree, made.stmt.lineno)
    setting = None
    for st in src.statements(scope, nested=True):
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and ast.unparse(st.targets[0]) == text \
                and st.lineno < made.stmt.lineno:
            setting = st
    if setting is None or not _largest(setting.value):
        return None
    value = src.segment(frame.file, setting.value)
    f = Finding(confidence="medium")
    f.facts.add(MAX_AS_SIZE)
    f.values.update(tensor=base, dim=dim, index=index, size=size, size_expr=src.segment(frame.file, sized),
                    size_made=value,
                    size_line=setting.lineno, size_fixed=f"{value} + 1")
    f.hints["max_as_size"] = (frame.file, setting)
    f.evidence.append(value_evidence(src.segment(frame.file, sized), size))
    return f
