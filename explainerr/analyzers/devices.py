"""Analyzers for devices: tensors of one operation on different devices, and CUDA device-side asserts
(where no value may be read at all).

The culprit is found by consistency, not by role: every tensor and module of the failing operation is put on
its device, the device the user's code moves things to (`.to(DEVICE)`, `.cuda()`) or else the model's decides
which device is meant, and whatever sits elsewhere is the odd one out.  Then placement.py says why it stayed
there: inputs never moved, a move whose result was dropped, a tensor made without `device=` (also in a helper
or from numpy), a plain tensor attribute, layers kept in a Python list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..facts import Context
from ..model import FrameFacts, ModuleFacts, TensorFacts
from . import Finding, analyzer, evidence, fact, value_evidence
from .cuda import CUDA
from .device_kw import device_left_out, device_named_apart
from .part_devices import part_left_apart
from .placement import (
    Story,
    attribute_left_behind,
    discarded_move,
    made_without_device,
    model_assignment,
    target_device,
    unregistered_layers,
)

_DEVICES = re.compile(r"\b(cuda(?::\d+)?|cpu|meta|mps|xpu|npu)\b")
_ODD_ARG = re.compile(r"but got (?P<arg>\w+) is on (?P<odd>\S+?), different from other tensors on (?P<main>\S+?)[ (]")
_EXPECTED = re.compile(r"Tensor on device (?P<odd>\S+) is not on the expected device (?P<main>\S+?)!")
_RNN = re.compile(r"found input tensor at (?P<main>\S+) and (?P<what>parameter|hidden) tensor at (?P<odd>\S+)")
_TYPES = re.compile(r"Input type \((?P<a>[^)]*)\) and (?:weight|bias) type \((?P<b>[^)]*)\)")

INPUTS = fact("inputs", "tensors passed into a model that sits on another device: the inputs were not moved")
MODEL_NOT_MOVED = fact("model-not-moved", "the model stayed on the CPU while the code moves its inputs to the device")
MOVE_DISCARDED = fact("move-discarded", "`x.to(device)` was called but its result (a moved copy) was not kept")


@dataclass
class Operand:
    """One tensor or module of the failing operation, with its device."""
    expr: str
    device: str
    tensor: TensorFacts | None = None
    module: ModuleFacts | None = None


def kind(device: str | None) -> str:
    return (device or "").split(":")[0]


def message_devices(message: str) -> tuple[list[str], str | None]:
    """The devices a device message names, and the one it says a tensor strayed to when it says so."""
    devs: list[str] = []
    for d in _DEVICES.findall(message):
        if d not in devs:
            devs.append(d)
    m = _ODD_ARG.search(message) or _RNN.search(message)
    if m:
        return devs, m.group("odd")
    t = _TYPES.search(message)
    if t:
        a, b = ("cuda" if ".cuda." in x or "CUDA" in x else "cpu" for x in (t["a"], t["b"]))
        return ([a, b] if a != b else []), a
    return devs, None


@analyzer("tensors-on-two-devices")
def two_devices(ctx: Context) -> Finding | None:
    devs, odd = message_devices(ctx.message)
    if _TYPES.search(ctx.message) and not devs:
        return None  # the same device, other dtypes: not a device mistake
    from .meta_device import meta_device
    found = meta_device(ctx, devs)
    if found is not None:  # a module built on meta left there, or a device read from it too early
        return found
    meant = target_device(ctx)
    for finder in (_unregistered, _part, _model_inputs, _attribute, _odd_operand):
        f = finder(ctx, meant, devs)
        if f is not None:
            if any(kind(d) == "cuda" for d in [*devs, f.values.get("main_device"), f.values.get("stray_device")]):
                f.facts.add(CUDA)
            return f
    if len(devs) >= 2:
        f = Finding(confidence="low")
        f.values.update(dev_a=devs[0], dev_b=devs[1])
        f.facts.add("two-devices")
        if any(kind(d) == "cuda" for d in devs):
            f.facts.add(CUDA)
        return f
    return None


TWO_DEVICES = fact("two-devices", "only the message names the devices: no operand of the failing line was found on "
                                  "each")


def _operands(ctx: Context, frame: FrameFacts) -> list[Operand]:
    """Tensors and modules of the frame's failing expression (modules called in it, not `self` itself)."""
    text = frame.node or frame.statement or frame.source
    out = [Operand(t.expr, t.device, tensor=t) for t in ctx.tensors_in_node(frame) if not _metadata_only(text, t.expr)]
    for m in frame.modules:
        if m.device and m.expr != "self" and re.search(rf"(?<![\w.]){re.escape(m.expr)}\s*[(\[]", text):
            out.append(Operand(m.expr, m.device, module=m))
    return out


