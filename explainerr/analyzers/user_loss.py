"""A loss written by hand (`def pinball(pred, target, q): diff = target.unsqueeze(-1) - pred`) whose two tensor
parameters disagree in length at a dimension past the batch: the model makes another number of positions (a
forecast horizon, a sequence) than the targets hold.  The function is a loss because its caller calls
`.backward()` on what it returns; the predictions are the parameter its caller fills with a model's output.
Where the predictions' length was chosen is read from the source: a name that holds it (`delivery_periods =
fund.shape[1]`) given to the model's constructor, read off another tensor than the targets' (whose own length
is the targets'): the edit reads it off the targets.

The same disagreement inside a library loss that broadcasts its operands (`F.mse_loss(pred, target)`, at a
dimension past the batch) is the labels' length only when the source says why: the function that makes each
example cuts its inputs but returns its targets whole (cut_in_maker.py); otherwise nothing is said."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import FrameFacts, TensorFacts
from . import Finding, analyzer, evidence, fact

SIZE_READ_OFF_OTHER = fact("size-read-off-other", "the predictions' length is `size_name` = `size_made` (line "
                                                  "`size_line`), handed to the model's constructor and read off "
                                                  "`size_from`, not off the targets (`target_source`)")


LIBRARY_LOSS = fact("library-loss", "the loss is the library's `loss_fn`, which broadcasts the predictions against "
                                    "the targets")


@analyzer("user-loss-lengths")
def user_loss_lengths(ctx: Context) -> Finding | None:
    a, b, dim = ctx.int_group("a"), ctx.int_group("b"), ctx.int_group("dim")
    if a is not None and b is not None and dim and a != b:
        from .label_text import BROADCAST_LOSSES
        loss = next((fr for fr in ctx.raise_frames() if fr.function in BROADCAST_LOSSES), None)
        if loss is not None:
            return _library_loss_lengths(ctx, loss.function, a, b, dim)
    frame = ctx.user
    if frame is None or ctx.raise_frames() or None in (a, b, dim) or dim == 0 or a == b:
        return None
    caller = ctx._caller(frame)
    if caller is None or not _is_loss(caller):
        return None
    args = {p.param: p.text.strip() for p in caller.call_args if p.param}
    found = [t for t in ctx.tensors_in_node(frame) if t.expr in frame.params and t.expr in args]
    if len(found) != 2:
        return None
    pred = next((t for t in found if _made_by_model(caller, args[t.expr])), None)
    target = next((t for t in found if t is not pred), None)
    if pred is None or target is None or len(pred.shape) <= 1 or len(target.shape) <= 1 \
            or pred.shape[0] != target.shape[0]:
        return None
    n_pred = next((n for n in (a, b) if n in pred.shape[1:] and n not in target.shape[1:]), None)
    n_target = next((n for n in (a, b) if n in target.shape[1:] and n != n_pred), None)
    if n_pred is None or n_target is None:
        return None
    f = Finding()
    f.values.update(loss_fn=frame.function, pred=args[pred.expr], target=args[target.expr], n_pred=n_pred,
                    n_target=n_target, dim=dim, pred_shape=_shape(pred), target_shape=_shape(target),
                    pred_param=pred.expr, target_param=target.expr)
    for t in (pred, target):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    _size_read_off_other(ctx, f, n_pred, n_target, pred.shape.index(n_pred), args[target.expr])
    return f


def _library_loss_lengths(ctx: Context, loss_fn: str, a: int, b: int, dim: int) -> Finding | None:
    """`F.mse_loss(pred, soc)` (or a loss module that calls it) with predictions and targets of one shape but
    for their lengths at `dim` past the batch, when the source shows why: the function that makes an example
    cuts its inputs and not its targets (cut_in_maker.py).  Without such a reading the predictions' length is
    the model's design (a horizon, an embedding width), not the labels' length, and nothing is said."""
    from .cut_in_maker import cut_in_maker
    from .operands import loss_operands
    pred_op, target_op = loss_operands(ctx)
    pred, target = pred_op.seen, target_op.seen
    if pred is None or target is None or len(pred.shape) != len(target.shape) or dim >= len(pred.shape):
        return None
    if pred.shape[dim] != a or target.shape[dim] != b or any(
            x != y for i, (x, y) in enumerate(zip(pred.shape, target.shape)) if i != dim):
        return None
    reading = cut_in_maker(ctx, a, b) if dim == 1 else None
    if reading is None:
        return None  # predictions of another length than the targets (a horizon, a width) by design: not the labels
    pred_user, target_user = pred_op.user or pred, target_op.user or target
    f = Finding(facts={LIBRARY_LOSS})
    f.values.update(loss_fn=loss_fn, pred=pred_user.expr, target=target_user.expr, n_pred=a, n_target=b, dim=dim,
                    pred_shape=_shape(pred), target_shape=_shape(target))
    for t in (pred_user, target_user):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    f.merge(reading)
    return f


def _shape(t: TensorFacts) -> str:
    return "(" + ", ".join(map(str, t.shape)) + ")"


def _is_loss(caller: FrameFacts) -> bool:
    """The caller assigns the call's result to a name and calls `.backward()` on that name in the same function."""
    tree = src.tree_of(caller.file)
    stmt = src.statement_at(tree, caller.line) if tree is not None else None
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    name = stmt.targets[0].id
    scope = src.enclosing_scope(tree, caller.line)
    return any(isinstance(c.func, ast.Attribute) and c.func.attr == "backward" and isinstance(c.func.value, ast.Name)
               and c.func.value.id == name for c in src.calls(scope))


