"""Labels made with the other of two label schemes: the user's Dataset class is built more than once, each time
with its own label function (`SheetDataset(train_rows, tok, taxon_label)`, `SheetDataset(val_rows, tok,
genus_label)`), one reading a map with exactly as many entries as the classifier has outputs and another reading
a larger map.  The labels past the outputs come from the larger scheme while the model and the other split were
built for the smaller one: the wrong function was passed, which no pattern names (a larger head would hide it).
Read from the user's source, with the lengths the frames hold for module-level collections."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context


def _map_len(ctx: Context, tree: ast.Module, file: str, fn: ast.FunctionDef) -> int | None:
    """The length of the one module-level collection `fn` looks a value up in (`taxon2id[row[0]]`)."""
    from .classes import _module_len, module_defs, static_len
    defs = module_defs(tree)
    read = {n.value.id for n in ast.walk(fn) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
            and isinstance(n.ctx, ast.Load) and n.value.id in defs}
    if len(read) != 1:
        return None
    name = read.pop()
    return static_len(defs[name].value, defs)[0] or _module_len(ctx, tree, file, name)


def labels_from_other_scheme(ctx: Context, n_classes: int, need: int) -> tuple[str, str] | None:
    """(the label function whose map reaches `need`, the one whose map has exactly `n_classes` entries), both
    passed in the same place (position or keyword) to constructions of one user class."""
    from .classes import user_files
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
        by_place: dict[tuple[str, int | str], set[str]] = {}
        for call in src.calls(tree):
            cls = src.call_name(call)
            if cls not in classes:
                continue
            given = [(k, a) for k, a in enumerate(call.args)] + [(kw.arg, kw.value) for kw in call.keywords if kw.arg]
            for place, a in given:  # by position or by keyword (`label_of=panel_label`)
                if isinstance(a, ast.Name) and a.id in funcs:
                    by_place.setdefault((cls, place), set()).add(a.id)
        for names in (v for v in by_place.values() if len(v) > 1):
            lengths = {name: _map_len(ctx, tree, file, funcs[name]) for name in names}
            fits = [n for n, length in lengths.items() if length == n_classes]
            past = [n for n, length in lengths.items() if length is not None and length >= need > n_classes]
            if len(fits) == 1 and len(past) == 1:
                return past[0], fits[0]
    return None


def _int_map(node: ast.AST) -> dict[str, int] | None:
    """`{"entailment": 0, ...}`: a dict display of str keys and int values."""
    if not isinstance(node, ast.Dict) or not node.keys:
        return None
    out = {}
    for k, v in zip(node.keys, node.values):
        if not (isinstance(k, ast.Constant) and isinstance(k.value, str) and isinstance(v, ast.Constant)
                and type(v.value) is int):
            return None
        out[k.value] = v.value
    return out


def fitting_map_beside(ctx: Context, n_classes: int, top: int) -> bool:
    """Two module-level label maps over the same keys: one numbers them up to the largest label `top` (past the
    outputs), the other fits the classifier's `n_classes` outputs (`DUPLICATE_FROM_VERDICT` beside
    `NLI_LABEL2ID`): the labels were mapped with the map of another task."""
    from .classes import module_defs, user_files
    for file in user_files(ctx):
        tree = src.tree_of(file)
        maps = [m for a in (module_defs(tree).values() if tree is not None else ()) if (m := _int_map(a.value))]
        for big in maps:
            if max(big.values()) != top:
                continue
            if any(set(small) == set(big) and max(small.values()) == n_classes - 1 for small in maps if small != big):
                return True
    return False
