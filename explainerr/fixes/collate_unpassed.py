"""A padding collate function the file writes and never hands on: the DataLoader takes `collate_fn=collate_fn`,
a parameter of the function that builds it (`def train(..., collate_fn=None)`), and the call of that function
leaves it out, so the loader collates with the default, which stacks.  The file's one padding function that
nothing reads (`def pad_storms(batch)`) is passed where the function is called."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import fact
from ..model import Edit
from .checks import bound_names

COLLATE_UNPASSED = fact("collate-unpassed", "`builder` takes the DataLoader's `collate_fn` as its parameter "
                                            "`collate_param` (None by default), and its call (line `caller_line`) "
                                            "leaves it out, while the file's padding function `unused_collate` "
                                            "is never used")


def collate_left_out(f, file: str, call: ast.Call, pads) -> list[Edit]:
    """`train(events=..., ...)` → `train(events=..., ..., collate_fn=pad_storms)` (see the module docstring);
    `pads(fn)` tells a padding function."""
    tree = src.tree_of(file)
    kw = src.keyword(call, "collate_fn")
    if tree is None or kw is None or not isinstance(kw.value, ast.Name):
        return []
    fn = src.enclosing_scope(tree, call.lineno)
    if not isinstance(fn, ast.FunctionDef):
        return []
    param = kw.value.id
    default = src.param_defaults(fn).get(param)
    if not (isinstance(default, ast.Constant) and default.value is None):
        return []
    read = {n.id for n in src.nodes(tree, ast.Name) if isinstance(n.ctx, ast.Load)}
    unused = [d for d in src.nodes(tree, ast.FunctionDef) if d is not fn and d.name not in read and pads(d)
              and len(d.args.args) == 1]
    callers = src.callers_of(tree, fn)
    if len(unused) != 1 or len(callers) != 1 or src.keyword(callers[0], param) is not None or any(
            isinstance(a, ast.Starred) for a in callers[0].args) or any(k.arg is None for k in callers[0].keywords):
        return []
    names = [a.arg for a in fn.args.args]
    if param in names and len(callers[0].args) > names.index(param):
        return []  # given by place
    caller = callers[0]
    stmt = src.statement_at(tree, caller.lineno)
    if stmt is None or unused[0].name not in (bound_names(file, caller.lineno) or set()):
        return []
    edit = src.LineEditor.for_node(file, stmt).add_keywords(caller, f"{param}={unused[0].name}").edit()
    if edit is None:
        return []
    f.facts.add(COLLATE_UNPASSED)
    f.values.update(builder=fn.name, collate_param=param, caller_line=caller.lineno, unused_collate=unused[0].name)
    return [edit]