def _made_by_model(caller: FrameFacts, text: str) -> bool:
    """`text` is (or names, made in the caller's function) a call of a module the caller holds: the predictions."""
    tree = src.tree_of(caller.file)
    if tree is None:
        return False
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    if isinstance(node, ast.Name):
        made = src.last_assignment(tree, node.id, caller.line)
        node = made.value if made is not None else node
    modules = {m.expr for m in caller.modules}
    return isinstance(node, ast.Call) and src.call_name(node) in modules


def _size_read_off_other(ctx: Context, f: Finding, n_pred: int, n_target: int, axis: int, target_text: str) -> None:
    """`delivery_periods = fund.shape[1]` (n_pred) given to the constructor of a module the frame holds, in a
    user frame that also holds a tensor named on the targets' way (`target_n`, followed up through the callers'
    arguments) with n_target at the same axis: the edit reads the size off that tensor."""
    names = _on_the_way(ctx, target_text)
    for frame in ctx.user_frames():
        tree = src.tree_of(frame.file)
        if tree is None:
            continue
        for name, value in frame.scalars.items():
            if value != n_pred or type(value) is not int:
                continue
            made = src.last_assignment(tree, name, frame.line)
            read = made.value if made is not None and not made.augmented else None
            base = _size_of(read, axis)
            if base is None or not _builds_module(tree, frame, name):
                continue
            other = frame.tensor(base.id)
            targets = [t for t in frame.tensors if t.expr in names and len(t.shape) > axis and t.shape[axis] == n_target
                       and other is not None and t.shape[0] == other.shape[0]]
            if other is None or not targets:
                continue
            stmt = src.statement_at(tree, read.lineno)
            f.facts.add(SIZE_READ_OFF_OTHER)
            made_text = src.segment(frame.file, read)
            f.values.update(size_name=name, size_made=made_text, size_line=read.lineno,
                            size_from=base.id, target_source=targets[0].expr,
                            size_fixed=targets[0].expr + made_text[len(base.id):])
            f.hints["size_read"] = (frame.file, stmt, base, targets[0].expr)
            return


def _size_of(value: ast.AST | None, axis: int) -> ast.Name | None:
    """`X` of `X.shape[axis]` / `X.size(axis)`."""
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Attribute) and value.value.attr == "shape" \
            and isinstance(value.slice, ast.Constant) and value.slice.value == axis \
            and isinstance(value.value.value, ast.Name):
        return value.value.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "size" \
            and len(value.args) == 1 and isinstance(value.args[0], ast.Constant) and value.args[0].value == axis \
            and isinstance(value.func.value, ast.Name):
        return value.func.value
    return None


def _builds_module(tree: ast.Module, frame: FrameFacts, name: str) -> bool:
    """`name` is an argument of the call that builds a module the frame holds (`model = Net(..., name, ...)`)."""
    modules = {m.expr for m in frame.modules}
    return any(isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
               and a.targets[0].id in modules and isinstance(a.value, ast.Call)
               and any(isinstance(n, ast.Name) and n.id == name for arg in [*a.value.args, *(k.value for k in a.value.keywords)]
                       for n in ast.walk(arg))
               for a in src.nodes(tree, ast.Assign))


def _on_the_way(ctx: Context, text: str) -> set[str]:
    """The base names the targets go by, from the loss call's argument (`target[idx]`) up through the callers
    that passed them (`fit(..., target_n[:n_train])`)."""
    names: set[str] = set()
    base = re.split(r"[\[.(]", text, maxsplit=1)[0]
    frame = ctx._caller(ctx.user) if ctx.user is not None else None  # where the loss is called
    for _ in range(6):
        if frame is None or not base.isidentifier():
            break
        names.add(base)
        if base not in frame.params:
            break
        frame = ctx._caller(frame)
        arg = next((a for a in frame.call_args if a.param == base), None) if frame is not None else None
        if arg is None:
            break
        base = re.split(r"[\[.(]", arg.text.strip(), maxsplit=1)[0]
    return names
