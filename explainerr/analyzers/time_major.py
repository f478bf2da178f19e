"""A model that reads its batch sequence-first: the user's recurrent or attention layer (`nn.LSTM`, `nn.GRU`,
`nn.RNN`, `nn.MultiheadAttention`, `nn.Transformer*`) is built without `batch_first=True` and given a
(batch, time, ...) tensor, so it takes the time steps for the examples; the predictions then come out with
one row per time step.  Also a batch padded with `pad_sequence` without `batch_first=True`, (longest, batch),
read as batch-first.  Not a label-length mistake: the labels fit the batch.  Read from the user's source and
the frames' shapes only."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context

_SEQUENCE_LAYERS = {"LSTM", "GRU", "RNN", "MultiheadAttention", "Transformer", "TransformerEncoderLayer",
                    "TransformerDecoderLayer"}


def read_time_major(ctx: Context, logits, n_logits: int, n_labels: int) -> bool:
    """True when `logits` were assigned a call (`model(xb)`) whose first argument is a tensor of the frame shaped
    (n_labels, n_logits, ...), and the file builds a sequence layer without `batch_first=True`."""
    if logits is None or not logits.expr.isidentifier() or n_logits == n_labels:
        return False
    frame = ctx.frames[logits.frame]
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, logits.expr, frame.line) if tree is not None else None
    if made is None or not isinstance(made.value, ast.Call) or not made.value.args:
        return False
    fed = frame.tensor(ast.unparse(made.value.args[0]))
    if fed is None or len(fed.shape) < 2 or tuple(fed.shape[:2]) != (n_labels, n_logits):
        return False
    trees = [t for t in (src.tree_of(file) for file in dict.fromkeys(fr.file for fr in ctx.user_frames())) if t]
    return any(_time_major_layer(call) for t in trees for call in src.calls(t))


def _time_major_layer(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id if isinstance(
        call.func, ast.Name) else None
    if name not in _SEQUENCE_LAYERS:
        return False
    given = src.keyword(call, "batch_first")
    return given is None or (isinstance(given.value, ast.Constant) and given.value.value is False)


def padded_time_first(ctx: Context, n_logits: int, n_labels: int) -> bool:
    """True when the user's files pad with `pad_sequence(...)` without `batch_first=True` (its result is
    (longest, batch)) and a tensor of the frames is shaped (n_logits, n_labels, ...): a batch padded time-first
    and read as batch-first, so its steps count as examples."""
    if n_logits == n_labels:
        return False
    from .classes import user_calls
    padded = any(src.call_name(call).split(".")[-1] == "pad_sequence" and _time_first(call)
                 for _, call in user_calls(ctx))
    return padded and any(len(t.shape) >= 2 and tuple(t.shape[:2]) == (n_logits, n_labels)
                          for fr in ctx.frames for t in fr.tensors)


def _time_first(call: ast.Call) -> bool:
    given = src.keyword(call, "batch_first")
    return given is None or (isinstance(given.value, ast.Constant) and given.value.value is False)
