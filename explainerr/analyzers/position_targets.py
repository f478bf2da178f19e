"""Scores over the positions of a sequence (a span extractor's start or end logits: one score per token of the
window) given a target past the sequence's end.  The targets are positions counted in another frame (the
whole document rather than the window, words rather than tokens), not classes: a wider classifier is not the
fix, and no pattern of the table says what is.  Read from the frames only."""
from __future__ import annotations

from ..facts import Context
from ..model import TensorFacts

_ID_DTYPES = ("torch.int64", "torch.int32", "torch.bool")


def scores_per_position(ctx: Context, scores: TensorFacts | None, target: int) -> bool:
    """`scores` is (batch, width) and a token tensor of the same batch has that very (batch, width) shape (the
    input ids or their mask): one score per position, and the target `target` is past the last position.  Not
    when a layer or a config of the frames is sized to that width (classes as many as the tokens, by chance)."""
    if scores is None or len(scores.shape) != 2 or target < scores.shape[1]:
        return False
    width = scores.shape[1]
    if any(m.attrs.get("out_features") == width or m.config.get("num_labels") == width
           for fr in ctx.frames for m in fr.modules):
        return False  # a layer or a config makes exactly that many outputs: classes that happen to match the width
    return any(t.ident != scores.ident and tuple(t.shape) == tuple(scores.shape) and t.dtype in _ID_DTYPES
               for fr in ctx.frames for t in fr.tensors)
