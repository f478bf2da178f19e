"""A Dataset that counts more items than its `__getitem__` can read: `__getitem__(self, i)` reads
`self.series[i + self.window]` (the target after a window), but `__len__` returns `len(self.series) -
self.window + 1`, so the DataLoader's last index reads past the end.  `__len__` must leave room for the offset
the read adds.  Read from the user's source and the frames' shapes only."""
from __future__ import annotations

import ast

from .. import source as src
from ..model import FrameFacts, TensorFacts
from . import Finding, evidence, fact

LEN_FIXED = fact("len-fixed", "`len_fixed` is the count whose last index `index_expr` still fits `tensor`")
DATASET_LENGTH = fact("dataset-length", "`cls`.__len__ (`len_expr`, line `len_line`) counts items up to an index whose "
                                        "read `index_expr` passes the end of `tensor`")


def dataset_length(frame: FrameFacts, tree: ast.Module, parts: list[ast.AST], base: str, tensor: TensorFacts | None,
                   index: int, dim: int | None, size: int) -> Finding | None:
    """The failing read is in `__getitem__`, an index part is its index parameter plus an offset, and the class's
    `__len__` returns an expression that counts `len(base)` (or more): the finding, with the new `__len__`
    return value `len(base) - offset` when `__len__` uses `len(base)`."""
    found = dataset_methods(tree, frame) if dim in (0, None) and index >= size else None
    if found is None:
        return None
    owner, getitem, var, returned = found
    returns = [returned]
    for part in parts:
        offset, read = added_to(part, var), src.segment(frame.file, part)
        if offset is None and isinstance(part, ast.Name):  # `end = start + self.window` read as `x[end]`
            value = src.assigned_value(tree, getitem, part, frame.line)
            offset = added_to(value, var) if value is not None else None
            read = " ".join(ast.unparse(value).split()) if value is not None else read
        if offset is None:
            continue
        counted = [c for c in ast.walk(returns[0].value) if isinstance(c, ast.Call) and src.call_name(c) == "len"
                   and c.args and ast.unparse(c.args[0]) == base]
        f = Finding(facts={DATASET_LENGTH})
        offset_text = " ".join(ast.unparse(offset).split())
        simple = isinstance(offset, (ast.Name, ast.Attribute, ast.Constant))
        fixed = f"len({base}) - {offset_text if simple else f'({offset_text})'}" if counted else \
            _without_extra(frame, returns[0].value, offset_text, size)
        f.values.update(cls=owner.name, len_expr=src.segment(frame.file, returns[0].value),
                        len_line=returns[0].lineno, index_expr=read, var=var,
                        offset=offset_text, tensor=base, size=size, dim=dim if dim is not None else 0, index=index,
                        len_fixed=fixed or "")
        e = evidence(tensor) if tensor is not None else None
        if e:
            f.evidence.append(e)
        if fixed:
            f.facts.add(LEN_FIXED)
            f.hints["dataset_length"] = (frame.file, returns[0].value, fixed)
            f.confidence = "high"
        return f
    return None


def dataset_methods(tree: ast.Module, frame: FrameFacts) -> tuple[ast.ClassDef, ast.FunctionDef, str, ast.Return] \
        | None:
    """For a frame in a Dataset's `__getitem__`: (the class, its `__getitem__`, the index parameter's name, the
    one `return <value>` of its `__len__`)."""
    if frame.function != "__getitem__":
        return None
    owner = src.enclosing_class(tree, frame.line)
    methods = {n.name: n for n in (owner.body if owner is not None else []) if isinstance(n, ast.FunctionDef)}
    getitem, length = methods.get("__getitem__"), methods.get("__len__")
    if getitem is None or length is None or len(getitem.args.args) < 2:
        return None
    returns = [r for r in ast.walk(length) if isinstance(r, ast.Return) and r.value is not None]
    return (owner, getitem, getitem.args.args[1].arg, returns[0]) if len(returns) == 1 else None


def _without_extra(frame: FrameFacts, value: ast.expr, offset: str, size: int) -> str | None:
    """`X - offset` for a `__len__` written `X - offset + 1` (the window's last start counted one past the
    end), when `X` is the length of a tensor of the frame with `size` items (`self.load.numel()`,
    `len(self.series)`, `self.x.shape[0]`)."""
    terms = src.signed_terms(value)
    minus = [t for sign, t in terms if sign < 0 and " ".join(ast.unparse(t).split()) == offset]
    extra = [t for sign, t in terms if sign > 0 and isinstance(t, ast.Constant) and type(t.value) is int]
    rest = [t for sign, t in terms if sign > 0 and not isinstance(t, ast.Constant)]
    if len(minus) != 1 or not extra or len(rest) != 1 or len(terms) != 2 + len(extra):
        return None
    held = _length_of(rest[0])
    t = frame.tensor(held[0]) if held is not None else None
    if t is None or not t.shape or t.shape[0] != size or (held[1] and len(t.shape) != 1):
        return None
    return f"{ast.unparse(rest[0])} - {offset}"


def _length_of(node: ast.AST) -> tuple[str, bool] | None:
    """(`t`, whether it counts every element) of `len(t)`, `t.shape[0]`, `t.size(0)`, `t.numel()`."""
    if isinstance(node, ast.Call) and src.call_name(node) == "len" and len(node.args) == 1:
        return ast.unparse(node.args[0]), False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.keywords and (
            (node.func.attr == "numel" and not node.args) or (node.func.attr == "size" and len(node.args) == 1
                                                              and ast.unparse(node.args[0]) == "0")):
        return ast.unparse(node.func.value), node.func.attr == "numel"
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape" \
            and ast.unparse(node.slice) == "0":
        return ast.unparse(node.value.value), False
    return None


def added_to(part: ast.AST, var: str) -> ast.expr | None:
    """What `part` adds to `var`: `start + self.window` → `self.window`; `i + self.ctx + self.h - 1` →
    `self.ctx + self.h - 1` (a sum with `var` once, added, at its left end or as a plain term)."""
    if var not in src.names_in(part) or src.names_in(part).count(var) != 1:
        return None
    chain: list[tuple[ast.operator, ast.expr]] = []
    node = part
    while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        chain.append((node.op, node.right))
        node = node.left
    terms = [(ast.Add(), node)] + list(reversed(chain))
    at = next((k for k, (_, t) in enumerate(terms) if isinstance(t, ast.Name) and t.id == var), None)
    if at is None or not isinstance(terms[at][0], ast.Add) or len(terms) < 2:
        return None
    rest = [t for k, t in enumerate(terms) if k != at]
    if not isinstance(rest[0][0], ast.Add):
        return None
    out = rest[0][1]
    for op, term in rest[1:]:
        out = ast.BinOp(left=out, op=op, right=term)
    return out
