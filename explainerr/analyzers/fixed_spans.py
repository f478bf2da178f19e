"""Examples that are fixed-width windows of one series: a Dataset whose `__getitem__` returns only slices
`series[i:i + K]` (each K long wherever it starts) and values that are not sequences.  Such examples only come
out shorter when a window starts too close to the end and the slice silently stops there (`__len__` counts
starts whose window does not fit): padding them would train on truncated windows.  No pattern names that; the
ragged-batch reader asks this one first and gives no diagnosis when it holds.  Read from the source only."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context


def clipped_windows(ctx: Context) -> bool:
    """Every Dataset of the batch returns, from `__getitem__`, only fixed-span slices and plain values, and at
    least one slice."""
    from ..batches import user_datasets
    found = user_datasets(ctx)
    if not found:
        return False
    for _, cls in found:
        getitem = next((m for m in cls.body if isinstance(m, ast.FunctionDef) and m.name == "__getitem__"), None)
        if getitem is None or not _windows_only(getitem):
            return False
    return True


def _windows_only(fn: ast.FunctionDef) -> bool:
    returns = [r.value for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value is not None]
    if not returns:
        return False
    spans = 0
    for value in returns:
        parts = value.elts if isinstance(value, ast.Tuple) else list(value.values) if isinstance(value, ast.Dict) \
            else [value]
        for part in parts:
            kind = _kind(fn, part)
            if kind is None:
                return False
            spans += kind == "span"
    return spans > 0


def _kind(fn: ast.FunctionDef, node: ast.AST, depth: int = 0) -> str | None:
    """"span" for `x[i:i + K]` (also behind a name assigned in `fn`, `.float()` and the like), "plain" for a
    single item `x[i]` / `x[i, 0]` or a number, None for anything else (a list, a sequence of unknown length)."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args \
            and node.func.attr in ("float", "long", "clone", "contiguous", "detach"):
        node = node.func.value
    if isinstance(node, ast.Name) and depth < 3:
        made = [n for n in src.statements(fn, nested=True) if isinstance(n, ast.Assign) and len(n.targets) == 1
                and isinstance(n.targets[0], ast.Name) and n.targets[0].id == node.id]
        return _kind(fn, made[-1].value, depth + 1) if len(made) == 1 else None
    if isinstance(node, ast.Constant):
        return "plain"
    if not isinstance(node, ast.Subscript):
        return None
    parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    slices = [p for p in parts if isinstance(p, ast.Slice)]
    if not slices:
        return "plain" if all(isinstance(p, (ast.Name, ast.Constant, ast.BinOp, ast.Attribute)) for p in parts) else None
    if len(slices) != 1 or slices[0].step is not None or slices[0].lower is None or slices[0].upper is None:
        return None
    low, high = _terms(fn, slices[0].lower), _terms(fn, slices[0].upper)
    # the upper bound is the lower bound plus a span that reads no loop position: `i:i + K`, `i + a:i + a + K`
    extra = list(high)
    for term in low:
        if term not in extra:
            return None
        extra.remove(term)
    fixed = all(sign > 0 and isinstance(ast.parse(text, mode="eval").body, (ast.Name, ast.Attribute, ast.Constant))
                for sign, text in extra)
    return "span" if extra and fixed else None  # a span read from the data (`i:i + n[i]`) varies by itself


def _terms(fn: ast.FunctionDef, node: ast.AST, depth: int = 0) -> list[tuple[int, str]]:
    """The signed terms of a sum as text, a local of `fn` assigned once from a sum replaced by its terms
    (`cut + self.horizon` with `cut = start + self.lookback` → start, self.lookback, self.horizon)."""
    out: list[tuple[int, str]] = []
    for sign, t in src.signed_terms(node):
        made = [n for n in src.statements(fn, nested=True) if isinstance(n, ast.Assign) and len(n.targets) == 1
                and isinstance(n.targets[0], ast.Name) and n.targets[0].id == t.id] if isinstance(t, ast.Name) else []
        if len(made) == 1 and depth < 3 and isinstance(made[0].value, ast.BinOp):
            out += [(sign * s, x) for s, x in _terms(fn, made[0].value, depth + 1)]
        else:
            out.append((sign, ast.unparse(t)))
    return out
