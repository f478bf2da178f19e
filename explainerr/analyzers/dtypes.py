"""Analyzers for dtypes: float tensors used as indices."""
from __future__ import annotations

import ast
import re

from ..facts import Context, dtype_text
from ..model import TensorFacts
from . import Finding, analyzer, evidence


@analyzer("float-index")
def float_index(ctx: Context) -> Finding | None:
    frames = [ctx.user] if ctx.user else []
    lib = ctx.library_tensor("input", "indices", "index")
    candidates: list[TensorFacts] = []
    if lib is not None and not lib.is_integer and lib.dtype != "torch.bool":
        u = ctx.user_name(lib)
        if u is not None:
            candidates.append(u)
    for fr in frames:
        if fr is None:
            continue
        text = fr.statement or fr.node or ""
        index_names = _names_used_as_index(text)
        for t in fr.tensors:
            if t.is_float and t not in candidates and t.expr in index_names:
                candidates.append(t)
    if not candidates:
        return None
    bad = candidates[0]
    f = Finding()
    f.values.update(index=bad.expr, dtype=dtype_text(bad.dtype),
                    others=", ".join(f"`{c.expr}`" for c in candidates[1:]))
    fr = ctx.frames[bad.frame]
    origin = ctx.origin(bad.expr, fr)
    f.values["origin"] = f" It comes from `{origin[1]}`, which is {bad.dtype.replace('torch.', '')}." if origin else ""
    for c in candidates:
        e = evidence(c)
        if e:
            f.evidence.append(e)
    f.hints.update(tensors=candidates, origin=origin)
    return f


def _names_used_as_index(text: str) -> set[str]:
    """Names inside subscript slices, or given as ids to embedding / index_select / gather calls."""
    try:
        tree = ast.parse(text.strip())
    except SyntaxError:
        return set()
    out: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Subscript):
            out.update(x.id for x in ast.walk(n.slice) if isinstance(x, ast.Name))
        elif isinstance(n, ast.Call):
            name = ast.unparse(n.func)
            if re.search(r"emb|index_select|gather|take", name, re.I) and n.args:
                arg = n.args[-1] if re.search(r"index_select|gather", name) else n.args[0]
                out.update(x.id for x in ast.walk(arg) if isinstance(x, ast.Name))
    return out
