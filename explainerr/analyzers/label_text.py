"""Text analyzer for the labels family (`explain LOG`): which of the user's names carried the labels into
the loss, read from the logged source lines alone (`labels=b_labels` in a model call, the second argument
of a loss call), and whether the loss ran inside a library model.  It always succeeds, so a pasted loss
error keeps its pattern; its facts only add sentences that the log supports."""
from __future__ import annotations

import ast
import re

from ..facts import Context
from . import Finding, analyzer
from .label_dtype import logged_multi_label
from .label_range import NEGATIVE
from .operands import LOSS_IN_MODEL

_LOSS_CALL = re.compile(r"(?i)(loss|criterion|cross_entropy|nll|bce)\w*$")


def _call_args(source: str) -> list[ast.Call]:
    try:
        tree = ast.parse(source.strip())
    except SyntaxError:
        try:
            tree = ast.parse(source.strip().rstrip("(,") + ")")
        except SyntaxError:
            return []
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


#: Losses that compare predictions and targets element by element, after broadcasting them together.
BROADCAST_LOSSES = {"mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss", "kl_div",
                    "binary_cross_entropy", "binary_cross_entropy_with_logits", "poisson_nll_loss", "gaussian_nll_loss"}


@analyzer("text-loss-labels")
def loss_labels(ctx: Context) -> Finding | None:
    if ctx.groups.get("size") is not None:
        return None  # an index past dimension 1: a class label only where live tensors show the index is the labels
    if "must match the size of tensor b" in ctx.message and not any(
            fr.function in BROADCAST_LOSSES for fr in ctx.frames):
        return None  # a broadcast of predictions against targets is the labels' length only inside such a loss
    if logged_multi_label(ctx):
        return None  # float class indices made the model multi-label: the labels' dtype (label_dtype.py)
    f = Finding()
    target = ctx.int_group("target")
    if target is not None and target < 0:
        f.facts.add(NEGATIVE)
    user = ctx.user
    in_model = any(f_.library and "/transformers/models/" in f_.file.replace("\\", "/") for f_ in ctx.frames)
    if user is None or not user.source:
        return f
    for call in _call_args(user.node or user.source):
        name = ast.unparse(call.func)
        kw = next((k for k in call.keywords if k.arg == "labels"), None)
        if kw is not None:
            f.values.update(labels=ast.unparse(kw.value),
                            carried=f"through `labels={ast.unparse(kw.value)}` on line {user.line}")
            if in_model:
                f.facts.add(LOSS_IN_MODEL)
            return f
        if _LOSS_CALL.search(name.split(".")[-1]) and len(call.args) >= 2:
            f.values["labels"] = ast.unparse(call.args[1])
            return f
    return f


_ASSIGNED_CALL = re.compile(r"^\s*(\w+)\s*=\s*(?:[\w.]+\.)?(\w+)\(")


@analyzer("text-user-loss")
def user_loss(ctx: Context) -> Finding | None:
    """A broadcast past the batch dimension raised in a function of the user's (no library frame after it)
    whose logged caller line stores its result under a loss's name (`loss = pinball(pred, target[idx], q)`)."""
    dim = ctx.int_group("dim")
    user = ctx.user
    if user is None or ctx.frames[-1].library or not dim:
        return None
    caller = next((fr for fr in reversed(ctx.frames[: user.index]) if not fr.library), None)
    m = _ASSIGNED_CALL.match(caller.source or "") if caller is not None else None
    if m is None or m.group(2) != user.function or not _LOSS_CALL.search(m.group(1)):
        return None
    passed = {re.split(r"[\[.(]", ast.unparse(a), maxsplit=1)[0] for c in _call_args(caller.source) for a in c.args}
    ops = [n for n in ast.walk(_parsed(user.node or "")) if isinstance(n, ast.BinOp)]
    operands = {re.split(r"[\[.(]", ast.unparse(side), maxsplit=1)[0] for op in ops[:1] for side in (op.left, op.right)}
    if len(operands) != 2 or not operands <= passed:
        return None  # the two sides are not what the caller handed in (a one-hot row against log-probabilities)
    return Finding(values={"loss_fn": user.function, "loss_name": m.group(1)})


def _parsed(text: str) -> ast.AST:
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])
