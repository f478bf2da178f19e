"""A maximum-length option the user's own class offers and the script leaves out: `class FlowDataset: def
__init__(self, flows, labels, max_len=None)` cuts each item to `self.max_len` when it is given, and every
`FlowDataset(...)` of the file is built without it, so nothing is cut and a sequence longer than the model's
table reaches it.  Passing the model's limit where the class is built is the cut the code already has.  Read from
the user's source (nothing runs)."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from . import fact

CUT_OPTION_LEFT_OUT = fact("cut-option-left-out", "`option_cls` takes `option_param` (default None) and cuts its "
                                                  "items to it, but every construction of it leaves it out")


_LENGTH_PARAM = re.compile(r"(?i)^max_?(len|length|seq_len|seq_length|tokens|positions)$")


def length_left_out(cls: ast.ClassDef, call: ast.Call, unset: bool = False) -> str | None:
    """The one maximum-length parameter of `cls.__init__` (`max_length`, `max_len`, ...) that `call` leaves out
    (by keyword and by position); with `unset`, only one that defaults to None."""
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if init is None:
        return None
    params = [a.arg for a in init.args.args[1:]]
    defaults = src.param_defaults(init)
    length = [q for q in params if _LENGTH_PARAM.match(q) and (not unset or (
        isinstance(defaults.get(q), ast.Constant) and defaults[q].value is None))]
    if len(length) != 1 or src.keyword(call, length[0]) is not None or len(call.args) > params.index(length[0]):
        return None
    return length[0]


def length_option_left_out(ctx: Context) -> list[tuple[str, ast.stmt, ast.Call, str]]:
    """(file, statement, call, parameter) for each construction of the one user class of the user's files whose
    `__init__` takes a maximum length defaulting to None, read by its methods, that every construction leaves out;
    [] when no class or more than one is so built."""
    from .classes import user_files
    found: dict[str, list] = {}
    for file in user_files(ctx):
        tree = src.tree_of(file)
        classes = {c.name: c for c in tree.body if isinstance(c, ast.ClassDef)} if tree is not None else {}
        for call in src.calls(tree) if tree is not None else ():
            cls = classes.get(call.func.id) if isinstance(call.func, ast.Name) else None
            if cls is None:
                continue
            param = length_left_out(cls, call, unset=True)
            read = param is not None and any(
                isinstance(n, ast.Attribute) and n.attr.startswith(param) and isinstance(n.value, ast.Name)
                and n.value.id == "self" and isinstance(n.ctx, ast.Load) for n in ast.walk(cls))
            stmt = src.statement_at(tree, call.lineno)
            found.setdefault(cls.name, []).append((file, stmt, call, param) if read and stmt is not None else None)
    left_out = [calls for calls in found.values() if calls and all(c is not None for c in calls)]
    return left_out[0] if len(left_out) == 1 else []
