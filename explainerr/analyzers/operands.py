"""The operands of a failing loss (predictions and labels) in the user's own names, through library calls.

A loss often fails where the user never named its tensors: a transformers model computes it from
`labels=b_labels`, a loss module flattens its arguments first (`labels.view(-1)`), a `**batch` call hands a
dict over.  Each operand torch checked is followed outward through the frames, by identity and then as a
reshaped view (same number of elements, dtype and value range), to the user's expression; the argument of
the user's call that carried it into the library is kept too, so a sentence can say both
(`b_labels`, passed as `labels=b_labels` on line 41).  Read from the Report only; nothing is run.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..facts import Context, _find_expr, getter_reads
from ..model import CallArg, FrameFacts, ModuleFacts, TensorFacts
from . import Finding, fact

LOSS_IN_MODEL = fact("loss-in-model", "the loss ran inside a library model (`model_cls`), from the user's argument "
                                      "(`carried`: how it got there)")

#: The parameter names torch's losses give their two operands, innermost frame first.
INPUT_NAMES = ("input", "logits", "self")
TARGET_NAMES = ("target", "labels")


@dataclass
class Operand:
    """One operand of the failing op: as torch saw it (`seen`), as the user names it (`user`), and the
    argument of the user's call that carried it into the library (`arg`, in frame `call`)."""

    seen: TensorFacts | None = None
    user: TensorFacts | None = None
    arg: CallArg | None = None
    call: FrameFacts | None = None

    @property
    def name(self) -> str | None:
        return self.user.expr if self.user is not None else None

    @property
    def passed_as(self) -> str | None:
        """`labels=b_labels`, `**batch`, or the positional argument's text, when a library call carried it."""
        if self.arg is None:
            return None
        if self.arg.text.startswith("**") or self.arg.param is None:
            return self.arg.text
        return f"{self.arg.param}={self.arg.text}"


def same_values(a: TensorFacts, b: TensorFacts) -> bool:
    """`b` could be a reshaped view of `a`: the same number of elements, dtype and (when read) value range."""
    if a.numel != b.numel or a.dtype != b.dtype or not a.numel:
        return False
    if a.min is not None and b.min is not None:
        return a.min == b.min and a.max == b.max
    return True


def _mentioned(frame: FrameFacts, t: TensorFacts) -> bool:
    text = " ".join(x for x in (frame.statement, frame.node, frame.source) if x)
    return _find_expr(text, t.expr) >= 0 or _find_expr(text, re.split(r"[\[.]", t.expr, maxsplit=1)[0]) >= 0


def follow(ctx: Context, t: TensorFacts | None) -> TensorFacts | None:
    """The user's tensor holding the values of `t`: the same object seen in a user frame, else a tensor of
    an outer frame that `t` is a reshaped view of (named on that frame's line, or with the same integer
    value range), followed to the user's name in turn."""
    if t is None:
        return None
    found = ctx.user_name(t)
    if found is not None:
        return found
    for f in reversed(ctx.frames[: t.frame + 1]):
        cands = [c for c in f.tensors if c.ident != t.ident and same_values(c, t)]
        cands = [c for c in cands if _mentioned(f, c) or (c.min is not None and c.min != c.max)]
        for c in sorted(cands, key=lambda c: not _mentioned(f, c)):
            found = c if not f.library else ctx.user_name(c)
            if found is not None:
                return found
    return None


def rows_taken(call: FrameFacts | None, seen: TensorFacts | None) -> TensorFacts | None:
    """The user's tensor `x` when the call passed `x[rows]` (a copy, so no identity ties it) at the place
    of the library's `seen`, and `x` has its dtype: the values were taken from `x` (its dtype and where it was
    made are theirs; its shape is not the batch's)."""
    if call is None or seen is None:
        return None
    arg = next((a for a in call.call_args if a.param == seen.expr), None)
    try:
        node = ast.parse(arg.text.strip(), mode="eval").body if arg is not None else None
    except SyntaxError:
        return None
    if not isinstance(node, ast.Subscript):
        return None
    base = call.tensor(ast.unparse(node.value))
    return base if base is not None and base.dtype == seen.dtype else None


def carrying_arg(frame: FrameFacts | None, user: TensorFacts | None) -> CallArg | None:
    """The argument of `frame`'s call whose text reaches `user` (`labels=b_labels`, `**batch` for
    `batch["labels"]`, `y.view(-1)` for `y`)."""
    if frame is None or user is None:
        return None
    for a in frame.call_args:
        text = a.text.strip()
        if text.startswith("**"):
            base = text[2:].strip()
            if user.expr.startswith((base + "[", base + ".")):
                return a
        elif text == user.expr or re.match(re.escape(user.expr) + r"\s*[.\[]", text) \
                or getter_reads(frame.file, text) == user.expr:
            return a
    return None


def operand(ctx: Context, names: tuple[str, ...]) -> Operand:
    seen = ctx.library_tensor(*names)
    user = follow(ctx, seen)
    call = ctx.user
    arg = carrying_arg(call, user) if seen is not None and call is not None else None
    return Operand(seen=seen, user=user, arg=arg, call=call if arg is not None else None)


def loss_operands(ctx: Context) -> tuple[Operand, Operand]:
    """(predictions, labels) of the failing loss, each followed to the user's names."""
    return operand(ctx, INPUT_NAMES), operand(ctx, TARGET_NAMES)


