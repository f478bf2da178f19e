"""Where the user's code makes the entry of a batch that a library loop (Trainer, Lightning, Accelerate) passed to
the model: the value a dict literal (`{"input_ids": ...}`) or an item assignment (`enc["input_ids"] = ...`)
gives the key, followed into the user's function that returns it (one level: `fixed_width(ids, WIDTH)` →
`row = np.zeros(width)` ... `return row`).  Read from the user's source; no value is evaluated."""
from __future__ import annotations

import ast
from typing import Iterator

from .. import source as src
from ..facts import Context


def _values_of_key(tree: ast.Module, key: str) -> Iterator[ast.expr]:
    for n in src.nodes(tree, ast.Dict, ast.Assign):
        if isinstance(n, ast.Dict):
            for k, v in zip(n.keys, n.values):
                if isinstance(k, ast.Constant) and k.value == key:
                    yield v
        elif (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Subscript)
              and isinstance(n.targets[0].slice, ast.Constant) and n.targets[0].slice.value == key):
            yield n.value


def _returned_assignments(fn: ast.FunctionDef) -> Iterator[ast.Assign]:
    """The assignments in `fn` of the names it returns."""
    returned = {r.value.id for r in ast.walk(fn) if isinstance(r, ast.Return) and isinstance(r.value, ast.Name)}
    for n in ast.walk(fn):
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id in returned for t in n.targets):
            yield n


def _called_instance(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    """`__call__` of the user's class when `name` is bound in the file to an instance of it
    (`noise = TokenNoise(...)` ... `noise(ids)`)."""
    if not name.isidentifier():
        return None
    classes = {c.name: c for c in src.nodes(tree, ast.ClassDef)}
    for a in src.assignments(tree, name):
        cls = classes.get(src.call_name(a.value)) if isinstance(a.value, ast.Call) else None
        call = next((m for m in cls.body if isinstance(m, ast.FunctionDef) and m.name == "__call__"), None) \
            if cls is not None else None
        if call is not None:
            return call
    return None


def key_values(ctx: Context, key: str, deep: bool = False,
               helpers: bool = False) -> Iterator[tuple[str, ast.stmt, ast.expr]]:
    """(file, statement, value) of every place in the user's files that makes `key`'s value: the value itself,
    the assignments of the names it uses (`buf` of `torch.from_numpy(buf)`, the element of a tuple assignment
    that gives it) and of what a user function it calls returns.  With `deep`, then the places further back
    (`ids = torch.from_numpy(buf)` ← `buf = np.zeros(...)`; `ids, mask = self.pad(...)` ← the first item
    `pad` returns), a few steps at most; with `helpers` too, further back through what the user's functions called
    there return and the items appended to a list (`rows.append(to_bins(s))` → `to_bins`'s return)."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        defs = {d.name: d for d in src.nodes(tree, ast.FunctionDef)}
        for value in _values_of_key(tree, key):
            stmt = src.statement_at(tree, value.lineno)
            if stmt is None:
                continue
            yield file, stmt, value
            for name in dict.fromkeys(n.id for n in ast.walk(value) if isinstance(n, ast.Name)):
                a = src.last_assignment(tree, name, value.lineno)
                if a is not None and a.stmt is not stmt:
                    yield file, a.stmt, a.value
            for call in (c for c in ast.walk(value) if isinstance(c, ast.Call)):
                name = src.call_name(call)
                fn = defs.get(name) or _called_instance(tree, name) or (  # `self._targets(...)`: the method
                    defs.get(name[5:]) if deep and name.startswith("self.") else None)
                if fn is not None:
                    for r in src.nodes(fn, ast.Return):
                        if r.value is not None and not isinstance(r.value, ast.Name):
                            yield file, r, r.value
                    for a in _returned_assignments(fn):
                        yield file, a, a.value
            if deep:
                yield from ((file, s, v) for s, v in _further_back(tree, defs, value, value.lineno, 5 if helpers else 3,
                                                                           helpers))


def _appended(tree: ast.Module, name: str, made: ast.stmt, line: int) -> Iterator[tuple[ast.stmt, ast.expr]]:
    """(statement, item) of every `name.append(item)` between the list's assignment `made` and `line`, in the
    function around it: the items the list holds."""
    if not (isinstance(made, ast.Assign) and isinstance(getattr(made, "value", None), (ast.List, ast.Tuple))):
        return
    for call in src.calls(src.enclosing_scope(tree, made.lineno)):
        if made.lineno < call.lineno < line and isinstance(call.func, ast.Attribute) and call.func.attr == "append" \
                and isinstance(call.func.value, ast.Name) and call.func.value.id == name and len(call.args) == 1:
            st = src.statement_at(tree, call.lineno)
            if st is not None:
                yield st, call.args[0]


def _further_back(tree: ast.Module, defs: dict[str, ast.FunctionDef], value: ast.AST, line: int,
                  depth: int, helpers: bool = False) -> Iterator[tuple[ast.stmt, ast.expr]]:
    """The statements that made the names `value` reads, and what they read in turn, `depth` steps back: a
    tuple item unpacked from a call of the user's function follows that function's return at the same place."""
    if depth <= 0:
        return
    calls = [c for c in ast.walk(value) if isinstance(c, ast.Call)] if helpers else []
    for call in calls:  # `voxelize(xyz)`: what the user's function returns
        fn = defs.get(src.call_name(call))
        for r in src.nodes(fn, ast.Return) if fn is not None else ():
            if r.value is not None:
                yield r, r.value
                yield from _further_back(tree, defs, r.value, r.lineno, depth - 1, helpers)
    for name in dict.fromkeys(n.id for n in ast.walk(value) if isinstance(n, ast.Name)):
        a = src.last_assignment(tree, name, line)
        if a is None or a.stmt.lineno >= line:
            continue
        yield a.stmt, a.value
        for st, item in _appended(tree, name, a.stmt, line) if helpers else ():  # `rows.append(...)` fills `rows`
            yield st, item
            yield from _further_back(tree, defs, item, st.lineno, depth - 1, helpers)
        made = a.value
        target = a.stmt.targets[0] if isinstance(a.stmt, ast.Assign) and len(a.stmt.targets) == 1 else None
        if isinstance(target, ast.Tuple) and isinstance(made, ast.Call):  # `ids, mask = self.pad_ids(...)`
            at = [e.id if isinstance(e, ast.Name) else None for e in target.elts].index(name) \
                if name in [e.id for e in target.elts if isinstance(e, ast.Name)] else None
            fn = defs.get(src.call_name(made).rpartition(".")[2])
            rets = [r for r in src.nodes(fn, ast.Return) if r.value is not None] if fn is not None else []
            if at is not None and len(rets) == 1 and isinstance(rets[0].value, ast.Tuple) \
                    and at < len(rets[0].value.elts):
                item = rets[0].value.elts[at]
                yield rets[0], item
                yield from _further_back(tree, defs, item, rets[0].lineno, depth - 1, helpers)
            continue
        yield from _further_back(tree, defs, made, a.stmt.lineno, depth - 1, helpers)
