"""A size frozen in a method's default by its class: `def attention_from_lengths(self, lengths, width=MAX_LEN)`
in a class body reads the class attribute `MAX_LEN` once, when the class is defined, so a subclass that sets
its own `MAX_LEN` still gets the base class's value there, while `self.MAX_LEN` elsewhere reads the subclass's.
The fix passes `width=self.MAX_LEN` at the call that leaves the default."""
from __future__ import annotations

import ast
from typing import NamedTuple

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import user_files
from ..facts import Context
from ..model import Edit
from . import edits_of

FROZEN_DEFAULT = fact("frozen-default", "`frozen_method` takes `frozen_param` = `frozen_attr` by default, read when "
                                        "`frozen_base` is defined (`frozen_wrong`); the subclass `frozen_child` sets "
                                        "`frozen_attr` = `frozen_right`, which `self.frozen_attr` reads")


class Frozen(NamedTuple):
    file: str
    call: ast.Call
    stmt: ast.stmt
    method: str
    param: str
    attr: str
    base: str
    child: str


def frozen_default(ctx: Context, f: Finding, wrong: int, right: int) -> list[Edit]:
    """Edits passing the subclass's value at the one `self.<method>(...)` call that leaves a default frozen at
    `wrong` while a subclass sets the attribute to `right`; the fact and its values added to `f`."""
    found = [hit for file in user_files(ctx) for hit in _frozen(file, wrong, right)]
    if len(found) != 1:
        return []
    hit = found[0]
    edits = edits_of(src.LineEditor.for_node(hit.file, hit.stmt).add_keywords(hit.call, f"{hit.param}=self.{hit.attr}"))
    if edits:
        f.facts.add(FROZEN_DEFAULT)
        f.values.update(frozen_method=hit.method, frozen_param=hit.param, frozen_attr=hit.attr, frozen_base=hit.base,
                        frozen_child=hit.child, frozen_wrong=wrong, frozen_right=right,
                        frozen_line=hit.call.lineno)
    return edits


def _frozen(file: str, wrong: int, right: int) -> list[Frozen]:
    tree = src.tree_of(file)
    if tree is None:
        return []
    classes = {c.name: c for c in src.nodes(tree, ast.ClassDef)}
    out = []
    for cls in classes.values():
        for fn in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
            for param, default in src.param_defaults(fn).items():
                if not (isinstance(default, ast.Name) and _int_field(cls, default.id) == wrong):
                    continue
                children = [c.name for c in _subclasses(classes, cls.name) if _int_field(c, default.id) == right]
                calls = [c for c in src.calls(tree) if isinstance(c.func, ast.Attribute) and c.func.attr == fn.name
                         and isinstance(c.func.value, ast.Name) and c.func.value.id == "self"
                         and not _given(fn, c, param)]
                stmt = src.statement_at(tree, calls[0].lineno) if len(calls) == 1 else None
                if len(children) == 1 and stmt is not None:
                    out.append(Frozen(file, calls[0], stmt, fn.name, param, default.id, cls.name, children[0]))
    return out


def _int_field(cls: ast.ClassDef, name: str) -> int | None:
    value = src.class_field(cls, name)
    return value.value if isinstance(value, ast.Constant) and type(value.value) is int else None


def _subclasses(classes: dict[str, ast.ClassDef], base: str) -> list[ast.ClassDef]:
    """The file's classes that derive from `base`, directly or through others of the file."""
    out, todo = [], [base]
    while todo:
        name = todo.pop()
        for c in classes.values():
            if c not in out and any(isinstance(b, ast.Name) and b.id == name for b in c.bases):
                out.append(c)
                todo.append(c.name)
    return out


def _given(fn: ast.FunctionDef, call: ast.Call, param: str) -> bool:
    """Whether the call passes `param`, by keyword or by position (after `self`), or splats arguments."""
    names = [a.arg for a in fn.args.args][1:]
    return src.keyword(call, param) is not None or any(k.arg is None for k in call.keywords) or any(
        isinstance(a, ast.Starred) for a in call.args) or (param in names and names.index(param) < len(call.args))
