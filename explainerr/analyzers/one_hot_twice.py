"""Labels one-hot encoded twice: the Dataset already gives one 0/1 row per example (`F.one_hot(labels)` when it
was built), and the training loop encodes the rows again (`F.one_hot(labels, num_classes=C)`), so the targets
get one more dimension of C than the predictions.  The loss reports shapes that differ, as if the labels had
another length; the mistake is the second encoding, which no pattern of the catalogue names.  Read from the
frame's tensors (their shapes and value ranges) and the assignment that made the targets."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from .maskroles import strip_casts


def encoded_twice(ctx: Context, t: TensorFacts | None) -> bool:
    """`t` was assigned a `one_hot(x, ...)` (cast or not) of a tensor `x` of the same frame that already holds
    0/1 rows as wide as `t`'s last dimension."""
    if t is None or len(t.shape) < 3 or not t.expr.isidentifier():
        return False
    frame = ctx.frames[t.frame]
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, t.expr, frame.line) if tree is not None else None
    if made is None:
        return False
    for call in (n for n in ast.walk(made.value) if isinstance(n, ast.Call)):
        if not (src.call_name(call).split(".")[-1] == "one_hot" and call.args):
            continue
        rows = frame.tensor(ast.unparse(strip_casts(call.args[0])))
        if (rows is not None and len(rows.shape) >= 2 and rows.shape[-1] == t.shape[-1] and rows.min is not None
                and rows.max is not None and 0 <= rows.min and rows.max <= 1):
            return True
    return False
