"""Fixes for dtypes: a float index made integer where its dtype was decided (the constructor that defaulted
to a float dtype gets `dtype=`; the legacy `torch.Tensor(data)` becomes `torch.tensor(data, dtype=...)`), else `.long()` where it was assigned, else where it is used."""
from __future__ import annotations

import ast
from typing import Any

from .. import source as src
from ..analyzers import Finding
from ..facts import Context
from . import Located, at_use_site, edits_of, locator, statement_of


@locator("index-long")
def index_long(ctx: Context, f: Finding) -> Located:
    made = f.hints.get("made")
    if made:
        file, stmt, call = made
        editor = src.LineEditor.for_node(file, stmt)
        if "legacy-constructor" in f.facts:  # torch.Tensor takes no dtype=: torch.tensor does
            if len(call.args) != 1 or call.keywords or isinstance(call.args[0], ast.Constant):
                return [], None
            editor.replace(call, f"torch.tensor({src.segment(file, call.args[0])}, dtype={f.values['int_dtype']})")
        else:
            editor.add_keywords(call, f"dtype={f.values['int_dtype']}")
        e = edits_of(editor)
        if e:
            f.facts.add("edit-dtype")
            return e, None
    editors: dict[tuple[str, int], src.LineEditor] = {}
    use_site: list[Any] = []
    for t in f.hints.get("tensors") or []:
        origin = ctx.origin(t.expr, ctx.frames[t.frame])
        stmt = statement_of(origin[0], origin[2]) if origin is not None and origin[2] is not None else None
        if origin is None or stmt is None or not isinstance(stmt, ast.Assign):
            use_site.append(t)
            continue
        frame, text, node = origin
        key = (frame.file, stmt.lineno)
        editor = editors.setdefault(key, src.LineEditor.for_node(frame.file, stmt))
        simple = isinstance(node, (ast.Name, ast.Subscript, ast.Attribute, ast.Call))
        editor.replace(node, f"{text}.long()" if simple else f"({text}).long()")
    edits = [e for ed in editors.values() for e in edits_of(ed)]
    for t in use_site:
        edits += at_use_site(ctx, t, "{}.long()")[0]
    return edits, None
