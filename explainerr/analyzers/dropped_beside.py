"""Items dropped by a helper beside the labels that were made with them: `raw, labels = load()` then `kept =
clean(raw)`, where `clean` loops over its parameter and skips items (`if len(t.split()) < MIN: continue`, after
rebinding the item, `t = t.strip()`), while `labels` keeps one label per raw item.  The labels are filtered by
the same condition right after the call, read in the caller's names (`labels = [y for t, y in zip(raw, labels)
if not (len(t.strip().split()) < MIN)]`).  Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding
from .classes import user_files
from .filtered import FILTERED_IN_HELPER, FILTERED_SIBLING


def dropped_beside(ctx: Context, labels: str | None) -> Finding | None:
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        defs = {fn.name: fn for fn in tree.body if isinstance(fn, ast.FunctionDef)}
        top = {st.targets[0].id for st in tree.body if isinstance(st, ast.Assign) and len(st.targets) == 1
               and isinstance(st.targets[0], ast.Name)} | set(defs)
        for scope in [tree, *src.nodes(tree, ast.FunctionDef)]:
            for st in src.statements(scope):
                hit = _kept_by_helper(file, st, defs, top)
                if hit is None:
                    continue
                kept, raw, helper, cond, var = hit
                paired = _paired_with(scope, raw, st.lineno)
                if paired is None or (labels and paired.id != labels):
                    continue
                if any(isinstance(n, ast.Name) and n.id == paired.id and isinstance(n.ctx, ast.Store)
                       and st.lineno < n.lineno for n in ast.walk(scope)):
                    continue  # the labels are made again later: not this
                found.append((file, st, kept, raw, helper, cond, var, paired))
    if len(found) != 1:
        return None
    file, st, kept, raw, helper, cond, var, paired = found[0]
    y = "label" if var != "label" and "label" not in cond else "y_"
    text = f"{paired.id} = [{y} for {var}, {y} in zip({raw}, {paired.id}) if {cond}]"
    return Finding(facts={FILTERED_SIBLING, FILTERED_IN_HELPER}, values={
        "helper": helper, "kept": kept, "kept_line": st.lineno, "source": raw, "unfiltered": paired.id,
        "unfiltered_line": paired.lineno, "condition": cond}, hints={"dropped_beside": (file, st, text)})


def _kept_by_helper(file: str, st: ast.stmt, defs: dict, top: set[str]) -> tuple | None:
    """(kept, raw, helper, condition in the caller's names, loop variable) for `kept = helper(raw, ...)`."""
    if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
            and isinstance(st.value, ast.Call) and isinstance(st.value.func, ast.Name)
            and st.value.func.id in defs):
        return None
    fn = defs[st.value.func.id]
    params = [a.arg for a in fn.args.args]
    for loop in src.nodes(fn, ast.For):
        if not (isinstance(loop.iter, ast.Name) and loop.iter.id in params and isinstance(loop.target, ast.Name)):
            continue
        at = params.index(loop.iter.id)
        if at >= len(st.value.args) or not isinstance(st.value.args[at], ast.Name):
            return None
        var = loop.target.id
        rebound: list[str] = []
        for inner in loop.body:
            if isinstance(inner, ast.Assign) and len(inner.targets) == 1 and isinstance(inner.targets[0], ast.Name) \
                    and inner.targets[0].id == var and inner.lineno == inner.end_lineno:
                rebound.append(src.segment(file, inner.value))
                continue
            if isinstance(inner, ast.If) and len(inner.body) == 1 and isinstance(inner.body[0], ast.Continue) \
                    and not inner.orelse and inner.test.lineno == inner.test.end_lineno:
                names = {n.id for n in ast.walk(inner.test) if isinstance(n, ast.Name)}
                if not names <= {var} | top | {"len", "str", "int", "float", "any", "all", "isinstance"}:
                    return None
                cond = src.segment(file, inner.test)
                for value in reversed(rebound):  # the item as the test reads it, from the item walked
                    primary = isinstance(ast.parse(value, mode="eval").body, (ast.Name, ast.Call, ast.Attribute,
                                                                              ast.Subscript))
                    cond = _swap(cond, var, value if primary else f"({value})")
                keep = cond[4:].strip() if cond.startswith("not ") else f"not ({cond})"
                return st.targets[0].id, st.value.args[at].id, fn.name, keep, var
            break
    return None


def _swap(text: str, name: str, new: str) -> str:
    """`text` (one expression) with each load of the plain name `name` replaced by `new`."""
    tree = ast.parse(text, mode="eval")
    spots = sorted((n.col_offset, n.end_col_offset) for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name)
    for a, b in reversed(spots):
        text = text[:a] + new + text[b:]
    return text


def _paired_with(scope: ast.AST, raw: str, before: int) -> ast.Name | None:
    """The other name of the one tuple unpacking before `before` that also binds `raw` (`raw, labels = ...`)."""
    pairs = [st for st in src.statements(scope) if isinstance(st, ast.Assign) and st.lineno < before
             and len(st.targets) == 1 and isinstance(st.targets[0], ast.Tuple)
             and any(isinstance(e, ast.Name) and e.id == raw for e in st.targets[0].elts)]
    if len(pairs) != 1 or len(pairs[0].targets[0].elts) != 2:
        return None
    other = next(e for e in pairs[0].targets[0].elts if not (isinstance(e, ast.Name) and e.id == raw))
    return other if isinstance(other, ast.Name) else None