def _metadata_only(text: str, expr: str) -> bool:
    """`trg` in `mask & causal(trg.size(1))`: read for its size, shape, dtype or device only, not an operand."""
    uses = list(re.finditer(rf"(?<![\w.]){re.escape(expr)}(?!\w)", text))
    return bool(uses) and all(re.match(r"\s*\.\s*(size|shape|dim|ndim|dtype|device|numel)\b", text[m.end():])
                              for m in uses)


def _model_inputs(ctx: Context, meant: tuple[str, str] | None, devs: list[str]) -> Finding | None:
    """Data entering a model held in a local (outermost call first): the inputs, or the model, strayed."""
    for fr in reversed(ctx.user_frames()):
        models = [m for m in fr.modules if m.device and "." not in m.expr and m.expr != "self"
                  and re.search(rf"(?<![\w.]){re.escape(m.expr)}\s*\(", fr.node or fr.statement or "")]
        inputs = [t for t in ctx.tensors_in_node(fr) if not t.expr.startswith("self.")]
        for m in models:  # a tensor the model holds (`ghost.alibi`) is not an input: the attribute reading says it
            stray = [t for t in inputs if kind(t.device) != kind(m.device) and not t.expr.startswith(f"{m.expr}.")]
            if not stray:
                continue
            wanted = meant[1] if meant else m.device
            if kind(m.device) != kind(wanted) and all(kind(t.device) == kind(wanted) for t in stray):
                return _model_stray(ctx, fr, m, stray, meant)
            return _inputs_stray(ctx, fr, m, stray, meant)
    return None


def _inputs_stray(ctx: Context, fr: FrameFacts, m: ModuleFacts, stray: list[TensorFacts],
                  meant: tuple[str, str] | None) -> Finding:
    f = Finding()
    root = re.split(r"[\[.]", stray[0].expr, maxsplit=1)[0]
    target = meant[0] if meant and kind(meant[1]) == kind(m.device) else f"next({m.expr}.parameters()).device"
    f.values.update(inputs=root, tensors=", ".join(f"`{t.expr}`" for t in stray[:4]), stray_device=stray[0].device,
                    model=m.expr, main_device=m.device, target=target)
    for t in stray[:4]:
        e = evidence(t)
        if e:
            f.evidence.append(e)
    f.evidence.append(value_evidence(f"{m.expr} parameters device", m.device))
    f.facts.add(INPUTS)
    dropped = discarded_move(ctx, fr, root)
    if dropped is not None:
        f.values.update(dropped.values)
        f.facts |= dropped.facts
        f.hints.update(dropped.hints)
    one_root = len({re.split(r"[\[.]", t.expr, maxsplit=1)[0] for t in stray}) == 1
    f.confidence = "high" if one_root else "medium"
    f.hints.update(root=root, frame=fr, target=target, stray=stray)
    return f


def _model_stray(ctx: Context, fr: FrameFacts, m: ModuleFacts, stray: list[TensorFacts],
                 meant: tuple[str, str] | None) -> Finding:
    """The code moves the inputs to the device, the model stayed behind."""
    f = Finding()
    f.values.update(model=m.expr, stray_device=m.device, main_device=stray[0].device,
                    tensors=", ".join(f"`{t.expr}`" for t in stray[:4]), target=meant[0] if meant else None)
    f.evidence.append(value_evidence(f"{m.expr} parameters device", m.device))
    for t in stray[:3]:
        e = evidence(t)
        if e:
            f.evidence.append(e)
    f.facts.add(MODEL_NOT_MOVED)
    made = model_assignment(ctx, fr, m.expr)
    if made is not None:
        f.values.update(made.values)
        f.hints.update(made.hints)
    f.confidence = "high" if meant else "medium"
    f.hints.update(frame=fr, target=f.values["target"])
    return f


