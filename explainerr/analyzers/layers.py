"""Analyzers for layer sizes: a Linear whose in_features differs from the hidden size fed to it."""
from __future__ import annotations

import re

from ..facts import Context
from . import Finding, analyzer, evidence, value_evidence


@analyzer("linear-in-features-differ")
def linear_in_features(ctx: Context) -> Finding | None:
    g = ctx.groups
    try:
        _, got, want, out = int(g["m1r"]), int(g["m1c"]), int(g["m2r"]), int(g["m2c"])
    except (KeyError, ValueError):
        return None
    linear = next((m for m in ctx.raising_modules() if m.cls == "Linear"), None)
    if linear is not None and linear.attrs.get("in_features") not in (None, want):
        return None
    name = str(linear.attrs.get("name")) if linear and linear.attrs.get("name") else None
    frame = ctx.user
    inp = None
    if frame is not None and frame.call_args:
        arg = frame.call_args[0].text
        inp = frame.tensor(arg) or next((t for t in frame.tensors if t.expr == arg), None)
        if name is None:
            m = re.search(r"(\w+)\s*\($", (frame.node or "").split("(")[0] + "(")
            name = m.group(1) if m else None
    f = Finding()
    f.values.update(layer=f"self.{name}" if name else "the Linear layer", layer_name=name or "linear",
                    in_features=want, hidden=got, out_features=out,
                    input=inp.expr if inp else (frame.call_args[0].text if frame and frame.call_args else "its input"))
    e = evidence(inp)
    if e:
        f.evidence.append(e)
    f.evidence.append(value_evidence(f"{f.values['layer']}.in_features", want))
    f.hints.update(layer_name=name, in_features=want, hidden=got)
    return f
