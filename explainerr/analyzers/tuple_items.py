"""Where a place of a tuple batch comes from, when a library loop (Lightning, Accelerate's prepared loader) handed
the batch to the user's code (`ids, labels = batch`): the DataLoader's collate function returns a tuple whose
element at that place is built from its own unpacking of the examples (`ids, labels = zip(*items)`), and the
Dataset's `__getitem__` returns the examples as tuples; without a collate function the default collate keeps the
places.  Read from the user's source: nothing runs."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from .classes import user_files
from .collators import collate_def


def _returned(fn: ast.FunctionDef, place: int) -> ast.expr | None:
    """The element at `place` of the one tuple `fn` returns."""
    rets = [r for r in src.nodes(fn, ast.Return) if isinstance(r.value, ast.Tuple)]
    if len(rets) != 1 or place >= len(rets[0].value.elts):
        return None
    return rets[0].value.elts[place]


def _made_in_collate(tree: ast.Module, fn: ast.FunctionDef, expr: ast.expr) -> tuple[ast.stmt, ast.Call] | None:
    """(statement, call) when the collate function's returned `expr` is a name it assigned from a call that
    makes a tensor out of the examples' plain values (`labels = torch.Tensor([b["label"] for b in batch])`)."""
    from .label_dtype import makes_tensor
    if not isinstance(expr, ast.Name):
        return None
    made = [a for a in src.assignments(tree, expr.id, fn) if not a.augmented]
    value = made[-1].value if len(made) == 1 else None
    if not (isinstance(value, ast.Call) and makes_tensor(value) and value.args
            and isinstance(value.args[0], (ast.List, ast.ListComp, ast.GeneratorExp))):
        return None
    return made[-1].stmt, value


def _place_in_examples(fn: ast.FunctionDef, expr: ast.expr) -> int | None:
    """`labels` of `torch.stack(labels)` unpacked as `ids, labels = zip(*items)` in the collate: its place."""
    used = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
    for a in src.nodes(fn, ast.Assign):
        target = a.targets[0]
        if (isinstance(target, ast.Tuple) and isinstance(a.value, ast.Call) and src.call_name(a.value) == "zip"
                and len(a.value.args) == 1 and isinstance(a.value.args[0], ast.Starred)):
            names = [e.id if isinstance(e, ast.Name) else None for e in target.elts]
            hit = [i for i, n in enumerate(names) if n in used]
            if len(hit) == 1:
                return hit[0]
    return None


def example_part(ctx: Context, place: int) -> tuple[str, ast.stmt, ast.expr] | None:
    """(file, statement, expression) that makes the part at `place` of each example: the element at that place
    of the tuple the user's Dataset `__getitem__` returns, after the collate function's reordering; a name is
    followed to its assignment in `__getitem__`."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        loaders = [c for c in src.calls(tree) if src.call_name(c).endswith("DataLoader")]
        getitems = [m for c in src.nodes(tree, ast.ClassDef) for m in c.body
                    if isinstance(m, ast.FunctionDef) and m.name == "__getitem__"]
        if len(getitems) != 1 or not loaders:
            continue
        at = place
        collates = {fn for fn in (collate_def(tree, c) for c in loaders) if fn is not None}
        if len(collates) > 1:
            continue
        if collates:
            fn = next(iter(collates))
            expr = _returned(fn, place)
            made = _made_in_collate(tree, fn, expr) if expr is not None else None
            if made is not None:  # the collate function makes that part itself, from the examples' values
                return (file, *made)
            at = _place_in_examples(fn, expr) if expr is not None else None
        part = _returned(getitems[0], at) if at is not None else None
        if part is None:
            continue
        ret = next(r for r in src.nodes(getitems[0], ast.Return) if isinstance(r.value, ast.Tuple))
        if isinstance(part, ast.Name):
            made = src.last_assignment(tree, part.id, ret.lineno)
            return (file, made.stmt, made.value) if made is not None else None
        return file, ret, part
    return None
