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


DEVICE_LEFT_OUT = fact("device-left-out", "`stray` is made by `helper` (line `made_line`), which takes a `device` "
                                          "parameter that the call leaves out")
CACHED_HELPER = fact("cached-helper", "`helper` is memoised (`cache_deco`): a tensor it made in an earlier call, on "
                                      "another device, is handed back to every later call with the same arguments")


def device_left_out(fr: FrameFacts, stray: list[TensorFacts], main: list[TensorFacts]) -> Finding | None:
    """The one stray operand, a plain name assigned in the frame's scope from a call of a function of the same file
    that takes a `device` parameter the call does not give (`pos = sinusoid_table(T, d)` of `def sinusoid_table(n,
    dim, device=None)`), and a main operand that is a plain name bound before that line: the call gets
    `device=<that operand>.device`."""
    tree = src.tree_of(fr.file)
    if tree is None or len(stray) != 1 or not stray[0].expr.isidentifier():
        return None
    made = src.last_assignment(tree, stray[0].expr, fr.line)
    call = made.value if made is not None else None
    if not isinstance(call, ast.Call) or not isinstance(call.func, (ast.Name, ast.Attribute)):
        return None
    name = call.func.id if isinstance(call.func, ast.Name) else call.func.attr
    defs = [d for d in src.nodes(tree, ast.FunctionDef) if d.name == name]
    if len(defs) != 1:
        return None
    fn = defs[0]
    params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)]
    positional = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    if params[:1] == ["self"]:
        positional = positional[1:]
    if "device" not in params or src.keyword(call, "device") is not None or (
            "device" in positional and positional.index("device") < len(call.args)) or \
            any(k.arg is None for k in call.keywords):
        return None
    partner = next((t for t in main if t.expr.isidentifier() and (t.expr in fr.params or (
        a := src.last_assignment(tree, t.expr, fr.line)) is not None and a.stmt.lineno < made.stmt.lineno)), None)
    if partner is None:
        return None
    f = Finding(facts={DEVICE_LEFT_OUT})
    f.values.update(stray=stray[0].expr, helper=name, made=" ".join(src.segment(fr.file, made.stmt).split()),
                    made_line=made.stmt.lineno, partner=partner.expr)
    deco = next((d for d in fn.decorator_list if (src.call_name(d) if isinstance(d, ast.Call) else ast.unparse(d))
                 .split(".")[-1] in ("lru_cache", "cache")), None)
    if deco is not None:
        f.facts.add(CACHED_HELPER)
        f.values["cache_deco"] = "@" + ast.unparse(deco)
    f.hints["device_left_out"] = (fr.file, made.stmt, call, f"device={partner.expr}.device")
    f.confidence = "high"
    return f
