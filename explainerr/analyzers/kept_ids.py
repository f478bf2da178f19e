"""Labels that are ids kept from a larger set and never renumbered: the classifier is sized `len(kept)` (`n =
len(train_speakers)`), and the labels are picked from the data with that same list (`mask = torch.isin(spk,
torch.tensor(train_speakers))`, then `spk[mask]`), so they are the ids themselves (1..39) where a class index
must be the id's position in the list (0..n-1).  Read from the user's source: the size's `len(...)` and the
filter that names the same list."""
from __future__ import annotations

import ast
from typing import NamedTuple

from .. import source as src
from . import Finding, fact

KEPT_IDS = fact("kept-ids", "the classifier is sized `len(kept)` and the labels are the ids `kept` selects "
                            "(`picked`, line `picked_line`), not their positions in it")


class KeptIds(NamedTuple):
    file: str
    stmt: ast.stmt     # the statement that reads the picked labels
    picked: ast.expr   # `spk[train_mask]`
    kept: str          # `train_speakers`
    module: str        # "torch" or "np": whose isin made the filter


def _listed(tree: ast.Module, name: str) -> bool:
    """`name` is bound once, to a list (a list display, a list comprehension, `list(...)`, `sorted(...)`)."""
    made = src.assignments(tree, name)
    return len(made) == 1 and (isinstance(made[0].value, (ast.List, ast.ListComp)) or (
        isinstance(made[0].value, ast.Call) and src.call_name(made[0].value) in ("list", "sorted")))


def kept_ids(file: str, tree: ast.Module, size_source: ast.expr) -> KeptIds | None:
    """The labels picked with `isin(ids, ...kept...)` for a size written `len(kept)`, when the picked values are
    read by exactly one statement."""
    if not (isinstance(size_source, ast.Call) and src.call_name(size_source) == "len" and len(size_source.args) == 1
            and isinstance(size_source.args[0], ast.Name)):
        return None
    kept = size_source.args[0].id
    if not _listed(tree, kept):
        return None
    found = []
    for a in src.nodes(tree, ast.Assign):
        v = a.value
        if not (len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and isinstance(v, ast.Call)
                and src.call_name(v).split(".")[-1] == "isin" and len(v.args) == 2
                and kept in src.names_in(v.args[1]) and isinstance(v.args[0], ast.Name)):
            continue
        module = "np" if src.call_name(v).split(".")[0] in ("np", "numpy") else "torch"
        mask, ids = a.targets[0].id, v.args[0].id
        scope = src.enclosing_scope(tree, a.lineno)
        for n in src.walk_scope(scope):
            if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == ids \
                    and isinstance(n.slice, ast.Name) and n.slice.id == mask and isinstance(n.ctx, ast.Load):
                found.append((n, module))
    if len(found) != 1:
        return None
    picked, module = found[0]
    stmt = src.statement_at(tree, picked.lineno)
    return KeptIds(file, stmt, picked, kept, module) if stmt is not None else None


def renumbered(file: str, k: KeptIds) -> str:
    """`torch.tensor([train_speakers.index(int(v)) for v in spk[train_mask]])`."""
    maker = "np.array" if k.module == "np" else "torch.tensor"
    return f"{maker}([{k.kept}.index(int(v)) for v in {src.segment(file, k.picked)}])"


def kept_ids_finding(file: str, tree: ast.Module, size_source: ast.expr) -> Finding | None:
    k = kept_ids(file, tree, size_source)
    if k is None:
        return None
    f = Finding(facts={KEPT_IDS})
    f.values.update(kept=k.kept, picked=src.segment(file, k.picked), picked_line=k.picked.lineno,
                    renumbered=renumbered(file, k))
    f.hints["kept_ids"] = k
    return f
