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

COLLECTED_FEWER = fact("collected-fewer", "the indexed tensor joins rows collected over the batches that ran "
                                          "(`collected`), fewer than the items of `bound_source` the loop walks")
SANITY_CHECK = fact("sanity-check", "the error came during Lightning's sanity check, which runs validation on its "
                                    "first few batches only (num_sanity_val_steps, 2 by default)")
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


def collected_fewer(ctx, frame: FrameFacts, f: Finding, inner: ast.For, seq: str | None, tensor: str) -> bool:
    """`for i, x in enumerate(items)` indexing `rows = torch.cat(collected)`, the rows gathered over the
    batches that ran (an epoch-end hook, a loop stopped early): the items without a row are not walked
    (hints `collected`: the loop's iterated node, its new text)."""
    tree = src.tree_of(frame.file)
    it = inner.iter
    if not (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args and seq
            and src.segment(frame.file, it.args[0]) == seq) or tree is None or not tensor.isidentifier():
        return False
    made = src.last_assignment(tree, tensor, frame.line)
    value = made.value if made is not None else None
    if not (isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in ("cat", "concatenate", "stack")
            and value.args and isinstance(value.args[0], (ast.Name, ast.Attribute))):
        return False
    f.facts.add(COLLECTED_FEWER)
    f.values["collected"] = src.segment(frame.file, value)
    if any(fr.function == "_run_sanity_check" for fr in ctx.frames):
        f.facts.add(SANITY_CHECK)
    f.hints["collected"] = (frame.file, it.args[0], f"{seq}[:len({tensor})]")
    return True


TRANSPOSED = fact("transposed", "the loop bound is the size of the indexed matrix's other dimension "
                                "(`other_dim`): its rows and columns are the other way round")


def transposed(ctx, frame: FrameFacts, f: Finding, tensor, dim: int | None, bound_value: int | None) -> bool:
    """A (rows, cols) matrix indexed along `dim` by a loop that counts the other dimension: the matrix was
    made the other way round.  Hints `transposed`: (file, statement, node, new text) — the two arguments of
    the call that made it swapped when their row counts are the matrix's two sizes, else `.T` added."""
    if tensor is None or dim is None or len(tensor.shape) != 2 or bound_value is None:
        return False
    other = 1 - dim
    if tensor.shape[other] != bound_value or tensor.shape[dim] == bound_value:
        return False
    f.facts.add(TRANSPOSED)
    f.values.update(other_dim=other, other_size=tensor.shape[other])
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, tensor.expr, frame.line) if tree is not None and tensor.expr.isidentifier() \
        else None
    if made is None or not isinstance(made.stmt, ast.Assign):
        return True
    call = made.value
    args = call.args if isinstance(call, ast.Call) else []
    module = [fr for fr in ctx.user_frames() if fr.file == frame.file and fr.function == "<module>"]
    rows = [frame.tensor(src.segment(frame.file, a)) or next(
        (t for fr in module if (t := fr.tensor(src.segment(frame.file, a))) is not None), None) for a in args]
    if len(args) == 2 and not call.keywords and all(r is not None and r.shape for r in rows) and \
            (rows[0].shape[0], rows[1].shape[0]) == tensor.shape:
        a, b = (src.segment(frame.file, x) for x in args)
        text = src.segment(frame.file, call)
        new = text[: args[0].col_offset - call.col_offset] + f"{b}, {a}" + text[args[1].end_col_offset - call.col_offset:] \
            if args[0].lineno == args[1].end_lineno == call.lineno else None
        if new is not None:
            f.values["swapped_call"] = new
            f.hints["transposed"] = (frame.file, made.stmt, call, new)
            return True
    value = src.segment(frame.file, made.value)
    new = f"{value}.T" if isinstance(made.value, (ast.Call, ast.Name, ast.Attribute, ast.Subscript)) else f"({value}).T"
    f.hints["transposed"] = (frame.file, made.stmt, made.value, new)
    return True
