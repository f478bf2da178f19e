"""A loop bounded by a list an object keeps (`for c, name in enumerate(self.class_names)`), where that list is
what the object's constructor was given: the `__init__` line that stores it, the call that built the object
and the argument passed there (`PerClassReport(LABELS)`).  When that argument extends another list of the
user's (`LABELS = INTENTS + ["out_of_scope"]`) and that list has exactly the indexed tensor's size, it is the
list the object was meant to get.  Read from the user's source only."""
from __future__ import annotations

import ast

from .. import source as src
from ..model import FrameFacts
from . import Finding, fact
from .classes import module_defs, static_len

GIVEN_TO_CONSTRUCTOR = fact("given-to-constructor", "the loop's bound is a list the object was given when it was "
                                                    "built (`built_at`, line `built_line`), as `given_arg`")
FITS_INSTEAD = fact("fits-instead", "`given_arg` extends `fits`, which has exactly the indexed tensor's size")


def given_to_constructor(frame: FrameFacts, f: Finding, bound_source: str | None, size: int) -> bool:
    """Sets the facts above for `bound_source` = `self.<attr>`; True when the constructor call was found."""
    if not bound_source or not bound_source.startswith("self.") or bound_source.count(".") != 1:
        return False
    attr = bound_source.split(".", 1)[1]
    tree = src.tree_of(frame.file)
    cls = src.enclosing_class(tree, frame.line) if tree is not None else None
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None) if cls else None
    param = _stored_param(init, attr) if init is not None else None
    if param is None:
        return False
    params = [a.arg for a in init.args.args[1:]]
    for call in src.nodes(tree, ast.Call):
        if not (isinstance(call.func, ast.Name) and call.func.id == cls.name):
            continue
        arg = next((k.value for k in call.keywords if k.arg == param), None)
        if arg is None and param in params and params.index(param) < len(call.args):
            arg = call.args[params.index(param)]
        if arg is None:
            continue
        stmt = src.statement_at(tree, call.lineno)
        f.facts.add(GIVEN_TO_CONSTRUCTOR)
        f.values.update(built_at=" ".join(src.segment(frame.file, call).split()), built_line=call.lineno,
                        given_arg=src.segment(frame.file, arg), param=param)
        defs = module_defs(tree)
        n, _ = static_len(arg, defs) if not isinstance(arg, ast.Name) else _len_of_name(arg.id, defs)
        if n is not None:
            f.values["given_len"] = n
        fits = _extended(arg, defs)
        if fits is not None and _len_of_name(fits, defs)[0] == size and stmt is not None:
            f.facts.add(FITS_INSTEAD)
            f.values["fits"] = fits
            f.hints["fits_edit"] = (frame.file, stmt, arg, fits)
        return True
    return False


def _stored_param(init: ast.FunctionDef, attr: str) -> str | None:
    """The parameter of `__init__` stored as `self.<attr>` (`self.names = names`, `self.a, self.b = a, b`)."""
    params = {a.arg for a in init.args.args[1:] + init.args.kwonlyargs}
    for stmt in src.statements(init):
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            continue
        target, value = stmt.targets[0], stmt.value
        pairs = list(zip(target.elts, value.elts)) if isinstance(target, ast.Tuple) and isinstance(
            value, ast.Tuple) and len(target.elts) == len(value.elts) else [(target, value)]
        for t, v in pairs:
            if (isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name)
                    and t.value.id == "self" and isinstance(v, ast.Name) and v.id in params):
                return v.id
    return None


def _len_of_name(name: str, defs: dict[str, ast.Assign]) -> tuple[int | None, str | None]:
    """The length of a module-level list as written, also for `A + [...]` of lists whose lengths are written."""
    made = defs.get(name)
    if made is None:
        return None, None
    value = made.value
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        parts = [_len_of_name(p.id, defs)[0] if isinstance(p, ast.Name) else static_len(p, defs)[0]
                 for p in (value.left, value.right)]
        return (sum(parts), None) if all(p is not None for p in parts) else (None, None)
    return static_len(value, defs)


def _extended(arg: ast.expr, defs: dict[str, ast.Assign]) -> str | None:
    """`A` when the argument is a module-level name made as `A + [...]` (or `[...] + A`)."""
    if not isinstance(arg, ast.Name) or arg.id not in defs:
        return None
    value = defs[arg.id].value
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        names = [p.id for p in (value.left, value.right) if isinstance(p, ast.Name)]
        lists = [p for p in (value.left, value.right) if isinstance(p, (ast.List, ast.Tuple))]
        if len(names) == 1 and len(lists) == 1:
            return names[0]
    return None
