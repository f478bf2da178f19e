"""Parallel lists paired after one of them was reordered alone: `features` and `spans` are built in step over the
same records, then `features = [features[i] for i in order]` (or `sorted(features, ...)`, `random.shuffle(features)`,
`features = features[perm]`) sorts the first, and `zip(features, spans)` pairs each feature with another record's
spans.  Every value is right for its own record, so an index that falls outside its table downstream is not a
vocabulary, a class count or a loop bound to change: the pairing is wrong, and no pattern names it.  (Lengths
that part, labels against predictions, are the label-length reading of analyzers/filtered.py, which reorders
the two together.)  Also a mapping's values listed in sorted-key order zipped with records in their own order.
Read from the user's source: the scopes the user frames run in (the mapping's values: every function)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context


def _reorder_of(stmt: ast.stmt) -> str | None:
    """The name `stmt` reorders in place of itself: `A = [A[i] for i in ORDER]`, `A = sorted(A, ...)`,
    `A = A[PERM]` (an index, not a slice), or `random.shuffle(A)` or `A.sort(...)`."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        if src.call_name(call).split(".")[-1] == "shuffle" and len(call.args) == 1 and isinstance(call.args[0], ast.Name):
            return call.args[0].id
        if isinstance(call.func, ast.Attribute) and call.func.attr == "sort" and isinstance(call.func.value, ast.Name):
            return call.func.value.id  # `A.sort(key=len)`
        return None
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    name, value = stmt.targets[0].id, stmt.value
    if isinstance(value, ast.ListComp) and len(value.generators) == 1:
        gen, elt = value.generators[0], value.elt
        if (isinstance(gen.target, ast.Name) and isinstance(elt, ast.Subscript) and isinstance(elt.value, ast.Name)
                and elt.value.id == name and isinstance(elt.slice, ast.Name) and elt.slice.id == gen.target.id):
            return name
    if isinstance(value, ast.Call) and src.call_name(value) == "sorted" and value.args \
            and isinstance(value.args[0], ast.Name) and value.args[0].id == name:
        return name
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and value.value.id == name \
            and isinstance(value.slice, ast.Name):
        return name
    return None


def _made(stmt: ast.stmt, name: str) -> ast.expr | None:
    """The value `stmt` assigns to `name` alone (`name = value`)."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
            and stmt.targets[0].id == name:
        return stmt.value
    return None


def _iterates(value: ast.expr | None, file: str) -> str | None:
    """The source text of what a one-generator comprehension (or `list(map(f, X))`) iterates over."""
    if isinstance(value, (ast.ListComp, ast.GeneratorExp)) and len(value.generators) == 1:
        return src.segment(file, value.generators[0].iter)
    if isinstance(value, ast.Call) and src.call_name(value) in ("list", "tuple") and len(value.args) == 1:
        return _iterates(value.args[0], file)
    if isinstance(value, ast.Call) and src.call_name(value) == "map" and len(value.args) == 2:
        return src.segment(file, value.args[1])
    return None


def _appended_in(loop: ast.For, name: str) -> bool:
    return any(isinstance(c.func, ast.Attribute) and c.func.attr in ("append", "extend")
               and isinstance(c.func.value, ast.Name) and c.func.value.id == name for c in src.calls(loop))


def _in_step(file: str, stmts: tuple[ast.stmt, ...], a: str, b: str, before: int) -> bool:
    """`a` and `b` were built in step before line `before`: comprehensions over the same iterable, appends in
    one loop, or the two targets of one unpacking."""
    made_a = [s for s in stmts if s.lineno < before and _made(s, a) is not None and _reorder_of(s) != a]
    made_b = [s for s in stmts if s.lineno < before and _made(s, b) is not None]
    if made_a and made_b:
        over = _iterates(_made(made_a[-1], a), file)
        if over is not None and over == _iterates(_made(made_b[-1], b), file):
            return True
    for s in stmts:
        if s.lineno >= before:
            continue
        if isinstance(s, ast.For) and _appended_in(s, a) and _appended_in(s, b):
            return True
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Tuple):
            names = [e.id for e in s.targets[0].elts if isinstance(e, ast.Name)]
            if a in names and b in names:
                return True
    return False


def paired_apart(ctx: Context) -> tuple[str, int] | None:
    """(file, line of the `zip`) when a scope a user frame runs in zips two lists built in step after
    reordering only one of them (and neither is reordered again before the zip)."""
    seen: set[tuple[str, int]] = set()
    for frame in ctx.user_frames():
        tree = src.tree_of(frame.file)
        if tree is None:
            continue
        scope = src.enclosing_scope(tree, frame.line)
        if (frame.file, id(scope)) in seen:
            continue
        seen.add((frame.file, id(scope)))
        stmts = tuple(sorted(src.statements(scope), key=lambda s: s.lineno))
        reorders = [(s.lineno, n) for s in stmts if (n := _reorder_of(s)) is not None]
        if not reorders:
            continue
        for call in src.calls(scope):
            if src.call_name(call) != "zip" or len(call.args) != 2 \
                    or not all(isinstance(a, ast.Name) for a in call.args):
                continue
            names = [a.id for a in call.args]  # type: ignore[attr-defined]
            for a, b in (names, names[::-1]):
                moved = [ln for ln, n in reorders if n == a and ln < call.lineno]
                if not moved or any(n == b and moved[0] <= ln < call.lineno for ln, n in reorders):
                    continue
                if _in_step(frame.file, stmts, a, b, moved[0]):
                    return frame.file, call.lineno
    return None


def _sorted_values(value: ast.AST | None) -> str | None:
    """`M` of `[M[k] for k in sorted(M)]` or `[v for _, v in sorted(M.items())]`: a mapping's values listed in
    the order of its sorted keys."""
    if not (isinstance(value, ast.ListComp) and len(value.generators) == 1):
        return None
    it = value.generators[0].iter
    if not (isinstance(it, ast.Call) and src.call_name(it) == "sorted" and len(it.args) == 1 and not it.keywords):
        return None
    inner = it.args[0]
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "items":
        inner = inner.func.value
    return inner.id if isinstance(inner, ast.Name) else None


def sorted_values_zipped(ctx: Context) -> tuple[str, int] | None:
    """(file, line of the `zip`) when a function of the user's files zips a sequence in its own order with a
    mapping's values listed in sorted-key order (`zip(sentences, [relations[k] for k in sorted(relations)])`,
    through a local name): the i-th record meets the values of the i-th smallest key, not its own."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        top = next((fr.line for fr in ctx.frames if fr.file == file and fr.function == "<module>"), None)
        for scope in [tree, *src.nodes(tree, ast.FunctionDef)] if tree is not None else ():
            for call in src.calls(scope):
                if src.call_name(call) != "zip" or len(call.args) != 2:
                    continue
                if top is not None and call.lineno > top and src.enclosing_scope(tree, call.lineno) is tree:
                    continue  # module-level code after the line that failed: it never ran
                made = []
                for a in call.args:
                    held = src.last_assignment(tree, a.id, call.lineno) if isinstance(a, ast.Name) else None
                    made.append(_sorted_values(held.value if held is not None else a))
                if sum(m is not None for m in made) == 1:
                    other = call.args[made.index(None)]
                    held = src.last_assignment(tree, other.id, call.lineno) if isinstance(other, ast.Name) else None
                    if not (held is not None and "sorted" in src.segment(file, held.value)):
                        return file, call.lineno
    return None
