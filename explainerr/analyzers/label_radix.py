"""Labels numbered in mixed radix by a user function: `tonic + len(PITCH_CLASSES) * MODES.index(mode)` makes
one label per (tonic, mode) pair, `len(PITCH_CLASSES) * len(MODES)` of them.  Read from the source only:
the function's one return, the unit (a count written or a module collection's length) and the collection
whose index is the high digit."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from . import fact
from ..facts import Context
from .classes import module_defs, static_int, static_len, user_files

LABEL_RADIX = fact("label-radix", "the labels are made by `radix_fn` as `radix_expr` (line `radix_line`): "
                                  "`radix_unit` labels for each item of `radix_digits`, so `radix_count` ({need}) "
                                  "labels can be made")


@dataclass(frozen=True)
class Radix:
    file: str
    fn: str
    line: int
    expr: str
    count_text: str  # `len(PITCH_CLASSES) * len(MODES)`
    count: int
    digits: str  # `MODES`
    unit: str  # `len(PITCH_CLASSES)`


def radix_labels(ctx: Context, need: int) -> Radix | None:
    """The one function of the user's files, called there, whose single return is `low + unit * B.index(x)`
    (either order), where `unit` is a count the text gives and `B` a module-level collection: when the labels
    it can make, `unit * len(B)`, are at least `need`."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        called = {src.call_name(c) for c in src.calls(tree)}
        for fn in src.nodes(tree, ast.FunctionDef):
            returns = [r for r in src.statements(fn) if isinstance(r, ast.Return)]
            if fn.name not in called or len(returns) != 1 or returns[0].value is None:
                continue
            r = _radix(ctx, tree, file, returns[0].value)
            if r is not None and r[1] >= need:
                found.append(Radix(file=file, fn=fn.name, line=returns[0].lineno,
                                   expr=" ".join(src.segment(file, returns[0].value).split()),
                                   count_text=r[0], count=r[1], digits=r[2], unit=r[3]))
    return found[0] if len(found) == 1 else None


def _radix(ctx: Context, tree: ast.Module, file: str, value: ast.AST) -> tuple[str, int, str, str] | None:
    if not (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add)):
        return None
    signed = src.signed_terms(value)
    if len(signed) != 2 or any(sign < 0 for sign, _ in signed):
        return None
    products = [t for _, t in signed if isinstance(t, ast.BinOp) and isinstance(t.op, ast.Mult)]
    if len(products) != 1:
        return None
    defs = module_defs(tree)
    for unit, digit in ((products[0].left, products[0].right), (products[0].right, products[0].left)):
        if not (isinstance(digit, ast.Call) and isinstance(digit.func, ast.Attribute) and digit.func.attr == "index"
                and isinstance(digit.func.value, ast.Name) and digit.func.value.id in defs):
            continue
        digits = digit.func.value.id
        n_digits = static_len(defs[digits].value, defs)[0]
        size = static_int(ctx, tree, unit)
        if n_digits and size:
            text = src.segment(file, unit)
            return f"{text} * len({digits})", size * n_digits, digits, text
    return None
