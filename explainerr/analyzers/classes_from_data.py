"""A number of classes counted from the data while the script lists its classes by name: `n_classes =
int(y_train.max()) + 1` (or `len(set(y))`, `len(np.unique(y))`) sizes the model, and a class absent from that split
gets no output; a loop over the script's own list of classes (`for c, name in LABELS.items(): probs[:, c]`) then
reads past the model's outputs.  The count is the list's length.  Read from the user's source: the loop's
collection (a module-level list or dict, counted as written), and the one assignment of the user's files that
counts classes from data and holds the failing size in a frame."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import module_defs, static_len, user_files

CLASSES_FROM_DATA = fact("classes-from-data", "`count_name` = `count_made` (line `count_line`) counts the classes "
                                              "present in the data, `size`, while `names` lists `names_len`")


def _collection(it: ast.AST) -> ast.Name | None:
    """`X` of `X`, `X.items()`, `X.keys()`, `X.values()`, `enumerate(X)` or `range(len(X))`."""
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr in ("items", "keys", "values") \
            and not it.args:
        it = it.func.value
    elif isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args:
        it = it.args[0]
    elif isinstance(it, ast.Call) and src.call_name(it) == "range" and len(it.args) == 1 and \
            isinstance(it.args[0], ast.Call) and src.call_name(it.args[0]) == "len" and it.args[0].args:
        it = it.args[0].args[0]
    return it if isinstance(it, ast.Name) else None


def _counts_data(value: ast.AST) -> bool:
    """`int(y.max()) + 1`, `y.max() + 1`, `y.max().item() + 1`, `len(set(y))`, `len(np.unique(y))`, `len(y.unique())`."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and isinstance(value.right, ast.Constant) \
            and value.right.value == 1:
        return any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "max"
                   for c in ast.walk(value.left))
    if isinstance(value, ast.Call) and src.call_name(value) == "len" and len(value.args) == 1:
        inner = value.args[0]
        return isinstance(inner, ast.Call) and (src.call_name(inner) == "set" or
                                                src.call_name(inner).rpartition(".")[2] == "unique")
    return False


def classes_from_data(ctx: Context, f: Finding, tree: ast.Module, it: ast.AST, size: int) -> bool:
    """Adds the fact and the hint `classes_from_data` = (file, statement, value node, text) when it applies."""
    from ..fixes.checks import bound_names
    coll = _collection(it)
    defs = module_defs(tree)
    if coll is None or coll.id not in defs:
        return False
    length, _ = static_len(defs[coll.id].value, defs)
    if not isinstance(length, int) or length <= size:
        return False
    holding = set(ctx.scalar_names(size))
    found = []
    for file in user_files(ctx):
        t = src.tree_of(file)
        for a in src.nodes(t, ast.Assign) if t is not None else ():
            if len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and a.targets[0].id in holding \
                    and _counts_data(a.value):
                found.append((file, a))
    if len(found) != 1:
        return False
    file, a = found[0]
    if coll.id not in (bound_names(file, a.lineno) or set()):
        return False
    f.facts.add(CLASSES_FROM_DATA)
    f.values.update(count_name=a.targets[0].id, count_made=" ".join(src.segment(file, a.value).split()),
                    count_line=a.lineno, names=coll.id, names_len=length, count_fixed=f"len({coll.id})")
    f.hints["classes_from_data"] = (file, a, a.value, f"len({coll.id})")
    return True
