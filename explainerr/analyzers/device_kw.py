"""A tensor made on a device named apart from the data (`torch.arange(n, device=self.device)` with a device a
constructor argument defaulted to, while the operand it meets lives where the batch does): the device is
read from that operand where the tensor is made (`device=scores.device`)."""
from __future__ import annotations

import ast

from .. import source as src
from ..model import FrameFacts, TensorFacts
from . import Finding, fact

DEVICE_NAMED_APART = fact("device-named-apart", "`stray` is made by `made` (line `made_line`) with `device=`"
                                                "`device_expr`, named apart from `partner`, the operand it meets")


def device_named_apart(fr: FrameFacts, stray: list[TensorFacts], main: list[TensorFacts]) -> Finding | None:
    """The one stray operand, a plain name assigned in the frame's scope from a call with a `device=` keyword
    that reads no tensor's `.device`, and a main operand that is a plain name bound before that line."""
    tree = src.tree_of(fr.file)
    if tree is None or len(stray) != 1 or not stray[0].expr.isidentifier():
        return None
    made = src.last_assignment(tree, stray[0].expr, fr.line)
    call = made.value if made is not None else None
    kw = src.keyword(call, "device") if isinstance(call, ast.Call) else None
    if kw is None or any(isinstance(n, ast.Attribute) and n.attr == "device" and fr.tensor(
            src.segment(fr.file, n.value)) is not None for n in ast.walk(kw.value)):
        return None  # read from a tensor already: that tensor is where the fix belongs
    partner = next((t for t in main if t.expr.isidentifier() and (a := src.last_assignment(tree, t.expr, fr.line))
                    is not None and a.stmt.lineno < made.stmt.lineno), None)
    if partner is None:
        return None
    f = Finding(facts={DEVICE_NAMED_APART})
    f.values.update(stray=stray[0].expr, made=" ".join(src.segment(fr.file, made.stmt).split()),
                    made_line=made.stmt.lineno, device_expr=src.segment(fr.file, kw.value), partner=partner.expr)
    f.hints["device_kw"] = (fr.file, made.stmt, kw.value, f"{partner.expr}.device")
    f.confidence = "high"
    return f
