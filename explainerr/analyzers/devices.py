"""Analyzers for devices: tensors of one operation on different devices, and CUDA device-side asserts
(where no value may be read at all)."""
from __future__ import annotations

import re

from .. import source as src
from ..facts import Context
from . import Finding, analyzer, evidence, value_evidence

_DEVICES = re.compile(r"\b(cuda(?::\d+)?|cpu|meta|mps|xpu|npu)\b")


@analyzer("tensors-on-two-devices")
def two_devices(ctx: Context) -> Finding | None:
    devs = []
    for d in _DEVICES.findall(ctx.message):
        if d not in devs:
            devs.append(d)
    frames = ctx.user_frames()
    # where data enters a model held in a local (outermost first), then a module's own forward
    passes = [(fr, [m for m in fr.modules if m.device and "." not in m.expr and m.expr != "self"])
              for fr in reversed(frames)]
    passes += [(fr, [m for m in fr.modules if m.device and m.expr == "self"]) for fr in frames]
    for fr, modules in passes:
        inputs = [t for t in ctx.tensors_in_node(fr) if not t.expr.startswith("self.")]
        if not modules or not inputs:
            continue
        for m in modules:
            stray = [t for t in inputs if t.device.split(":")[0] != m.device.split(":")[0]]
            if not stray:
                continue
            f = Finding()
            root = re.split(r"[\[.]", stray[0].expr, maxsplit=1)[0]
            device_names = [k for k, v in fr.scalars.items() if isinstance(v, str) and v == m.device]
            if not device_names:
                device_names = [k for f2 in frames for k, v in f2.scalars.items()
                                if isinstance(v, str) and v == m.device]
            target = device_names[0] if device_names else (
                f"next({m.expr}.parameters()).device" if m.expr != "self" else "next(self.parameters()).device")
            f.values.update(inputs=root, tensors=", ".join(f"`{t.expr}`" for t in stray[:4]),
                            input_device=stray[0].device, model=m.expr, model_device=m.device, target=target)
            for t in stray[:4]:
                e = evidence(t)
                if e:
                    f.evidence.append(e)
            f.evidence.append(value_evidence(f"{m.expr} parameters device", m.device))
            f.facts.add("inputs")
            f.hints.update(root=root, frame=fr, target=target, stray=stray)
            return f
    left = _attribute_left_behind(ctx)
    if left is not None:
        return left
    if len(devs) >= 2:
        f = Finding(confidence="medium")
        f.values.update(inputs="the inputs", tensors="some tensors", input_device=devs[0], model="the model",
                        model_device=devs[1], target=repr(devs[1]))
        f.facts.add("inputs")
        return f
    return None


_MOVE = re.compile(r"\.to\(\s*([A-Za-z_]\w*)\s*\)")


def _attribute_left_behind(ctx: Context) -> Finding | None:
    """A tensor kept as a plain attribute of a module (`self.pe = pe`, not `register_buffer`) stays where it
    was made when the model is moved with `.to(device)`, and meets the moved inputs in `forward`."""
    for fr in ctx.user_frames():
        node = ctx.tensors_in_node(fr)
        attrs = [t for t in node if re.fullmatch(r"self\.\w+", t.expr)]
        others = [t for t in node if not t.expr.startswith("self.")]
        for a in attrs:
            odd = [o for o in others if o.device.split(":")[0] != a.device.split(":")[0]]
            if not odd:
                continue
            tree = src.tree_of(fr.file)
            moved = _MOVE.findall(src.text_of(fr.file)) if tree is not None else []
            target = next((m for m in moved if m.isupper() or "device" in m.lower()), None)
            f = Finding()
            cls = fr.self_class or "the module"
            f.values.update(inputs=a.expr, tensors=f"`{a.expr}`", input_device=a.device, model=cls,
                            model_device=odd[0].device, target=target or f"{odd[0].expr}.device",
                            attribute=a.expr.split(".", 1)[1], moved=f"`.to({target})`" if target else "`.to(device)`")
            f.facts.add("attribute")
            for t in (a, odd[0]):
                e = evidence(t)
                if e:
                    f.evidence.append(e)
            f.hints.update(attribute=f.values["attribute"], frame=fr, target=f.values["target"])
            return f
    return None


@analyzer("cuda-assert")
def cuda_assert(ctx: Context) -> Finding | None:
    f = Finding()
    frames = ctx.raise_frames()
    op = next((fr.function for fr in frames if fr.function not in ("_call_impl", "_wrapped_call_impl")), None)
    f.values["op"] = op or (ctx.user.function if ctx.user else "a CUDA kernel")
    likely = ""
    if any(fr.function == "embedding" for fr in frames):
        likely = (" The failing call is an embedding lookup, so the usual cause is a token id ≥ the table size "
                  "(tokens added without resize_token_embeddings, token_type_ids ≥ type_vocab_size, or a "
                  "sequence longer than max_position_embeddings).")
    elif any(fr.function in ("cross_entropy", "nll_loss") for fr in frames):
        likely = " The failing call is a loss, so the usual cause is a class label ≥ the number of classes."
    f.values["likely"] = likely
    f.evidence.append(value_evidence("failing operation", f.values["op"]))
    return f
