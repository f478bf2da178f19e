"""Scores of queries against candidates: a matrix made by a similarity of two sets of encodings
(`util.cos_sim(q, h)`, `q @ h.T` with `q = model.encode(...)`), whose columns are candidates, not the classes of
a head.  A target past its columns is an id of another list than the candidates; no number of classes is wrong.
Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts

_SIMILARITY = re.compile(r"(^|\.)(cos_sim|dot_score|cosine_similarity|pairwise_cosine_similarity|"
                         r"pairwise_dot_score|semantic_search)$")


def similarity_scores(ctx: Context, logits: TensorFacts | None) -> bool:
    """The scores the loss got were made by a similarity of two sets of encodings (`sim = util.cos_sim(q, h)`,
    `q @ h.T` with `q = model.encode(...)`): each column is a candidate, not a class of a head, so a target past
    the columns is an id of another list than the candidates."""
    if logits is None:
        return False
    try:
        name = next((n.id for n in ast.walk(ast.parse(logits.expr, mode="eval")) if isinstance(n, ast.Name)), None)
    except SyntaxError:
        return False
    if name is not None:  # `sim` of `sim * scale`, in its frame or the caller's that passed it
        for frame in ctx.user_frames():
            tree = src.tree_of(frame.file)
            made = src.last_assignment(tree, name, frame.line) if tree is not None else None
            value = made.value if made is not None else None
            if isinstance(value, ast.Call) and _SIMILARITY.search(src.call_name(value)):
                return True
            if isinstance(value, ast.BinOp) and isinstance(value.op, ast.MatMult):
                encoded = [src.assigned_value(tree, src.enclosing_scope(tree, made.stmt.lineno), n, made.stmt.lineno)
                           for n in (value.left, getattr(value.right, "value", value.right))]
                if all(isinstance(e, ast.Call) and src.call_name(e).rpartition(".")[2].startswith("encode")
                       for e in encoded):
                    return True
    return False
