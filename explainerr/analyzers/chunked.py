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
