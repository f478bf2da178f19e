"""Labels made once with the DataLoader's batch size (`targets = torch.arange(BATCH_SIZE)` before the loop,
in-batch negatives, all-zero or all-one targets), used in every step: the last, partial batch has fewer
predictions than labels.  Read from the source (nothing runs): the labels' assignment is a tensor factory
whose size is the constant the DataLoader is given as `batch_size`, made outside the loop the loss runs in."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

FIXED_BATCH_LABELS = fact("labels-per-batch-size", "the labels are made once, before the loop, with the "
                                                   "DataLoader's batch size (`made`): the last batch is smaller")
_FACTORIES = ("arange", "zeros", "ones", "full", "empty", "randint")


def fixed_batch_labels(ctx: Context, labels: TensorFacts | None, logits: TensorFacts | None,
                       rows: int) -> Finding | None:
    """The finding, with the failing statement's labels (and any other tensor made the same way, `fake_y`
    beside `real_y`) rewritten as the same factory sized by the predictions' `rows`, read from the
    predictions' name, else from the batch the loop unpacked (hints `per_batch`: file, statement, [(node,
    new text)])."""
    frame = ctx.user
    if labels is None or frame is None or not labels.expr.isidentifier():
        return None
    tree = src.tree_of(frame.file)
    made = _made_with_batch_size(ctx, tree, frame, labels.expr)
    loops = src.enclosing_loops(tree, frame.line) if tree is not None else []
    if made is None or not loops or any(src.contains(n, made[0].lineno) for n in loops):
        return None
    call, size = made[1], made[2]
    sized = logits.expr if logits is not None and logits.expr.isidentifier() and frame.tensor(logits.expr) else next(
        (t.expr for t in frame.tensors if t.expr in src.names_in(loops[0].target) and t.shape and t.shape[0] == rows),
        None)
    stmt = src.statement_at(tree, frame.line)
    f = Finding(facts={FIXED_BATCH_LABELS}, values={"made": src.segment(frame.file, call), "batch_const": size.id})
    if sized is None or stmt is None:
        return f
    swaps = []
    for name in dict.fromkeys(n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)):
        other = _made_with_batch_size(ctx, tree, frame, name)
        if other is None or other[2].id != size.id or any(src.contains(n, other[0].lineno) for n in loops):
            continue
        text = src.segment(frame.file, other[1])
        if not other[2].lineno == other[1].lineno == other[1].end_lineno:
            return f
        cut = other[2].col_offset - other[1].col_offset, other[2].end_col_offset - other[1].col_offset
        new = text[:cut[0]] + f"{sized}.size(0)" + text[cut[1]:]
        swaps += [(n, new) for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id == name
                  and isinstance(n.ctx, ast.Load)]
    if swaps:
        f.hints["per_batch"] = (frame.file, stmt, swaps)
    return f


def _made_with_batch_size(ctx: Context, tree, frame, name: str) -> tuple[ast.stmt, ast.Call, ast.Name] | None:
    """(statement, factory call, its size name) when `name` was made by a tensor factory sized with the
    constant a DataLoader of the file gets as `batch_size`."""
    found = ctx.origin(name, frame)
    if tree is None or found is None or found[0] is not frame or not isinstance(found[2], ast.Call):
        return None
    call = found[2]
    fn = src.call_name(call).split(".")[-1]
    size = (call.args[1] if fn == "randint" and len(call.args) > 2 else call.args[0]) if call.args else None
    if fn not in _FACTORIES or not isinstance(size, ast.Name) or not _loader_batch_size(tree, size.id):
        return None
    stmt = src.statement_at(tree, call.lineno)
    return (stmt, call, size) if stmt is not None else None


def _loader_batch_size(tree: ast.Module, name: str) -> bool:
    return any(src.call_name(c).split(".")[-1] == "DataLoader" and isinstance(
        getattr(src.keyword(c, "batch_size"), "value", None), ast.Name) and src.keyword(c, "batch_size").value.id == name
        for c in src.calls(tree))
