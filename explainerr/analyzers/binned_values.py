"""Values that are bins of a score, read from the user's source (nothing runs): a loop walks numbers made by
scaling a score and rounding it to an integer (`torch.round(p * 100).long()`, `int(score * n_bins)`), written
in the loop's iterable or in a function of the user's it calls.  Such numbers are not positions of a sequence
(no truncation, no loop bound made them): their range is set by the scale and the rounding, so a table they
index past its end is sized for another binning, which no pattern of lengths describes."""
from __future__ import annotations

import ast

from .. import source as src

_ROUNDING_CALLS = frozenset({"round", "floor", "ceil", "int", "trunc"})
_ROUNDING_METHODS = frozenset({"round", "floor", "ceil", "long", "int", "trunc"})


def values_binned(tree: ast.Module, iterable: ast.AST) -> bool:
    """True when `iterable`, or a function of the file it calls, rounds a scaled value to an integer; a local the
    iterable names (`bins = [bucket(p) for p in probs]`) is read where it was made."""
    return any(_binned(tree, node) for node in src.with_makers(tree, iterable))


def _binned(tree: ast.Module, iterable: ast.AST) -> bool:
    if _rounds_scaled(iterable):
        return True
    for call in (n for n in ast.walk(iterable) if isinstance(n, ast.Call)):
        for fn in src.called_functions(tree, call):
            returned = [r.value for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value is not None]
            if returned and all(_rounds_scaled(r) for r in returned):
                return True
    return False


def _rounds_scaled(node: ast.AST) -> bool:
    """`round(x * k)`, `torch.floor(x * k)`, `(x * k).long()`, `(x * k).round().long()` anywhere in `node`."""
    for n in ast.walk(node):
        if not isinstance(n, ast.Call):
            continue
        name = src.call_name(n).rpartition(".")[2]
        if isinstance(n.func, ast.Attribute) and name in _ROUNDING_METHODS and not n.args and _scaled(n.func.value):
            return True
        if name in _ROUNDING_CALLS and n.args and _scaled(n.args[0]):
            return True
    return False


def _scaled(node: ast.AST) -> bool:
    """A product with a number written in the source or a constant's name (`p * 100`, `score * N_BINS`), possibly
    already rounded."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _ROUNDING_METHODS:
        node = node.func.value
    if isinstance(node, ast.Call) and src.call_name(node).rpartition(".")[2] in _ROUNDING_CALLS and node.args:
        node = node.args[0]
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and any(
        number_over_one(s) or isinstance(s, ast.Name) and s.id.isupper() for s in (node.left, node.right))


def number_over_one(node: ast.AST) -> bool:
    """A number written in the source that is larger than 1 (`100`, `3600.0`): a scale or a unit."""
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
        and not isinstance(node.value, bool) and node.value > 1


_LOG_CALLS = frozenset({"log", "log2", "log10", "log1p", "sqrt"})


def rounds_log(node: ast.AST) -> bool:
    """`torch.floor(torch.log(x))`, `int(math.log10(n))`, `x.log2().long()` anywhere in `node`: a quantity put on
    a logarithmic (or square-root) scale and cut to an integer, a bucket whose range the base decides."""
    for n in ast.walk(node):
        if not isinstance(n, ast.Call):
            continue
        name = src.call_name(n).rpartition(".")[2]
        inner = n.func.value if isinstance(n.func, ast.Attribute) and name in _ROUNDING_METHODS and not n.args \
            else n.args[0] if name in _ROUNDING_CALLS and n.args else None
        if inner is not None and any(isinstance(c, ast.Call) and src.call_name(c).rpartition(".")[2] in _LOG_CALLS
                                     for c in ast.walk(inner)):
            return True
    return False
