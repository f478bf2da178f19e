"""Labels spread over finer steps with the wrong factor: `torch.repeat_interleave(beat_chords, BEATS_PER_BAR)`
gives each per-beat label 3 frames where a beat has `STEPS_PER_BEAT` = 4, so the loss gets 768 predictions and
576 labels.  Read from the user's source and the two counts of the message (nothing runs): the one repeat of
the user's files whose result becomes labels, a factor the text gives, and the one module constant that
makes the counts agree."""
from __future__ import annotations

import ast
from fractions import Fraction

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import _LABEL_NAME, module_defs, static_int, user_files

REPEAT_FACTOR = fact("repeat-factor", "the labels are spread over the predictions' steps by `repeat_call` (line "
                                      "`repeat_line`), each repeated `factor_text` ({factor}) times, where the "
                                      "predictions have `factor_fixed` ({factor_want}) steps per label")


def repeat_factor(ctx: Context, n_logits: int, n_labels: int) -> Finding | None:
    """The reading (hints `repeat_factor`: file, statement, the factor's node, the constant's name)."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        consts = {name: a.value.value for name, a in module_defs(tree).items()
                  if isinstance(a.value, ast.Constant) and type(a.value.value) is int and name.isupper()}
        for call in src.calls(tree):
            factor = _factor(call)
            if factor is None or not _made_for_labels(tree, file, call):
                continue
            k = static_int(ctx, tree, factor)
            want = Fraction(n_logits * k, n_labels) if k else None
            if want is None or want.denominator != 1 or want == k:
                continue
            names = [n for n, v in consts.items() if v == want and n != src.segment(file, factor)]
            if len(names) == 1:
                found.append((file, call, factor, k, int(want), names[0]))
    if len(found) != 1:
        return None
    file, call, factor, k, want, name = found[0]
    stmt = src.statement_at(src.tree_of(file), call.lineno)
    return Finding(facts={REPEAT_FACTOR}, values={
        "repeat_call": " ".join(src.segment(file, call).split()), "repeat_line": call.lineno,
        "factor_text": src.segment(file, factor), "factor": k, "factor_fixed": name, "factor_want": want},
        hints={"repeat_factor": (file, stmt, factor, name)})


def _factor(call: ast.Call) -> ast.expr | None:
    """`K` of `torch.repeat_interleave(x, K)` and `x.repeat_interleave(K)` (dim left out or 0)."""
    if src.call_name(call).split(".")[-1] != "repeat_interleave":
        return None
    method = isinstance(call.func, ast.Attribute) and src.call_name(call) not in ("torch.repeat_interleave",)
    args = call.args if method else call.args[1:]
    kw = src.keyword(call, "repeats")
    factor = kw.value if kw is not None else (args[0] if args else None)
    dim = src.keyword(call, "dim")
    if dim is not None and not (isinstance(dim.value, ast.Constant) and dim.value.value in (0, -1)):
        return None
    return factor


def _made_for_labels(tree: ast.Module, file: str, call: ast.Call) -> bool:
    """The repeat's result is labels: assigned to (or appended to) a label-like name, or returned by a function
    whose calls are."""
    stmt = src.statement_at(tree, call.lineno)
    if stmt is None:
        return False
    if isinstance(stmt, ast.Return):
        fn = src.enclosing_scope(tree, stmt.lineno)
        name = getattr(fn, "name", None)
        uses = [src.statement_at(tree, c.lineno) for c in src.calls(tree) if name and src.call_name(c) == name]
        return any(u is not None and _labelled(file, u) for u in uses)
    return _labelled(file, stmt)


def _labelled(file: str, stmt: ast.stmt) -> bool:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.value.func.value] if isinstance(
        stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute) else []
    return any(_LABEL_NAME.search(src.segment(file, t)) for t in targets)
