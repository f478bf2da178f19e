"""A Dataset that counts one position too many per row: `__len__` returns `self.n_tickers * self.n_samples`,
`__getitem__` splits its index with `tk, t = divmod(idx, self.n_samples)` (or `t = idx % self.n_samples`) and
reads `self.ret[tk, t + self.lookback + self.horizon - 1]`, while `__init__` counts `self.n_samples = n_bars -
lookback - horizon + 2`: the last position of each row reads past its end.  The count's constant term is made
smaller by the overshoot, so the last read lands on the last entry: the overshoot is computed from the frame's
own numbers when the quotient is known (`count = (idx - t) // tk`), else it is at least the one the failing read
shows.  Read from the user's source, the frame's plain ints and the message's numbers (nothing runs)."""
from __future__ import annotations

import ast

from .. import source as src
from ..model import FrameFacts
from . import Finding, fact

PER_ROW_COUNT = fact("per-row-count", "`cls`.`count_attr` = `count_expr` (line `count_line`) counts the positions of "
                                      "a row; `__getitem__` takes `var` from the index modulo it and reads "
                                      "`index_expr`, so its last position reads `index`, past the `size` entries "
                                      "of dimension `dim`")


def _quotient_of(getitem: ast.FunctionDef, name: str) -> str | None:
    """`tk` of `tk, name = divmod(...)` in `__getitem__`."""
    for st in src.nodes(getitem, ast.Assign):
        target = st.targets[0] if len(st.targets) == 1 else None
        if isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Name) \
                and target.elts[1].id == name and isinstance(target.elts[0], ast.Name) \
                and isinstance(st.value, ast.Call) and src.call_name(st.value) == "divmod":
            return target.elts[0].id
    return None


def _overshoot(frame: FrameFacts, getitem: ast.FunctionDef, var: str, name: str, index: int, size: int) -> int | None:
    """How many positions per row the count has past the last that fits, from the frame's own numbers: the count is
    `(idx - t) // tk` (`tk, t = divmod(idx, count)`, tk > 0), the read adds `index - t` to `t`."""
    q = _quotient_of(getitem, name)
    idx, t, k = frame.scalars.get(var), frame.scalars.get(name), frame.scalars.get(q) if q else None
    if not all(type(v) is int for v in (idx, t, k)) or k <= 0 or (idx - t) % k:
        return None
    count = (idx - t) // k
    return count + (index - t) - size


def _remainder_of(getitem: ast.FunctionDef, var: str, name: str) -> str | None:
    """The attribute `C` when `name` is bound in `__getitem__` as the remainder of the index by `self.C`:
    `_, name = divmod(var, self.C)` or `name = var % self.C`."""
    for st in src.nodes(getitem, ast.Assign):
        if len(st.targets) != 1:
            continue
        target, value = st.targets[0], st.value
        if isinstance(value, ast.Call) and src.call_name(value) == "divmod" and len(value.args) == 2 \
                and isinstance(target, ast.Tuple) and len(target.elts) == 2 \
                and isinstance(target.elts[1], ast.Name) and target.elts[1].id == name:
            index, by = value.args
        elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod) and isinstance(target, ast.Name) \
                and target.id == name:
            index, by = value.left, value.right
        else:
            continue
        if isinstance(index, ast.Name) and index.id == var and isinstance(by, ast.Attribute) \
                and isinstance(by.value, ast.Name) and by.value.id == "self":
            return by.attr
    return None


def per_row_count(frame: FrameFacts, tree: ast.Module, parts: list[ast.AST], base: str, index: int,
                  dim: int | None, size: int) -> Finding | None:
    """The finding, with the count written with a constant term made smaller by `index - size + 1`, for a read
    `t + offset` in `__getitem__` whose `t` is the index's remainder by a count `__init__` writes once."""
    from .dataset_length import dataset_methods
    found = dataset_methods(tree, frame) if index >= size else None
    if found is None:
        return None
    owner, getitem, var, _ = found
    for part in parts:
        if not (isinstance(part, ast.BinOp) and isinstance(part.op, (ast.Add, ast.Sub))):
            continue
        names = [t for sign, t in src.signed_terms(part) if sign > 0 and isinstance(t, ast.Name)]
        attrs = {n.id: _remainder_of(getitem, var, n.id) for n in names}
        attrs = {k: v for k, v in attrs.items() if v}
        if len(attrs) != 1:
            continue
        (name, attr), = attrs.items()
        made = src.self_assignments(owner, attr)
        if len(made) != 1:
            return None
        value = made[0].value
        terms = src.signed_terms(value)
        consts = [t for sign, t in terms if sign > 0 and isinstance(t, ast.Constant) and type(t.value) is int]
        counted = _overshoot(frame, getitem, var, name, index, size)
        over = counted if counted is not None else index - size + 1  # (at least this much, from the read seen)
        if len(consts) != 1 or over < 1 or consts[0].value < over:
            return None
        left = consts[0].value - over
        text = src.segment(frame.file, value)
        start, end = consts[0].col_offset - value.col_offset, consts[0].end_col_offset - value.col_offset
        fixed = (text[:start] + str(left) + text[end:]) if left else _without(text, start, end)
        if fixed is None or consts[0].lineno != value.lineno or consts[0].end_lineno != value.end_lineno:
            return None
        f = Finding(facts={PER_ROW_COUNT})
        f.values.update(cls=owner.name, count_attr=f"self.{attr}", count_expr=text, count_line=made[0].lineno,
                        var=name, index_expr=" ".join(ast.unparse(part).split()), index=index, size=size,
                        dim=dim if dim is not None else 0, count_fixed=fixed, overshoot=over, tensor=base)
        f.hints["per_row_count"] = (frame.file, made[0], value, fixed)
        f.confidence = "high" if counted is not None else "medium"
        return f
    return None


def _without(text: str, start: int, end: int) -> str | None:
    """`a - b + 1` without its `+ 1` (the constant at [start:end] and the sign before it)."""
    head = text[:start].rstrip()
    if not head.endswith(("+", "-")):
        return None
    return (head[:-1].rstrip() + text[end:]).strip()
