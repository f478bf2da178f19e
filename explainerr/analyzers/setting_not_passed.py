"""A setting the user's code holds but does not pass: the label map is made by a function of the user's called
without one of its parameters (`label_map = build_label_map()`, `def build_label_map(scheme: str =
DEFAULT_SCHEME)`), while the settings object in reach at that call has a field of that very name with another
value (`settings: RunSettings`, `scheme: str = "q3"` against `DEFAULT_SCHEME = "q8"`), and the object derives
something else from that field (`num_states` reads `self.scheme`) that the same function reads: the map follows
the function's default, the rest of the run follows the setting.  The fix passes the setting at the call.  Read
from the user's source (nothing runs)."""
from __future__ import annotations

import ast
from typing import NamedTuple

from .. import source as src
from ..facts import Context
from . import fact
from .classes import LabelSet, module_defs

SETTING_NOT_PASSED = fact("setting-not-passed", "`map_call` (line `map_line`) leaves `left_param` at its default "
                                                "`left_default` while `holder` holds `holder.left_param` = "
                                                "`setting_value`, which `holder.derived` (read on line "
                                                "`derived_line`) is derived from")


class SettingLeft(NamedTuple):
    file: str
    stmt: ast.stmt
    call: ast.Call
    param: str
    holder: str
    default: ast.expr
    value: ast.expr
    derived: str
    derived_line: int


def setting_not_passed(ctx: Context, found: LabelSet) -> SettingLeft | None:
    """The one parameter the call that makes `found` leaves out and the settings object beside it holds
    otherwise, when that object derives another attribute from it which the calling function reads."""
    tree = src.tree_of(found.file)
    if tree is None:
        return None
    made = [a for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
            and a.targets[0].id == found.name and isinstance(a.value, ast.Call)]
    if len(made) != 1:
        return None
    stmt, call = made[0], made[0].value
    fn = _function(tree, src.call_name(call))
    scope = src.enclosing_scope(tree, stmt.lineno)
    if fn is None or not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) or any(
            k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    hits = []
    for param, default in _left_out(fn, call):
        for holder, cls in _holders(tree, scope):
            value = src.class_field(cls, param)
            derived = _derived_from(cls, param)
            if value is None or not derived or _same(tree, value, default) or _given_elsewhere(tree, cls, param):
                continue
            read = {n.attr for n in src.nodes(scope, ast.Attribute)
                    if isinstance(n.value, ast.Name) and n.value.id == holder}
            if not read & derived:
                continue  # nothing the function reads off the object follows the setting
            name = sorted(read & derived)[0]
            line = min(n.lineno for n in src.nodes(scope, ast.Attribute) if n.attr == name
                       and isinstance(n.value, ast.Name) and n.value.id == holder)
            hits.append(SettingLeft(found.file, stmt, call, param, holder, default, value, name, line))
    return hits[0] if len(hits) == 1 else None


def _function(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    return defs[0] if len(defs) == 1 else None


def _left_out(fn: ast.FunctionDef, call: ast.Call) -> list[tuple[str, ast.expr]]:
    """(parameter, its default) of each parameter with a default the call does not give."""
    params = fn.args.args
    defaults = dict(zip([a.arg for a in params[len(params) - len(fn.args.defaults):]], fn.args.defaults))
    defaults.update({a.arg: d for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None})
    given = {a.arg for a in params[:len(call.args)]} | {k.arg for k in call.keywords}
    return [(p, d) for p, d in defaults.items() if p not in given]


def _holders(tree: ast.Module, scope: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[str, ast.ClassDef]]:
    """(name, class) of the settings objects of the function: parameters annotated with a class of the file, and
    names it binds to a construction of one."""
    classes = {c.name: c for c in tree.body if isinstance(c, ast.ClassDef)}
    out = [(a.arg, classes[a.annotation.id]) for a in scope.args.args
           if isinstance(a.annotation, ast.Name) and a.annotation.id in classes]
    for a in src.nodes(scope, ast.Assign):
        if len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Call) \
                and isinstance(a.value.func, ast.Name) and a.value.func.id in classes and not a.value.args \
                and not a.value.keywords:
            out.append((a.targets[0].id, classes[a.value.func.id]))
    return out


def _given_elsewhere(tree: ast.Module, cls: ast.ClassDef, field: str) -> bool:
    """Some construction of the class in the file may give the field another value (positional arguments, the
    field's keyword, `**kw`)."""
    return any(isinstance(c.func, ast.Name) and c.func.id == cls.name and (c.args or any(
        k.arg in (field, None) for k in c.keywords)) for c in src.calls(tree))


def _derived_from(cls: ast.ClassDef, field: str) -> set[str]:
    """The methods and properties of `cls` that read `self.<field>`."""
    return {fn.name for fn in cls.body if isinstance(fn, ast.FunctionDef) and not fn.name.startswith("__")
            and any(isinstance(n, ast.Attribute) and n.attr == field and isinstance(n.value, ast.Name)
                    and n.value.id == "self" for n in ast.walk(fn))}


def _same(tree: ast.Module, a: ast.expr, b: ast.expr) -> bool:
    """Whether two expressions hold the same value as written (module constants followed once); unknown values
    count as the same, so only a plain difference is reported."""
    va, vb = _value(tree, a), _value(tree, b)
    return va is None or vb is None or va == vb


def _value(tree: ast.Module, node: ast.expr) -> object:
    if isinstance(node, ast.Name):
        made = module_defs(tree).get(node.id)
        node = made.value if made is not None else node
    return (type(node.value), node.value) if isinstance(node, ast.Constant) else None
