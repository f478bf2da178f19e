"""A derived field a `dataclasses.replace` copies: `__post_init__` fills `num_labels` from `relations` only when
it is unset (`if self.num_labels is None:`), and `replace(base, relations=...)` builds the new instance from
`base`'s fields, `num_labels` included, already filled, so it keeps the value derived from the old `relations`.
Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files

KEPT_BY_REPLACE = fact("kept-by-replace", "the size is a field `__post_init__` derives only when unset (`derived`, "
                                          "from `derived_from`), and `replace(...)` (line `replace_line`) changes "
                                          "`derived_from` but copies `derived` from the instance it starts from")


@dataclass(frozen=True)
class Kept:
    file: str
    cls: str
    field: str            # `num_labels`
    source: str           # `relations`, the field it is derived from
    guard_line: int       # `if self.num_labels is None:`
    unset: str            # the value that makes `__post_init__` derive it again (`None`, `0`)
    call: ast.Call        # `replace(base, relations=...)`
    stmt: ast.stmt


def kept_fields(file: str) -> list[Kept]:
    """Every derived field of `file` a `replace(...)` call copies stale: a dataclass whose `__post_init__` sets
    `self.<field>` from `self.<source>` under a guard that it is unset (`is None`, `not self.<field>`, `== 0`),
    and a `replace(...)` that gives `<source>` and not `<field>`."""
    tree = src.tree_of(file)
    if tree is None:
        return []
    derived = []
    for cls in src.nodes(tree, ast.ClassDef):
        post = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__post_init__"), None)
        for guard in (n for n in ast.walk(post) if isinstance(n, ast.If)) if post is not None else ():
            for stmt in guard.body:
                fields = [a for t in getattr(stmt, "targets", ()) if (a := _self_attr(t))]
                unset = _unset_test(guard.test, fields[0]) if isinstance(stmt, ast.Assign) and fields else None
                if unset is None:
                    continue
                sources = {a for n in ast.walk(stmt.value) if (a := _self_attr(n))} - {fields[0]}
                derived += [(cls, guard, unset, fields[0], s) for s in sorted(sources)]
    found = []
    for call in src.calls(tree):
        if src.call_name(call).rpartition(".")[2] != "replace" or not call.args:
            continue
        given = {k.arg for k in call.keywords}
        for cls, guard, unset, field, source in derived:
            stmt = src.statement_at(tree, call.lineno)
            if source in given and field not in given and stmt is not None:
                found.append(Kept(file=file, cls=cls.name, field=field, source=source, guard_line=guard.lineno,
                                  unset=unset, call=call, stmt=stmt))
    return found


def _self_attr(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def _unset_test(test: ast.AST, field: str) -> str | None:
    """`None` for `self.f is None`, `0` for `not self.f` and `self.f == 0`; None for any other test."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and _self_attr(test.left) == field and isinstance(
            test.comparators[0], ast.Constant):
        if isinstance(test.ops[0], ast.Is) and test.comparators[0].value is None:
            return "None"
        if isinstance(test.ops[0], ast.Eq) and test.comparators[0].value in (0, None):
            return repr(test.comparators[0].value)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and _self_attr(test.operand) == field:
        return "0"
    return None


def kept_size(ctx: Context, fits) -> Finding | None:
    """The one derived field of the user's files (whose name `fits` the size's role) that a `replace(...)` copies
    stale, read off an instance outside its class (`SoftmaxLoss(model, dim, task.num_labels)`)."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        read = {a.attr for a in src.nodes(tree, ast.Attribute) if isinstance(a.ctx, ast.Load) and not (
            isinstance(a.value, ast.Name) and a.value.id == "self")} if tree is not None else set()
        found += [k for k in kept_fields(file) if k.field in read and fits(k.field)]
    if len({(k.field, k.call) for k in found}) != 1:
        return None
    k = found[0]
    f = Finding(facts={KEPT_BY_REPLACE})
    f.values.update(derived=k.field, derived_from=k.source, kept_cls=k.cls, guard_line=k.guard_line, unset=k.unset,
                    replace_call=" ".join(src.segment(k.file, k.call).split()), replace_line=k.call.lineno,
                    replace_where=f"line {k.call.lineno}" + (f", in `{scope}`" if (
                        scope := src.scope_name(k.file, k.call.lineno)) else ""))
    f.hints["kept"] = k
    return f
