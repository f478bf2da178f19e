"""A loop over a whole collection nested in the loop over that collection's batches: `for batch in loader:`
(the loader built from `texts`) and inside it `for i, text in enumerate(texts): ... preds[i]`, where `preds`
holds only the batch's rows.  Read from the user's source (nothing runs): the loader is followed back through
re-assignments that pass it along (`model, loader = accelerator.prepare(model, loader)`) to the DataLoader
built from the same collection, without shuffling."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..model import FrameFacts
from . import Finding, fact

WHOLE_PER_BATCH = fact("whole-per-batch", "the loop walks all of `bound_source` inside the loop over the batches of "
                                          "`loader` (line `outer_line`), a DataLoader built from `bound_source`")


@dataclass
class BatchWalk:
    file: str
    outer: ast.For
    inner: ast.For
    seq: ast.Name


def whole_per_batch(frame: FrameFacts, f: Finding, inner: ast.For, seq: str | None) -> bool:
    """Whether `inner` (iterating `seq`, or `enumerate(seq)`) runs inside a loop over a DataLoader of `seq`;
    when it does, the finding says so and carries the loops for the fix."""
    tree = src.tree_of(frame.file)
    it = inner.iter
    if isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args:
        it = it.args[0]
    if tree is None or seq is None or not (isinstance(it, ast.Name) and it.id == seq):
        return False
    outers = [n for n in src.path_to(tree, inner.lineno) if isinstance(n, ast.For) and n is not inner
              and n.lineno < inner.lineno and src.contains(n, inner.lineno)]
    if not outers:
        return False
    outer = max(outers, key=lambda n: n.lineno)
    loader = outer.iter
    if isinstance(loader, ast.Call) and src.call_name(loader) in ("enumerate", "tqdm", "tqdm.tqdm") and loader.args:
        loader = loader.args[0]
    if not isinstance(loader, ast.Name) or not _loader_of(tree, loader.id, seq, outer.lineno):
        return False
    f.facts.add(WHOLE_PER_BATCH)
    f.values.update(loader=loader.id, outer_line=outer.lineno)
    f.hints["batch_walk"] = BatchWalk(frame.file, outer, inner, it)
    return True


def _loader_of(tree: ast.Module, name: str, seq: str, before: int) -> bool:
    """`name` was last made by `DataLoader(seq, ...)` (no `shuffle=True`), possibly passed through calls that
    take and give it back."""
    for a in reversed(src.assignments(tree, name, src.enclosing_scope(tree, before), before=before)):
        value = a.value
        if not isinstance(value, ast.Call):
            return False
        if src.call_name(value).split(".")[-1] == "DataLoader":
            data = value.args[0] if value.args else getattr(src.keyword(value, "dataset"), "value", None)
            shuffle = src.keyword(value, "shuffle")
            return (isinstance(data, ast.Name) and data.id == seq
                    and (shuffle is None or isinstance(shuffle.value, ast.Constant) and not shuffle.value.value))
        if name not in [n.id for arg in value.args for n in ast.walk(arg) if isinstance(n, ast.Name)]:
            return False  # made by something else than a pass-through of the loader
    return False
