"""Inputs split into parts, labels not: a loop over `features.chunk(n)` (or `.split(k)`, `torch.chunk(x, n)`)
feeds the model one part at a time (micro-batches for gradient accumulation) while the loss inside the loop
gets the whole batch's labels.  Read from the user's source: the loop around the failing line, what it
iterates, and the labels' name used in its body.  The fix iterates the labels' parts beside the inputs'."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

CHUNKED_APART = fact("chunked-apart", "the loop `chunk_loop` (line `chunk_line`) feeds the model one part of "
                                      "`whole` at a time, but the loss gets all of `labels`")
_SPLITS = ("chunk", "split", "tensor_split")


def chunked_apart(ctx: Context, labels: TensorFacts | None, n_logits: int, n_labels: int) -> Finding | None:
    """The innermost loop around the failing line iterates parts of a tensor (`for micro in x.chunk(4)`), the
    labels are a plain name of that frame with the whole batch (more rows than the logits), and the loop
    does not iterate the labels' parts."""
    if labels is None or not labels.expr.isidentifier() or n_labels <= n_logits:
        return None
    frame = ctx.frames[labels.frame]
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    for loop in src.enclosing_loops(tree, frame.line):
        split = _split_call(loop.iter)
        if split is None:
            continue
        whole = src.segment(frame.file, split[0])
        if labels.expr in src.names_in(loop.iter) or whole == labels.expr:
            return None
        target = src.names_in(loop.target)
        if len(target) != 1:
            return None
        f = Finding(facts={CHUNKED_APART})
        f.values.update(chunk_loop=f"for {target[0]} in {src.segment(frame.file, loop.iter)}", chunk_line=loop.lineno,
                        whole=whole, labels=labels.expr)
        f.hints["chunked"] = (frame.file, loop, split[1], target[0], labels.expr)
        f.confidence = "high"
        return f
    return None


def _split_call(node: ast.expr) -> tuple[ast.expr, ast.Call] | None:
    """(the tensor split, the call) for `x.chunk(n)`, `x.split(k)`, `torch.chunk(x, n)`, `torch.split(x, k)`."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute) or node.func.attr not in _SPLITS:
        return None
    if isinstance(node.func.value, ast.Name) and node.func.value.id == "torch":
        return (node.args[0], node) if node.args else None
    return node.func.value, node


def halves_of_more_parts(ctx: Context, logits: TensorFacts | None, n_labels: int) -> bool:
    """The predictions score one part of a tensor against another (`queries @ passages.T`), both unpacked from
    `emb.chunk(k)`, while `emb` holds a whole number of groups of `n_labels` rows other than k (three groups
    joined, split in two): the scoring takes rows of the wrong groups, and no label count mends that."""
    frame = ctx.frames[logits.frame] if logits is not None else None
    tree = src.tree_of(frame.file) if frame is not None and not frame.library else None
    if tree is None or not logits.expr.isidentifier() or n_labels <= 0:
        return False
    made = src.last_assignment(tree, logits.expr, frame.line)
    names = {n.id for n in ast.walk(made.value) if isinstance(n, ast.Name)} if made is not None else set()
    for name in names:
        parts = src.last_assignment(tree, name, made.stmt.lineno)
        stmt = parts.stmt if parts is not None else None
        if not (isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Tuple)
                and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute)
                and stmt.value.func.attr == "chunk" and len(stmt.value.args) == 1
                and isinstance(stmt.value.args[0], ast.Constant) and type(stmt.value.args[0].value) is int):
            continue
        whole = frame.tensor(src.segment(frame.file, stmt.value.func.value))
        k = stmt.value.args[0].value
        rows = whole.shape[0] if whole is not None and whole.shape else None
        if isinstance(rows, int) and rows % n_labels == 0 and rows // n_labels not in (k, 1):
            return True
    return False