def _unregistered(ctx: Context, meant: tuple[str, str] | None, devs: list[str]) -> Finding | None:
    return _story_finding(unregistered_layers(ctx))


def _part(ctx: Context, meant: tuple[str, str] | None, devs: list[str]) -> Finding | None:
    f = _story_finding(part_left_apart(ctx, meant, devs))
    if f is not None and not f.facts & {"device-block", "attached-after-move"}:
        f.confidence = "medium"  # which part is elsewhere is known, not the line that put it there
    return f


def _attribute(ctx: Context, meant: tuple[str, str] | None, devs: list[str]) -> Finding | None:
    return _story_finding(attribute_left_behind(ctx, meant))


def _story_finding(story: Story | None) -> Finding | None:
    """A layer or attribute that `.to()` did not move: the story decides (its lines were found)."""
    if story is None:
        return None
    f = Finding(confidence="high")
    f.values.update(story.values)
    f.facts |= story.facts
    f.hints.update(story.hints)
    f.evidence.extend(story.evidence)
    return f


def _odd_operand(ctx: Context, meant: tuple[str, str] | None, devs: list[str]) -> Finding | None:
    """In the innermost user frame: the operand on another device than the rest (a tensor, or the value of a
    call to a helper or a factory that made it without `device=`)."""
    for fr in ctx.user_frames()[:3]:
        ops = _operands(ctx, fr)
        if not ops:
            continue
        counts: dict[str, int] = {}
        for o in ops:
            counts[kind(o.device)] = counts.get(kind(o.device), 0) + (3 if o.module else 1)
        if meant and kind(meant[1]) in counts:
            main = kind(meant[1])
        else:
            main = max(counts, key=lambda k: counts[k])
        main_device = next(o.device for o in ops if kind(o.device) == main)
        stray = [o for o in ops if kind(o.device) != main]
        others = [d for d in devs if kind(d) != main]
        if not stray and not others:
            continue
        story = made_without_device(ctx, fr, [o.tensor for o in stray if o.tensor is not None],
                                    others[0] if others and not stray else None, main_device, meant)
        f = Finding()
        f.values.update(main_device=main_device, stray_device=stray[0].device if stray else others[0],
                        tensors=", ".join(f"`{o.expr}`" for o in stray[:4]) or None,
                        operands=", ".join(f"`{o.expr}`" for o in ops if kind(o.device) == main)[:200] or None)
        for o in (stray + [o for o in ops if o not in stray])[:5]:
            f.evidence.append(evidence(o.tensor) if o.tensor is not None else value_evidence(
                f"{o.expr} parameters device", o.device))
        if story is not None:
            f.values.update(story.values)
            f.facts |= story.facts
            f.hints.update(story.hints)
            f.confidence = "high" if stray or story.hints.get("made") else "medium"
            from .device_cache import cached_across
            cached_across(ctx, f)
        else:
            f.facts.add("odd-operand")
            if not stray:  # only the message names the other device: say what it means in general
                f.facts.add(TWO_DEVICES)
                if len(devs) >= 2:
                    f.values.update(dev_a=devs[0], dev_b=devs[1])
            f.confidence = "medium"
            stray_t = [o.tensor for o in stray if o.tensor is not None]
            main_t = [o.tensor for o in ops if o not in stray and o.tensor is not None]
            apart = device_named_apart(fr, stray_t, main_t) or device_left_out(fr, stray_t, main_t)
            if apart is not None:
                f.merge(apart)
        f.hints.update(frame=fr, stray=[o.tensor for o in stray if o.tensor is not None])
        return f
    return None


ODD_OPERAND = fact("odd-operand", "an operand of the failing line sits on another device than the rest, and where "
                                  "it was made was not found")


@analyzer("cuda-assert")
def cuda_assert(ctx: Context) -> Finding | None:
    from .cuda import device_assert
    return device_assert(ctx)
