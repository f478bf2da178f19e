"""A label map numbered from one split only: `for r in train_recs: mat2idx[r["material"]] = len(mat2idx)` sizes
the classifier, and the other split (`val_recs`), handed to the same dataset class with the same map, brings
classes the loop never saw, which the dataset numbers past the classifier.  The loop that fills the map walks
every split handed beside it: `for r in [*train_recs, *val_recs]:`."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import fact
from ..model import Edit
from .checks import bound_names

EVERY_SPLIT = fact("every-split", "the loop that numbers `read_name` walks `split_walked` only (line `fill_line`), "
                                  "while `split_others` is handed to `split_taker` with the same map")


def _numbers_into(loop: ast.For, name: str) -> bool:
    """The loop's body writes `name[key] = len(name)` (or `name.setdefault(key, len(name))`)."""
    def counts(v: ast.AST) -> bool:
        return isinstance(v, ast.Call) and src.call_name(v) == "len" and len(v.args) == 1 and \
            isinstance(v.args[0], ast.Name) and v.args[0].id == name
    for n in ast.walk(loop):
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
                                             and t.value.id == name for t in n.targets) and counts(n.value):
            return True
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "setdefault" and \
                isinstance(n.func.value, ast.Name) and n.func.value.id == name and len(n.args) == 2 and counts(n.args[1]):
            return True
    return False


def fill_from_every_split(f, file: str, name: str, sized_line: int) -> list[Edit]:
    """The loop before `sized_line` that numbers classes into the map `name` from one collection, when the file
    hands other collections to the same callee at the same place with the same map: walk them all."""
    tree = src.tree_of(file)
    if tree is None:
        return []
    loops = [n for n in src.nodes(tree, ast.For) if n.lineno < sized_line and isinstance(n.iter, ast.Name)
             and _numbers_into(n, name)]
    if len(loops) != 1:
        return []
    loop = loops[0]
    walked = loop.iter.id  # type: ignore[attr-defined]
    takers = {}
    for c in src.calls(tree):
        args = [a.id if isinstance(a, ast.Name) else None for a in c.args]
        if name in args and walked in args:
            takers[src.call_name(c)] = args.index(walked)
    others = []
    for c in src.calls(tree):
        at = takers.get(src.call_name(c))
        args = [a.id if isinstance(a, ast.Name) else None for a in c.args]
        if at is not None and name in args and at < len(args) and args[at] not in (None, walked, *others):
            others.append(args[at])
    bound = bound_names(file, loop.lineno) or set()
    if not others or any(o not in bound for o in others):
        return []
    edit = src.LineEditor.for_node(file, loop).replace(loop.iter, "[" + ", ".join(
        f"*{n}" for n in [walked, *others]) + "]").edit()
    if edit is None:
        return []
    f.facts.add(EVERY_SPLIT)
    f.values.update(split_walked=walked, split_others=", ".join(f"`{o}`" for o in others),
                    split_taker=next(iter(takers)), fill_line=loop.lineno)
    return [edit]
