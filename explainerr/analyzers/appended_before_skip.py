"""Labels collected before a loop skips the item: `targets.append(item["target"])`, then `if ...: continue`, then
the inputs' lists appended.  Every skipped item leaves its label behind, so the labels outnumber the inputs.  The
label's append moves to just after the skip.  Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import _LABEL_NAME, user_files

APPENDED_BEFORE_SKIP = fact("appended-before-skip", "`appended` (line `appended_line`) collects a label before "
                                                    "`skip_test` (line `skip_line`) skips the item, while the inputs "
                                                    "are collected after it")


def appended_before_skip(ctx: Context) -> Finding | None:
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for loop in src.nodes(tree, ast.For) if tree is not None else ():
            hit = _in_loop(loop)
            if hit is not None:
                found.append((file, *hit))
    if len(found) != 1:
        return None
    file, appended, skip, label_list, after = found[0]
    f = Finding(facts={APPENDED_BEFORE_SKIP}, confidence="medium")
    f.values.update(appended=" ".join(src.segment(file, appended).split()), appended_line=appended.lineno,
                    skip_test=f"if {' '.join(src.segment(file, skip.test).split())}: continue", skip_line=skip.lineno,
                    label_list=label_list)
    f.hints["appended_before_skip"] = (file, appended, after)
    return f


def _in_loop(loop: ast.For) -> tuple[ast.stmt, ast.If, str, ast.stmt] | None:
    body = loop.body
    skips = [i for i, st in enumerate(body) if isinstance(st, ast.If) and not st.orelse
             and len(st.body) == 1 and isinstance(st.body[0], ast.Continue)]
    if len(skips) != 1:
        return None
    j = skips[0]
    before = [(i, st, lst) for i, st in enumerate(body[:j]) for lst in [_appended_to(st)] if lst]
    after = [lst for st in body[j + 1:] for n in ast.walk(st) if isinstance(n, ast.Expr)
             for lst in [_appended_to(n)] if lst]
    labels = [(i, st, lst) for i, st, lst in before if _LABEL_NAME.search(lst)]
    if len(labels) != 1 or not after or any(_LABEL_NAME.search(lst) for lst in after):
        return None
    i, st, lst = labels[0]
    read = set(src.names_in(st))
    between = {n for s in body[i + 1:j] for tgt in getattr(s, "targets", []) for n in src.names_in(tgt)}
    if read & between:
        return None  # the label reads a name set between it and the skip: moving it would change what it reads
    return st, body[j], lst, body[j + 1]


def _appended_to(st: ast.stmt) -> str | None:
    """`L` of `L.append(x)` as a statement."""
    call = st.value if isinstance(st, ast.Expr) else None
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "append" \
            and isinstance(call.func.value, ast.Name) and len(call.args) == 1:
        return call.func.value.id
    return None
