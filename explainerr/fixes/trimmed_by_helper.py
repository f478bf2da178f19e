"""Fix for a loop whose indexed array went through a helper that cuts items off its ends
(`capacity = drop_formation(torch.tensor(raw["capacity"]))` of `def drop_formation(series, n=3): return
series[n:]`) while the sequence that bounds the loop, made beside it (in the same function, or in one helper that
returns both: `capacity, qv = load_cell(raw)`), kept every item.  The bounding sequence goes through the same
helper where it is made (`qv = drop_formation(torch.tensor(raw["qv"]))`), so both cover the same items."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from . import edits_of

TRIMMED_BY_HELPER_TOO = fact("trimmed-by-helper-too", "`kept` (line `kept_line`) goes through `kept_helper`, "
                                                      "which keeps `cut` of it; `whole` (line `whole_line`), made "
                                                      "beside it, keeps every item: it goes through the same helper")


def trimmed_by_helper_too(ctx: Context, f: Finding) -> list:
    from .lengths import _named_where_made, _outer_assignment
    found, source, frame = _outer_assignment(ctx, f), f.hints.get("bound_source"), f.hints.get("frame")
    if found is None or not isinstance(source, str) or frame is None:
        return []
    oframe, a, _ = found
    walked = _named_where_made(ctx, source, frame, oframe)
    tree = src.tree_of(oframe.file)
    if walked is None or tree is None:
        return []
    named = [u.expr for u in ctx.all_user_names(found[2]) if u.expr.isidentifier()]
    pair = _made_beside(tree, a, walked[0], named[-1] if named else None)
    if pair is None:
        return []
    kept, whole = pair
    call = kept.value
    if not isinstance(call, ast.Call) or len(call.args) != 1 or call.keywords:
        return []
    fns = src.called_functions(tree, call)
    cut = _cut_of(fns[0]) if len(fns) == 1 else None
    if cut is None or isinstance(whole.value, ast.Call) and src.call_name(whole.value) == src.call_name(call):
        return []
    helper = src.segment(oframe.file, call.func)
    found_edits = edits_of(src.LineEditor.for_node(oframe.file, whole.stmt).replace(
        whole.value, f"{helper}({src.segment(oframe.file, whole.value)})"))
    if found_edits:
        f.facts.add(TRIMMED_BY_HELPER_TOO)
        f.values.update(kept=_name_of(kept.stmt), kept_line=kept.stmt.lineno, kept_helper=helper, cut=cut,
                        whole=_name_of(whole.stmt), whole_line=whole.stmt.lineno)
    return found_edits


def _made_beside(tree: ast.Module, a: src.Assignment, whole: str, kept: str | None) -> tuple[src.Assignment, src.Assignment] | None:
    """The assignments that make the indexed array and the bounding sequence: `a` and the one of `whole` in
    the same function, or, when one statement takes both from a helper's returned tuple, the helper's own.
    A transform both went through alike (`y_z, mu, sd = standardise(yields)` beside `f_z, _, _ =
    standardise(feed)`) is stepped over, to where `yields` and `feed` were made."""
    for _ in range(3):
        if a is None or whole in [t.id for t in _target_names(a.stmt)]:
            break
        w = src.last_assignment(tree, whole, _scope_end(tree, a.stmt))
        pair = _alike(a, w)
        if pair is None:
            break
        kept, whole = pair
        a = src.last_assignment(tree, kept, a.stmt.lineno)
    if a is None:
        return None
    names = [t.id for t in _target_names(a.stmt)]
    if whole in names and isinstance(a.stmt, ast.Assign) and isinstance(a.stmt.targets[0], ast.Tuple) \
            and isinstance(a.value, ast.Call):
        fns = src.called_functions(tree, a.value)
        rets = [r for r in src.nodes(fns[0], ast.Return) if r.value is not None] if len(fns) == 1 else []
        if len(rets) != 1 or not isinstance(rets[0].value, ast.Tuple) or len(rets[0].value.elts) != len(names):
            return None
        given = [e.id if isinstance(e, ast.Name) else None for e in rets[0].value.elts]
        kept_inner = given[names.index(kept)] if kept in names else None
        whole_inner = given[names.index(whole)]
        if kept_inner is None or whole_inner is None:
            return None
        k = src.last_assignment(tree, kept_inner, rets[0].lineno)
        w = src.last_assignment(tree, whole_inner, rets[0].lineno)
        return (k, w) if k is not None and w is not None and _single(k) and _single(w) else None
    w = src.last_assignment(tree, whole, _scope_end(tree, a.stmt))
    if w is None or not _single(a) or not _single(w) or src.enclosing_scope(tree, w.stmt.lineno) is not \
            src.enclosing_scope(tree, a.stmt.lineno):
        return None
    return a, w


def _scope_end(tree: ast.Module, stmt: ast.stmt) -> int:
    """The last line of the function around `stmt` (the bounding sequence may be made after the indexed one)."""
    scope = src.enclosing_scope(tree, stmt.lineno)
    return getattr(scope, "end_lineno", None) or stmt.lineno


def _alike(a: src.Assignment, w: src.Assignment | None) -> tuple[str, str] | None:
    """(the names given) when both are `<targets> = f(<one name>)` of one function `f`."""
    def call(x: src.Assignment | None) -> ast.Call | None:
        v = x.value if x is not None else None
        return v if isinstance(v, ast.Call) and len(v.args) == 1 and isinstance(v.args[0], ast.Name) \
            and not v.keywords else None
    ca, cw = call(a), call(w)
    if ca is None or cw is None or ast.dump(ca.func) != ast.dump(cw.func) or ca.args[0].id == cw.args[0].id:
        return None
    return ca.args[0].id, cw.args[0].id


def _cut_of(fn: ast.FunctionDef) -> str | None:
    """`n:` of a helper whose one statement returns a slice of its first parameter cut in one dimension
    (`return series[n:]`, `return x[:, n:]`), a bound that is a parameter with a default said as that default."""
    params = [p.arg for p in fn.args.args]
    body = [st for st in fn.body if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))]
    if len(params) < 1 or len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    ret = body[0].value
    if not (isinstance(ret, ast.Subscript) and isinstance(ret.value, ast.Name) and ret.value.id == params[0]):
        return None
    parts = ret.slice.elts if isinstance(ret.slice, ast.Tuple) else [ret.slice]
    cuts = [p for p in parts if isinstance(p, ast.Slice) and (p.lower is not None or p.upper is not None)]
    whole = [p for p in parts if isinstance(p, ast.Slice) and p.lower is None and p.upper is None and p.step is None]
    if len(cuts) != 1 or cuts[0].step is not None or len(cuts) + len(whole) != len(parts):
        return None  # `x[n:]`, `x[:, n:]`: one dimension cut, the others whole
    defaults = dict(zip(params[len(params) - len(fn.args.defaults):], fn.args.defaults))
    return ", ".join(_said(p, defaults) for p in parts)


def _said(cut: ast.Slice, defaults: dict[str, ast.expr]) -> str:
    """`n:` as `N_FORMATION:` when `n` is a parameter whose default is `N_FORMATION`."""
    def part(b: ast.expr | None) -> str:
        if b is None:
            return ""
        return ast.unparse(defaults[b.id]) if isinstance(b, ast.Name) and b.id in defaults else ast.unparse(b)
    return f"{part(cut.lower)}:{part(cut.upper)}"


def _target_names(stmt: ast.stmt | None) -> list[ast.Name]:
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
        return []
    t = stmt.targets[0]
    return [t] if isinstance(t, ast.Name) else [e for e in t.elts if isinstance(e, ast.Name)] \
        if isinstance(t, ast.Tuple) else []


def _single(a: src.Assignment) -> bool:
    return isinstance(a.stmt, ast.Assign) and len(a.stmt.targets) == 1 and isinstance(a.stmt.targets[0], ast.Name)


def _name_of(stmt: ast.stmt) -> str:
    return stmt.targets[0].id
