"""Relative-position tables: an embedding looked up with the distances between two positions
(`rel = pos[None, :] - pos[:, None] + offset`, T5- or Shaw-style attention biases).  Such a table of R rows
covers distances of at most ±(R - 1) / 2, so sequences of up to (R + 1) / 2 tokens; the ids' own range
says how long the sequence that overflowed it was (2L - 1 distances for L tokens)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .maskroles import base
from .vocab import EmbeddingFailure, from_arange

RELATIVE = fact("relative-positions", "the looked-up ids are distances between two positions of the sequence "
                                      "(`rel_made`): the table covers sequences of up to `max_positions` tokens")


def relative_distances(ctx: Context, fail: EmbeddingFailure, f: Finding) -> bool:
    """When the ids are differences of two position vectors, the lengths in `f` are the sequence's and the
    table's in tokens (`seq_len`, `max_positions`), with the largest distance it covers (`max_distance`)."""
    ids, rows = fail.ids, fail.num_embeddings
    if ids is None or ids.min is None or ids.max is None or not rows:
        return False
    found = distances(ctx, ids)
    if found is None:
        return False
    f.facts.add(RELATIVE)
    seq_len = (ids.max - ids.min + 2) // 2
    f.values.update(rel=found[0], seq_len=seq_len, max_positions=(rows + 1) // 2, max_distance=(rows - 1) // 2)
    if found[1] != found[0]:
        f.values["rel_made"] = found[1]
    if f.hints.get("ids_frame") is None:
        seq = _sequence(ctx, ids, seq_len)
        if seq is not None:
            f.values["ids"] = seq.expr
            f.hints.update(ids_root=seq.expr, ids_frame=seq.frame)
    return True


def _sequence(ctx: Context, ids, seq_len: int):
    """The user's tensor holding the sequence the distances were counted over: an integer tensor of one
    row per example whose last size is the sequence's length (not the distances themselves)."""
    cands = [t for fr in ctx.user_frames() for t in fr.tensors
             if t.is_integer and t.min is not None and t.min >= 0 and t.shape and t.shape[-1] == seq_len and len(t.shape) <= 2
             and t.ident != ids.ident and len(set(t.shape)) == len(t.shape) and t.expr.isidentifier()
             and not from_arange(ctx, fr, t.expr, base, 0)]
    return cands[0] if cands else None


def distances(ctx: Context, ids) -> tuple[str, str] | None:
    """(the user's name or expression for the ids, the expression that made them) when the ids are a
    difference of two position vectors: a name assigned such an expression, or the expression passed
    straight to the failing call (`table(there - here + MAX_REL)`)."""
    user = ctx.user_name(ids)
    if user is not None and user.expr.isidentifier():
        frame = ctx.frames[user.frame]
        found = ctx.origin(user.expr, frame)
        value = base(found[2]) if found is not None and found[2] is not None else None
        return (user.expr, src.segment(frame.file, value)) if _difference(ctx, frame, value) else None
    frame = ctx.user
    for arg in frame.call_args if frame is not None and user is None else ():
        try:
            value = ast.parse(arg.text.strip(), mode="eval").body
        except SyntaxError:
            continue
        if _difference(ctx, frame, value):
            return arg.text.strip(), arg.text.strip()
    return None


def _difference(ctx: Context, frame, value: ast.AST | None) -> bool:
    return value is not None and any(
        isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) and _positional(ctx, frame, n.left)
        and _positional(ctx, frame, n.right) for n in ast.walk(value))


def _positional(ctx: Context, frame, node: ast.AST) -> bool:
    while isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] == "arange":
        return True
    return isinstance(node, ast.Name) and from_arange(ctx, frame, node.id, base, 0)
