"""A value left over from another loop: `tags = batch["tag_ids"]` set in the training loop and read again in
the evaluation loop (`for batch in dev_loader: model(..., labels=tags)`), which holds the last training batch.
Its size disagrees with the batch at hand because it is another batch, not because it was made with the wrong
length: the analyzers that would blame its length ask this reader first and give no diagnosis when it finds
one.  Read from the user's source."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts


def left_from_loop(ctx: Context, t: TensorFacts | None) -> str | None:
    """The assignment (its text) that gave the plain name `t` the value it holds at the failing line, when that
    assignment reads the variable of a `for` loop that ended before the line, and the line itself runs in
    another `for` loop: the value is the other loop's last item."""
    if t is None or not t.expr.isidentifier():
        return None
    frame = ctx.frames[t.frame]
    if frame.library:
        return None
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    here = src.enclosing_loops(tree, frame.line)
    made = src.last_assignment(tree, t.expr, frame.line)
    if not here or made is None or made.stmt.lineno >= frame.line:
        return None
    for loop in src.enclosing_loops(tree, made.stmt.lineno):
        if src.contains(loop, frame.line):
            return None  # the loop that made it runs the failing line too: the value is this iteration's
        if set(src.names_in(loop.target)) & set(src.names_in(made.value)):
            return " ".join(src.segment(frame.file, made.stmt).split())
    return None
