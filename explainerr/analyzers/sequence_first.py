"""A tensor laid out sequence-first beside batch-first partners: `pad_sequence` stacks its sequences along
dimension 1 (shape (length, batch)) unless it is given `batch_first=True`, so a mask padded without it is the
transpose of the ids padded with it (and the other way round).  The two tensors' shapes are each other's
reverse; the call is found on the lines the culprit's values come from (provenance), in the user's source."""
from __future__ import annotations

import ast
from typing import NamedTuple

from .. import provenance
from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

SEQUENCE_FIRST = fact("sequence-first", "`seq_first` is (`seq_shape`), the reverse of `batch_first_name`'s "
                                        "(`batch_shape`): it was padded by `pad_sequence` without batch_first=True "
                                        "(line `pad_line`), which puts the sequence first")


class PadCall(NamedTuple):
    """The `pad_sequence(...)` call to give `batch_first=True` (its keyword `False` when written)."""

    file: str
    stmt: ast.stmt
    call: ast.Call
    written: ast.keyword | None


def _pad_calls(ctx: Context, t: TensorFacts) -> list[PadCall]:
    """The `pad_sequence` calls without `batch_first=True` on the lines `t`'s values come from."""
    seq = []
    for o in provenance.trace(ctx, t):
        tree = src.tree_of(o.file)
        stmt = src.statement_at(tree, o.line) if tree is not None else None
        if stmt is None or not isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr)):
            continue
        for call in src.calls(stmt):
            if src.call_name(call).split(".")[-1] != "pad_sequence":
                continue
            kw = src.keyword(call, "batch_first")
            flag = kw.value.value if kw is not None and isinstance(kw.value, ast.Constant) else False
            positional = len(call.args) > 1 and isinstance(call.args[1], ast.Constant) and call.args[1].value is True
            if flag is not True and not positional:
                seq.append(PadCall(o.file, stmt, call, kw))
    return seq


def _user_2d(ctx: Context, t: TensorFacts) -> TensorFacts | None:
    return next((u for u in [*ctx.all_user_names(t), t] if len(u.shape) == 2 and not ctx.frames[u.frame].library),
                None)


def sequence_first(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts) -> bool:
    """Adds the fact, and the hint `sequence_first` (a PadCall), when the user's names of `mask` and `other` are
    2-D with reversed, unequal dimensions and exactly one `pad_sequence` call without batch_first made one of
    them."""
    m, o = _user_2d(ctx, mask), _user_2d(ctx, other)
    if m is None or o is None or m.shape[0] == m.shape[1] or tuple(m.shape) != tuple(reversed(o.shape)):
        return False
    found = []
    for culprit, partner in ((m, o), (o, m)):
        partner_seq = _pad_calls(ctx, partner)
        own = [p for p in _pad_calls(ctx, culprit) if all(p.call is not q.call for q in partner_seq)]
        if len(own) == 1:
            found.append((culprit, partner, own[0]))
    if len(found) != 1:
        return False
    culprit, partner, pad = found[0]
    f.facts.add(SEQUENCE_FIRST)
    f.values.update(seq_first=culprit.expr, seq_shape=", ".join(map(str, culprit.shape)),
                    batch_first_name=partner.expr, batch_shape=", ".join(map(str, partner.shape)),
                    pad_line=pad.stmt.lineno, pad_call=" ".join(src.segment(pad.file, pad.call).split()))
    f.hints["sequence_first"] = pad
    f.confidence = "high"
    return True
