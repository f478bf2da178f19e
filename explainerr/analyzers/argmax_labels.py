"""Labels that are the positions of an argmax over something other than the classes: the classifier is sized by
the list of class names (`num_labels=len(SEVERITY)`), no collection of the user's code has as many entries as the
labels need, and a function of the user's returns an argmax (`votes.argmax(dim=1)`, the index of a reviewer, or
`np.argmax(scores)` over a flattened matrix).  The outputs match the names; the labels index another axis, which
no pattern names (a larger head would train classes that have no name).  Read from the user's source only."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context


def _is_argmax(node: ast.AST | None) -> bool:
    """`x.argmax(1)`, `np.argmax(x)`, also as `int(...)`, `.item()`, `.tolist()`, `.long()` of one, or one item
    of a returned tuple; not an argmax compared or put in a dict (a metric)."""
    if isinstance(node, ast.Tuple):
        return any(_is_argmax(e) for e in node.elts)
    while isinstance(node, ast.Call):
        name = src.call_name(node).split(".")[-1]
        if name == "argmax":
            return True
        if name == "int" and node.args:
            node = node.args[0]
        elif name in ("item", "tolist", "long", "numpy", "cpu") and isinstance(node.func, ast.Attribute):
            node = node.func.value
        else:
            return False
    return False


def _returns_argmax(fn: ast.FunctionDef) -> bool:
    return any(isinstance(r, ast.Return) and _is_argmax(r.value) for r in ast.walk(fn))


def labels_from_argmax(ctx: Context, site, label_set) -> bool:
    """The size is `len(NAMES)` of a module-level list of strings, no label set reaches the labels, and a user
    function returns an argmax."""
    from .classes import module_defs, user_files
    node = getattr(site, "node", None)
    if label_set is not None or not (isinstance(node, ast.Call) and src.call_name(node) == "len" and node.args
                                     and isinstance(node.args[0], ast.Name)):
        return False
    tree = src.tree_of(site.file)
    made = module_defs(tree).get(node.args[0].id) if tree is not None else None
    if made is None or not (isinstance(made.value, (ast.List, ast.Tuple)) and made.value.elts and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in made.value.elts)):
        return False
    return any(_returns_argmax(fn) for file in user_files(ctx) for t in [src.tree_of(file)] if t is not None
               for fn in src.nodes(t, ast.FunctionDef))
