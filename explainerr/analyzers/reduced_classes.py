"""Classes counted after the class list was reduced, labels numbered before: the head is sized
`len(answers)` with `answers = dedupe_kb(KB_EXPORT)`, a user function that keeps some items of the list it is
given (the first of each duplicate, those passing a test), while the labels are positions in `KB_EXPORT`
itself.  A label past the head is a row of the unreduced list, not a class the head lacks: more outputs would
give duplicates classes of their own.  The labels are to be mapped to positions in the reduced list, which no
pattern names.  Read from the user's source: the size site, the reducing function, the list's literal."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from .classes import SizeSite


def _keeps_some(fn: ast.FunctionDef) -> bool:
    """`fn` returns a list it fills with `.append(...)` only under a condition, or a filtered comprehension."""
    returns = [r for r in src.statements(fn) if isinstance(r, ast.Return) and r.value is not None]
    if len(returns) != 1:
        return False
    value = returns[0].value
    if isinstance(value, ast.ListComp):
        return any(g.ifs for g in value.generators)
    if not isinstance(value, ast.Name):
        return False
    appends = [c for c in src.calls(fn) if isinstance(c.func, ast.Attribute) and c.func.attr == "append"
               and isinstance(c.func.value, ast.Name) and c.func.value.id == value.id]
    guarded = {id(c) for n in src.walk_scope(fn) if isinstance(n, ast.If) for c in src.calls(n)}
    return bool(appends) and all(id(c) in guarded for c in appends)


def _literal_strings(tree: ast.Module, name: str) -> int | None:
    """The length of a module-level list or tuple literal of strings (a class inventory), else None."""
    made = [a for a in src.assignments(tree, name, tree)]
    value = made[-1].value if len(made) == 1 else None
    if not isinstance(value, (ast.List, ast.Tuple)) or not value.elts:
        return None
    if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
        return None
    return len(value.elts)


def counted_after_reducing(ctx: Context, site: SizeSite | None, max_label: int, n_classes: int) -> bool:
    """The classifier's size is `len(X)` for `X = reduce(Y)` (a user function keeping some items of `Y`, a
    literal list of strings), and the labels fit `Y` but not `X`."""
    from ..provenance import user_function
    node = site.node if site is not None else None
    tree = src.tree_of(site.file) if site is not None else None
    if tree is None or not (isinstance(node, ast.Call) and src.call_name(node) == "len" and len(node.args) == 1
                            and isinstance(node.args[0], ast.Name)):
        return False
    made = src.last_assignment(tree, node.args[0].id, site.stmt.lineno)
    call = made.value if made is not None else None
    if not (isinstance(call, ast.Call) and len(call.args) == 1 and isinstance(call.args[0], ast.Name)):
        return False
    fn = user_function(tree, call, call.lineno)
    whole = _literal_strings(tree, call.args[0].id)
    return fn is not None and whole is not None and _keeps_some(fn) and n_classes <= max_label < whole