def loss_model(ctx: Context) -> ModuleFacts | None:
    """The library model whose forward computed the failing loss (the outermost raising module with a
    config, e.g. BertForSequenceClassification); None when the loss ran in the user's code."""
    found = None
    for m in ctx.raising_modules():
        if m.config:
            found = m
    return found


def user_model_name(ctx: Context, model: ModuleFacts | None) -> str | None:
    """The user's name for a library model (`model`), found by identity in the user frames."""
    if model is None:
        return None
    for f in ctx.user_frames():
        for m in f.modules:
            if m.ident == model.ident:
                return m.expr
    return None


def describe_library_loss(ctx: Context, f: Finding, op: Operand) -> None:
    """Values and facts for "the loss runs inside `model_cls`, which got `labels` through `labels=b_labels`
    on line 41": `model_cls`, `model_name`, `carried` (the call's argument and line, or "from your call")."""
    model = loss_model(ctx)
    if model is None:
        return
    f.facts.add(LOSS_IN_MODEL)
    f.values.update(model_cls=model.cls, model_name=user_model_name(ctx, model))
    if op.passed_as and op.call is not None:
        f.values["carried"] = f"through `{op.passed_as}` on line {op.call.line}"
    elif ctx.user is not None and ctx.user.node and not ctx.user.tensors:
        # no user frame holds the batch: a library's loop (`trainer.train()`) built it and called the model
        f.values["carried"] = f"in a batch built inside `{' '.join(ctx.user.node.split())}` (line {ctx.user.line})"
    else:
        f.values["carried"] = "from your call"


def passed_in(ctx: Context, t: TensorFacts | None) -> tuple[str, int] | None:
    """When the user's name for `t` is a parameter of its frame (`labels` in `forward(self, ids, mask,
    labels)`), the caller's argument that filled it (`y`) and the caller's line; positional arguments
    are mapped to the parameters they fill."""
    if t is None or not t.expr.isidentifier():
        return None
    frame = ctx.frames[t.frame]
    if t.expr not in frame.params:
        return None
    caller = next((g for g in reversed(ctx.frames[: frame.index]) if not g.library), None)
    arg = next((a for a in caller.call_args if a.param == t.expr), None) if caller is not None else None
    if arg is None or arg.text == t.expr:
        return None
    return arg.text, caller.line


_ONE_HOT_BY_INDEX = ("scatter", "scatter_", "scatter_add", "scatter_add_", "gather")
_LIKE = ("zeros_like", "ones_like", "empty_like", "full_like", "new_zeros", "new_ones", "new_full", "new_empty")


def indexed_by_labels(ctx: Context) -> tuple[Operand, Operand] | None:
    """(scores, labels) when the user's failing call picks one entry per row of a (rows, classes) score tensor
    by class index, along dimension 1: `torch.zeros_like(cos).scatter_(1, target.view(-1, 1), 1.0)` (a one-hot
    of the labels, as margin heads and hand-written label smoothing make it) or `logp.gather(1, y.unsqueeze(1))`
    (a hand-written NLL).  The index is the labels: a 1-D integer tensor with one value per row, given a last
    axis; the score tensor is the receiver, or the tensor a `*_like` / `new_*` call copies the shape of."""
    frame = ctx.user
    if frame is None or frame.node is None or ctx.raise_frames():
        return None
    try:
        node = ast.parse(frame.node.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in _ONE_HOT_BY_INDEX and len(node.args) >= 2):
        return None
    dim = node.args[0]
    if not (isinstance(dim, ast.Constant) and dim.value in (1, -1)):
        return None
    receiver = node.func.value
    if isinstance(receiver, ast.Call):  # `torch.zeros_like(cos)`, `cos.new_zeros(cos.shape)`
        name = receiver.func.attr if isinstance(receiver.func, ast.Attribute) else getattr(receiver.func, "id", "")
        if name not in _LIKE:
            return None
        receiver = receiver.func.value if name.startswith("new_") else (receiver.args[0] if receiver.args else None)
    if isinstance(receiver, ast.Name) and _made_by_factory(frame, receiver.id):
        return None  # `soft = torch.full((b, num_classes), e)`: its width is a size of its own, maybe the wrong one
    scores = frame.tensor(ast.unparse(receiver)) if receiver is not None else None
    index = node.args[1]
    while isinstance(index, ast.Call) and isinstance(index.func, ast.Attribute) and index.func.attr in (
            "view", "reshape", "unsqueeze", "long", "to"):
        index = index.func.value
    if isinstance(index, ast.Subscript) and isinstance(index.slice, ast.Tuple):  # `y[:, None]`
        index = index.value
    labels = frame.tensor(ast.unparse(index))
    if scores is None or labels is None or len(scores.shape) != 2 or not labels.is_integer \
            or tuple(labels.shape) not in ((scores.shape[0],), (scores.shape[0], 1)):
        return None
    return Operand(seen=scores, user=scores), Operand(seen=labels, user=labels)


_FACTORIES = re.compile(r"(^|\.)(zeros|ones|full|empty|rand|randn|tensor)$")


def _made_by_factory(frame: FrameFacts, name: str) -> bool:
    """`name` is made in the frame's file by a tensor factory given its sizes (`torch.full((n, k), v)`), not
    computed from the scores."""
    from .. import source as src
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, name, frame.line) if tree is not None else None
    return made is not None and isinstance(made.value, ast.Call) and bool(_FACTORIES.search(src.call_name(made.value)))
