"""Fix for a padding helper left at its default width inside a function that pads its other fields to a width of
its own: `"labels": pad_labels(label_ids)` of `def pad_labels(ids, max_length=128)`, inside `def encode_page(...,
max_length=64)` whose ids are cut and padded to `max_length`.  The call is given the function's width by the
helper's keyword, `pad_labels(label_ids, max_length=max_length)`.  Only when the helper's default is the width
the bad tensor has, and the function's width (a name it pads or cuts with, a parameter or a plain local) holds
the width the other tensor has, for every call of that function in the user's files."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import static_int, user_files
from ..analyzers.padded_to_max import width_helper_defaults
from ..facts import Context
from ..model import Edit
from . import edits_of

HELPER_WIDTH_DEFAULT = fact("helper-width-default", "`helper_call` (line `helper_line`) leaves `width_param` at its "
                                                    "default `width_default`, while `scope_fn` pads to `scope_width`")


def width_left_default(ctx: Context, f: Finding, wrong: object, right: object) -> list[Edit]:
    """The edit of the module docstring; `wrong` is the bad tensor's width, `right` the width it should have."""
    if type(wrong) is not int or type(right) is not int or wrong == right:
        return []
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for call, param, default in width_helper_defaults(tree):
            if static_int(ctx, tree, default) != wrong:
                continue
            scope = src.enclosing_scope(tree, call.lineno)
            if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            names = [n for n in _padding_widths(scope) if _value_in(ctx, tree, scope, n) == right]
            if len(names) == 1:
                found.append((file, tree, scope, call, param, default, names[0]))
    if len(found) != 1:
        return []
    file, tree, scope, call, param, default, name = found[0]
    stmt = src.statement_at(tree, call.lineno)
    if stmt is None:
        return []
    made = edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, f"{param}={name}"))
    if made:
        f.facts.add(HELPER_WIDTH_DEFAULT)
        said = f"`{src.segment(file, default)}`"
        f.values.update(helper_call=" ".join(src.segment(file, call).split()), helper_line=call.lineno,
                        width_param=param, width_wrong=wrong, scope_fn=scope.name, scope_width=name, width_right=right,
                        width_default=said if isinstance(default, ast.Constant) else f"{said} = {wrong}")
    return made


def _padding_widths(fn: ast.FunctionDef) -> list[str]:
    """Names `fn` pads or cuts its sequences with: `n - len(x)` and `x[:n]` / `x[: n - 1]`."""
    out: list[str] = []
    for n in ast.walk(fn):
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) and isinstance(n.left, ast.Name) \
                and isinstance(n.right, ast.Call) and src.call_name(n.right) == "len":
            out.append(n.left.id)
        if isinstance(n, ast.Slice) and n.lower is None and n.upper is not None:
            upper = n.upper.left if isinstance(n.upper, ast.BinOp) else n.upper
            if isinstance(upper, ast.Name):
                out.append(upper.id)
    return list(dict.fromkeys(out))


def _value_in(ctx: Context, tree: ast.Module, fn: ast.FunctionDef, name: str) -> int | None:
    """The int `name` holds in `fn`: a parameter's default when no call of `fn` in the file gives it (or every
    call gives the same int), a local assigned once from a plain int, or a module constant."""
    params = [a.arg for a in fn.args.args + fn.args.kwonlyargs]
    if name in params:
        default = src.param_defaults(fn).get(name)
        values = set()
        at = params.index(name)
        for c in (c for c in src.calls(tree) if src.call_name(c).rpartition(".")[2] == fn.name):
            given = src.keyword(c, name)
            node = given.value if given is not None else (c.args[at] if at < len(c.args) else default)
            if node is None or any(isinstance(a, ast.Starred) for a in c.args) or any(
                    k.arg is None for k in c.keywords):
                return None
            values.add(static_int(ctx, tree, node))
        if not values and default is not None:
            values.add(static_int(ctx, tree, default))
        return values.pop() if len(values) == 1 else None
    assigned = src.assignments(tree, name, fn)
    if len(assigned) == 1:
        return static_int(ctx, tree, assigned[0].value)
    return static_int(ctx, tree, ast.Name(id=name)) if not assigned else None
