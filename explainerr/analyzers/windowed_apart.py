"""Inputs made of trailing windows beside labels kept per step: `X = rolling_features(yields, ROLL_WIN)` of a helper
that reads `sliding_window_view(yields, win, axis=1)` (or `x.unfold(1, win, 1)`) gives `T - win + 1` steps per
row, while `Y = events` keeps all `T`: the predictions of every row are `win - 1` steps fewer than its labels.
Read from the user's source and the two counts of the message (nothing runs): the window must account for the
difference exactly (`k` rows of `T` labels against `k` rows of `T - win + 1` predictions).  The labels are cut to
the step each window ends on, where they are assigned (`Y = events[:, ROLL_WIN - 1:]`)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

WINDOWED_APART = fact("windowed-apart", "`inputs` is made of trailing windows of `window` = `win` steps (`windowed`, "
                                        "line `windowed_line`), `T - win + 1` per row, while `labels_name` (line "
                                        "`labels_line`) keeps all `T` steps")

_WINDOWERS = ("sliding_window_view",)


def windowed_apart(ctx: Context, a: int, b: int) -> Finding | None:
    """The reading when `a` predictions stand against `b` labels and one windowing helper of the user's files
    explains the difference."""
    from .classes import user_files
    if not (isinstance(a, int) and isinstance(b, int)) or a >= b:
        return None
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            window = _window_of(fn)
            if window is None:
                continue
            param, axis = window
            for call in src.nodes(tree, ast.Call):
                hit = _windowed_call(ctx, file, tree, fn, call, param, axis, a, b)
                if hit is not None:
                    found.append(hit)
    if len(found) != 1:
        return None
    file, stmt, labels, win, given, made = found[0]
    cut = ", ".join([":"] * made[1] + [f"{given} - 1:"])
    f = Finding(facts={WINDOWED_APART})
    f.values.update(inputs=src.segment(file, stmt.targets[0]), window=given, win=win, windowed_line=stmt.lineno,
                    windowed=" ".join(src.segment(file, stmt.value).split()), labels_name=labels.targets[0].id,
                    labels_line=labels.lineno, labels_fixed=f"{src.segment(file, labels.value)}[{cut}]")
    f.hints["windowed_apart"] = (file, labels, labels.value, f"{src.segment(file, labels.value)}[{cut}]")
    return f


def _window_of(fn: ast.FunctionDef) -> tuple[str, int] | None:
    """(the parameter that sizes the windows, the axis they slide on) of a helper that calls
    `sliding_window_view(x, <param>, axis=k)` or `x.unfold(k, <param>, 1)` on its inputs."""
    params = [p.arg for p in fn.args.args]
    hits = set()
    for c in src.nodes(fn, ast.Call):
        name = src.call_name(c).split(".")[-1]
        if name in _WINDOWERS and len(c.args) >= 2 and isinstance(c.args[1], ast.Name) and c.args[1].id in params:
            kw = src.keyword(c, "axis")
            axis = kw.value.value if kw is not None and isinstance(kw.value, ast.Constant) else (
                c.args[2].value if len(c.args) > 2 and isinstance(c.args[2], ast.Constant) else None)
            if isinstance(axis, int) and axis >= 0:
                hits.add((c.args[1].id, axis))
        elif name == "unfold" and isinstance(c.func, ast.Attribute) and len(c.args) == 3 \
                and isinstance(c.args[0], ast.Constant) and isinstance(c.args[1], ast.Name) \
                and c.args[1].id in params and isinstance(c.args[2], ast.Constant) and c.args[2].value == 1:
            hits.add((c.args[1].id, c.args[0].value))
    return next(iter(hits)) if len(hits) == 1 else None


def _windowed_call(ctx: Context, file: str, tree: ast.Module, fn: ast.FunctionDef, call: ast.Call, param: str,
                   axis: int, a: int, b: int):
    """(file, the statement that makes the inputs, the labels' assignment, the window, its text, (name, axis))
    when `call` calls `fn` with a window whose size accounts for `b - a`, and the statement's target is handed on
    beside a plainly assigned name (the labels: `TensorDataset(X, Y)` of `Y = events`)."""
    if src.call_name(call).split(".")[-1] != fn.name:
        return None
    params = [p.arg for p in fn.args.args]
    kw = src.keyword(call, param)
    at = params.index(param)
    given = kw.value if kw is not None else call.args[at] if at < len(call.args) else None
    win = _int_value(ctx, tree, given)
    if win is None or win < 2 or (b - a) % (win - 1):
        return None
    rows = (b - a) // (win - 1)
    if rows == 0 or b % rows or a != rows * (b // rows - win + 1):
        return None
    stmt = src.statement_at(tree, call.lineno)
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    labels = _handed_beside(tree, stmt)
    if labels is None:
        return None
    return file, stmt, labels, win, src.segment(file, given), (stmt.targets[0].id, axis)


def _handed_beside(tree: ast.Module, made: ast.Assign) -> ast.Assign | None:
    """The one plain assignment (`Y = events`, `Y = data["events"]`) of the scope of `made` whose name is given
    with `made`'s name to one call (`TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))`)."""
    name = made.targets[0].id
    scope = src.enclosing_scope(tree, made.lineno)
    plain = {st.targets[0].id: st for st in src.statements(scope) if isinstance(st, ast.Assign)
             and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
             and isinstance(st.value, (ast.Name, ast.Subscript, ast.Attribute)) and st.targets[0].id != name}
    found = set()
    for c in src.calls(scope):
        given = [set(src.names_in(x)) for x in [*c.args, *(k.value for k in c.keywords)]]
        if any(name in g for g in given):
            found |= {n for g in given if name not in g for n in g if n in plain}
    return plain[next(iter(found))] if len(found) == 1 else None


def _int_value(ctx: Context, tree: ast.Module, node: ast.AST | None) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Name):
        for fr in ctx.user_frames():
            v = fr.scalars.get(node.id)
            if type(v) is int:
                return v
        made = src.assignments(tree, node.id, tree)
        if len(made) == 1 and isinstance(made[0].value, ast.Constant) and type(made[0].value.value) is int:
            return made[0].value.value
    return None
