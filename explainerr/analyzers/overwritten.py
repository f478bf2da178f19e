"""Results overwritten batch by batch: inside a loop over batches the user's code rebinds a name to each
batch's result (`preds = logits.argmax(-1)`) while it appends the batch's other pieces to a list
(`encodings.append(enc)`), and after the loop it indexes that name by an item number running over every batch
(`preds[i]`).  Only the last batch is left, so item i gets another item's row (or none).  Read from the user's
source: the assignment, its loop, the list the loop fills and the later subscript."""
from __future__ import annotations

import ast
from typing import NamedTuple

from .. import source as src
from ..facts import Context
from ..model import FrameFacts, TensorFacts
from . import Finding, fact

OVERWRITTEN = fact("overwritten-per-batch", "`kept` is rebound to each batch's result in the loop `batch_loop` "
                                            "(line `kept_line`) while `filled` collects every batch, and is indexed "
                                            "after the loop (`kept_use`, line `use_line`)")


class Overwritten(NamedTuple):
    file: str
    assign: ast.Assign
    loop: ast.For


def _filled_before(tree: ast.Module, loop: ast.For) -> str | None:
    """A list the loop appends to or extends (`encodings.append(enc)`), made empty before the loop."""
    for n in ast.walk(loop):
        if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("append", "extend")
                and isinstance(n.func.value, ast.Name)):
            made = src.last_assignment(tree, n.func.value.id, loop.lineno)
            if made is not None and isinstance(made.value, ast.List) and not made.value.elts:
                return n.func.value.id
    return None


def overwritten_per_batch(ctx: Context, frame: FrameFacts, tensor: TensorFacts | None,
                          index_expr: str) -> Finding | None:
    """The finding when the indexed tensor is a `name` (indexed here by `index_expr`, or `name[i]` passed by the
    caller) last bound inside an earlier loop that also fills a list, the use being after that loop."""
    from .operands import passed_in
    if tensor is None:
        return None
    use_frame = frame
    text = index_expr if index_expr.startswith(tensor.expr + "[") else f"{tensor.expr}[{index_expr}]"
    given = passed_in(ctx, tensor)
    if given is not None:
        caller = ctx._caller(frame)
        if caller is None:
            return None
        use_frame, text = caller, given[0]
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)):
        return None
    name = node.value.id
    tree = src.tree_of(use_frame.file)
    made = src.last_assignment(tree, name, use_frame.line) if tree is not None else None
    if made is None or not isinstance(made.stmt, ast.Assign) or len(made.stmt.targets) != 1 or not isinstance(
            made.stmt.targets[0], ast.Name):
        return None
    loops = [lp for lp in src.enclosing_loops(tree, made.stmt.lineno) if not src.contains(lp, use_frame.line)]
    if not loops:
        return None
    found = next(((lp, filled) for lp in loops for filled in [_filled_before(tree, lp)] if filled), None)
    if found is None:
        return None
    loop, filled = found
    f = Finding(facts={OVERWRITTEN}, confidence="high")
    f.values.update(kept=name, kept_line=made.stmt.lineno, kept_value=" ".join(src.segment(use_frame.file,
                                                                                            made.value).split()),
                    batch_loop=f"for {src.segment(use_frame.file, loop.target)} in {src.segment(use_frame.file, loop.iter)}",
                    batch_loop_line=loop.lineno, filled=filled, kept_use=text, use_line=use_frame.line)
    f.hints["overwritten"] = Overwritten(use_frame.file, made.stmt, loop)
    return f


def read_in_loop(loop: ast.For, assign: ast.Assign, name: str) -> bool:
    """Whether the loop reads `name` after `assign` (the batch's own result used there)."""
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
               and n.lineno > (assign.end_lineno or assign.lineno) for n in ast.walk(loop))


def labels_from_predictions(ctx: Context, labels: TensorFacts | None, logits: TensorFacts | None) -> str | None:
    """The labels' name rebound to a value computed from the predictions the loss is given (`labels =
    logits.argmax(dim=-1)` between the forward pass and the loss): the loss compares the predictions with
    themselves, the batch's labels overwritten, which no pattern of the catalogue names.  The rebinding's
    text, or None."""
    if labels is None or logits is None or not labels.expr.isidentifier() or labels.frame != logits.frame:
        return None
    frame = ctx.frames[labels.frame]
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    scope = src.enclosing_scope(tree, frame.line)
    found = src.assignments(tree, labels.expr, scope, before=frame.line)
    made = found[-1] if found else None
    root = logits.expr.split(".")[0].split("[")[0]
    if made is None or made.augmented or not root.isidentifier() or root == labels.expr:
        return None
    if not src.assignments(tree, root, scope, before=made.stmt.lineno) or not _values_read(made.value, root):
        return None
    return " ".join(src.segment(frame.file, made.stmt).split())


_NOT_VALUES = {"size", "shape", "device", "dtype", "ndim", "dim", "numel"}


def _values_read(value: ast.AST, name: str) -> bool:
    """Whether `value` reads the values of `name` (`name.argmax(-1)`, `name > 0`), not only its shape, device
    or dtype (`name.size(0)`, `name.new_zeros(...)`, `torch.zeros_like(name)`)."""
    parents = {id(c): p for p in ast.walk(value) for c in ast.iter_child_nodes(p)}
    for n in ast.walk(value):
        if not (isinstance(n, ast.Name) and n.id == name):
            continue
        up = parents.get(id(n))
        if isinstance(up, ast.Attribute) and (up.attr in _NOT_VALUES or up.attr.startswith("new_")):
            continue
        if isinstance(up, ast.Call) and src.call_name(up).split(".")[-1].endswith("_like"):
            continue
        return True
    return False
