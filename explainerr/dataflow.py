"""How values move through the user's code, read from its AST without running it: which names share a
tensor's storage (`labels = input_ids`, a view, a slice), which statements write into a tensor in place
(`labels[~m] = -100`, `x.masked_fill_(...)`), where a dict entry is set (`batch["labels"] = ...`,
`batch.update(...)`), and which dtype a constructor gives when it names none (`np.zeros` → float64).

Used by provenance.py (where the values come from) and by the fix builders (where a copy or a dtype belongs).
"""
from __future__ import annotations

import ast
from functools import lru_cache
from typing import Iterable

from .source import call_name, keyword, statements

#: Tensor methods whose result shares storage with the tensor they are called on (an in-place write through
#: the result changes the original).
VIEW_METHODS = frozenset({"view", "view_as", "reshape", "detach", "squeeze", "unsqueeze", "transpose", "permute",
                          "t", "expand", "expand_as", "narrow", "flatten", "T", "data"})
#: Methods that return a fresh copy: the chain of shared storage stops there.
COPY_METHODS = frozenset({"clone", "copy", "deepcopy", "tolist", "numpy", "float", "long", "int", "bool", "double",
                          "half"})


def aliased_name(value: ast.AST) -> str | None:
    """The name whose storage `value` shares when assigned: `b` for `b`, `b[:, 1:]`, `b.view(-1)`,
    `b.detach()`; None for a copy (`b.clone()`), a computation or a call that makes a new tensor."""
    node = value
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Constant | ast.JoinedStr):
            node = node.value  # a slice or an index of a tensor is a view
            continue
        if isinstance(node, ast.Attribute) and node.attr in ("T", "data"):
            node = node.value
            continue
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in VIEW_METHODS):
            node = node.func.value
            continue
        return None


def aliases(tree: ast.Module, scope: ast.AST, name: str, before: int) -> list[tuple[str, ast.stmt]]:
    """Names bound in `scope` before line `before` to the same storage as `name` (`labels = input_ids`,
    `input_ids = batch_ids.view(...)`), with the statement that made each alias; transitively."""
    out: list[tuple[str, ast.stmt]] = []
    known = {name}
    changed = True
    pairs = [p for p in _alias_pairs(scope) if p[2].lineno < before]
    while changed:
        changed = False
        for target, source, stmt in pairs:
            if (target in known) != (source in known):
                other = source if target in known else target
                known.add(other)
                out.append((other, stmt))
                changed = True
    return out


@lru_cache(maxsize=64)
def _alias_pairs(scope: ast.AST) -> tuple[tuple[str, str, ast.stmt], ...]:
    """(alias, name, statement) for every `alias = <name or a view of it>` of the scope, in walk order: read
    once per scope, however many names are followed through it."""
    pairs: list[tuple[str, str, ast.stmt]] = []
    for n in statements(scope):
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            src_name = aliased_name(n.value)
            if src_name is not None and src_name != n.targets[0].id:
                pairs.append((n.targets[0].id, src_name, n))
    return tuple(pairs)


#: Methods that write into the tensor they are called on.
def _writes_in_place(method: str) -> bool:
    return method.endswith("_") and not method.startswith("_") and method not in ("requires_grad_",)


def inplace_writes(scope: ast.AST, names: Iterable[str], after: int, before: int) -> list[ast.stmt]:
    """Statements of `scope` between lines `after` and `before` (exclusive) that change one of `names` in
    place: an item assignment (`labels[~masked] = -100`, `x[:, 0] += 1`) or an in-place method
    (`ids.masked_fill_(...)`, `x.clamp_(...)`).  In source order."""
    wanted = set(names)
    out: list[ast.stmt] = []
    for n in statements(scope):
        if not after < n.lineno < before:
            continue
        targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, ast.AugAssign) else []
        if any(isinstance(t, ast.Subscript) and aliased_name(t.value) in wanted and not (
                isinstance(t.slice, ast.Constant) and isinstance(t.slice.value, str)) for t in targets):
            out.append(n)  # `item["labels"] = ...` sets a dict entry: not a write into a tensor
        elif (isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Attribute)
              and _writes_in_place(n.value.func.attr) and aliased_name(n.value.func.value) in wanted):
            out.append(n)
    return sorted(out, key=lambda s: s.lineno)


def key_assignments(scope: ast.AST, container: str, key: str, before: int | None = None) -> list[ast.stmt]:
    """`container["key"] = value` and `container.update(key=value)` / `container.update({"key": value})`
    statements of `scope`, in source order."""
    out: list[ast.stmt] = []
    for n in statements(scope):
        if before is not None and n.lineno >= before:
            continue
        if isinstance(n, ast.Assign):
            for t in n.targets:
                if (isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == container
                        and isinstance(t.slice, ast.Constant) and t.slice.value == key):
                    out.append(n)
        elif (isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Attribute)
              and n.value.func.attr == "update" and isinstance(n.value.func.value, ast.Name)
              and n.value.func.value.id == container):
            call = n.value
            if keyword(call, key) is not None or any(
                    isinstance(a, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == key for k in a.keys)
                    for a in call.args):
                out.append(n)
    return sorted(out, key=lambda s: s.lineno)


def key_value(stmt: ast.stmt, key: str) -> ast.AST | None:
    """The value a `key_assignments` statement gives to `key`."""
    if isinstance(stmt, ast.Assign):
        return stmt.value
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        kw = keyword(stmt.value, key)
        if kw is not None:
            return kw.value
        for a in stmt.value.args:
            if isinstance(a, ast.Dict):
                for k, v in zip(a.keys, a.values):
                    if isinstance(k, ast.Constant) and k.value == key:
                        return v
    return None


#: Default dtypes of constructors called without `dtype=`: numpy's are float64, torch's float32.
_DEFAULT_DTYPES = {"zeros": "float", "ones": "float", "empty": "float", "full": None, "rand": "float",
                   "randn": "float", "zeros_like": None, "ones_like": None, "tensor": None, "array": None,
                   "Tensor": "float",  # the legacy `torch.Tensor(data)` constructor: float32 whatever the data
                   "loadtxt": "float", "genfromtxt": "float"}  # numpy's text readers: float64 whatever the text


def default_dtype(call: ast.Call) -> str | None:
    """The dtype a numpy or torch constructor call gives when it names none: `np.zeros((2, 3))` → "float64",
    `torch.zeros(2, 3)` → "float32"; None when a dtype is given or it depends on the data."""
    name = call_name(call)
    module, _, fn = name.rpartition(".")
    if keyword(call, "dtype") is not None or _DEFAULT_DTYPES.get(fn) != "float":
        return None
    if module in ("np", "numpy"):
        return "float64"
    if module == "torch":
        return "float32"
    return None
