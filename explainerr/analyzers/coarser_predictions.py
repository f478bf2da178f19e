"""Labels made per input step beside a model that predicts once per k steps: the user's module pools or strides
along the sequence (`self.downsample = nn.MaxPool1d(2)`, a convolution with `stride=2`), so a clip of 80 frames
gets 40 predictions, while its labels keep one entry per frame.  The numbers tie when the labels are k times as
long per row (floor or ceil of it, for a stride with padding).  Read from the user's source (the modules its
classes build) and the shapes in the frames; the labels are not padded wider, they are at a finer rate."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact
from .classes import user_files

LABELS_FINER = fact("labels-finer", "the labels have one entry per input step, `every` times the model's "
                                    "predictions per row, and `strided` (built with `stride_text`) shortens the "
                                    "sequence that many times")
_POOLS = ("MaxPool1d", "AvgPool1d", "MaxPool2d", "AvgPool2d")


def coarser_predictions(ctx: Context, labels: TensorFacts, per_row: int) -> Finding | None:
    """The reading when `labels` (batch, steps) have k times the `per_row` predictions and exactly one module the
    user's classes build shortens a sequence by k."""
    if len(labels.shape) != 2 or not 1 < per_row < labels.shape[1]:
        return None
    steps = labels.shape[1]
    k = round(steps / per_row)
    if k < 2 or per_row not in (steps // k, -(-steps // k)):
        return None
    built = {m.cls for fr in ctx.frames for m in fr.modules}
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for cls in src.nodes(tree, ast.ClassDef) if tree is not None else ():
            if cls.name not in built:
                continue
            for a in src.nodes(cls, ast.Assign):
                stride = _shortens_by(a.value, k, tree, ctx)
                if stride is not None:
                    found.append((file, a, stride))
    if len(found) != 1:
        return None
    file, a, stride = found[0]
    return Finding(facts={LABELS_FINER}, values={
        "strided": src.segment(file, a.targets[0]), "stride_text": stride, "every": k,
        "labels_coarse": f"{labels.expr}[:, ::{k}]"}, hints={"labels_finer": k})


def _shortens_by(value: ast.AST, k: int, tree: ast.Module, ctx: Context) -> str | None:
    """The text saying how a module built by `value` shortens a sequence k times (`stride=2`, `MaxPool1d(2)`);
    None when it does not, or by another factor."""
    from .classes import static_int
    for c in src.calls(value):
        kw = src.keyword(c, "stride")
        name = src.call_name(c).split(".")[-1]
        if kw is not None and static_int(ctx, tree, kw.value) == k:
            return f"stride={ast.unparse(kw.value)}"
        if name in _POOLS and kw is None and c.args and static_int(ctx, tree, c.args[0]) == k:
            return f"{name}({ast.unparse(c.args[0])})"
    return None
