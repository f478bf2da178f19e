"""Fixes for masks: a mask built for another length than the inputs, a mask of the wrong dtype."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..analyzers import Finding
from ..facts import Context
from ..model import Edit
from . import (
    Located,
    at_use_site,
    edits_of,
    failing_statement,
    find_expr,
    locator,
    statement_of,
    strip_cast,
)


@locator("mask-length")
def mask_length(ctx: Context, f: Finding) -> Located:
    """The batch's own mask in the call, else the constant that sized the mask, else a slice of the (longer)
    mask to the inputs' length where it is used."""
    if f.hints.get("mask_arg") is not None:
        found = _same_batch_mask(ctx, f)
        if found:
            return found, None
    found = _mask_construction(ctx, f)
    return (found, None) if found else (_mask_slice(ctx, f), None)


def _same_batch_mask(ctx: Context, f: Finding) -> list[Edit]:
    """`model(input_ids=enc.input_ids, attention_mask=full.attention_mask[i:j])` → `enc.attention_mask`."""
    mask, oarg = f.hints["mask"], f.hints.get("other_arg")
    frame = ctx.frames[mask.frame]
    if oarg is None:
        return []
    m = re.fullmatch(r"(.+?)(\.input_ids|\[[\"']input_ids[\"']\])", oarg.text.strip())
    if m is None:
        return []
    root = m.group(1)
    own = frame.tensor(f'{root}["attention_mask"]') or frame.tensor(f"{root}.attention_mask")
    if own is None or not own.shape or own.shape[-1] != f.hints.get("other_len"):
        return []
    text = f"{root}.attention_mask" if m.group(2).startswith(".") else f'{root}["attention_mask"]'
    found = failing_statement(frame)
    node = find_expr(frame.file, found[1], f.hints["mask_arg"].text) if found else None
    if node is None:
        return []
    return edits_of(src.LineEditor.for_node(frame.file, found[1]).replace(node, text))


def _mask_slice(ctx: Context, f: Finding) -> list[Edit]:
    """A mask longer than the inputs (padded to a fixed or a dataset-wide length) cut to their length
    where it is used: its extra columns are padding."""
    mask, other = f.hints.get("mask"), f.hints.get("other")
    other_len, mask_len = f.hints.get("other_len"), f.hints.get("mask_len")
    if mask is None or other is None or not isinstance(mask_len, int) or not isinstance(other_len, int):
        return []
    if mask_len <= other_len or other_len not in other.shape or mask.shape[-1:] != (mask_len,):
        return []
    frame = ctx.frames[mask.frame]
    found = failing_statement(frame)
    if found is None:
        return []
    stmt = found[1]
    length = f"{other.expr}.size({other.shape.index(other_len)})"
    if mask.expr.isidentifier() and frame.index == ctx.report.user_frame and frame.tensor(other.expr) is not None:
        made = src.insert_before(frame.file, stmt, f"{mask.expr} = {mask.expr}[..., :{length}]")
        return [made] if made else []
    node = find_expr(frame.file, stmt, mask.expr)
    if node is None:
        return []
    return edits_of(src.LineEditor.for_node(frame.file, stmt).replace(node, f"{mask.expr}[..., :{length}]"))


def _mask_construction(ctx: Context, f: Finding) -> list[Edit]:
    outer = f.hints.get("mask_outer")
    other_len, mask_len = f.hints.get("other_len"), f.hints.get("mask_len")
    if outer is None:
        return []
    frame = ctx.frames[outer.frame]
    tree = src.tree_of(frame.file)
    if tree is None:
        return []
    name = re.split(r"[\[.]", outer.expr, maxsplit=1)[0]
    a = src.last_assignment(tree, name, frame.line)
    if a is None:
        return []
    sized = [t for t in frame.tensors if other_len in t.shape and t.expr.isidentifier() and t.ident != outer.ident]
    sized.sort(key=lambda t: (not t.is_integer, len(t.shape)))
    if not sized:
        return []
    length = f"{sized[0].expr}.size({sized[0].shape.index(other_len)})"
    consts = set(f.hints.get("consts") or [])
    e = src.LineEditor.for_node(frame.file, a.stmt)
    hits = [n for n in ast.walk(a.value) if (isinstance(n, ast.Name) and n.id in consts)
            or (isinstance(n, ast.Constant) and n.value == mask_len and type(n.value) is int)]
    if hits:
        for h in hits:
            e.replace(h, length)
        return edits_of(e)
    if isinstance(a.value, ast.Call) and isinstance(a.value.func, ast.Name):
        fn = next((d for d in ast.walk(tree) if isinstance(d, ast.FunctionDef) and d.name == a.value.func.id), None)
        if fn is not None:
            params = fn.args.args
            defaults = dict(zip([p.arg for p in params][len(params) - len(fn.args.defaults):], fn.args.defaults))
            for p, d in defaults.items():
                if (isinstance(d, ast.Name) and d.id in consts) or (isinstance(d, ast.Constant) and d.value == mask_len):
                    if src.keyword(a.value, p) is None:
                        e.add_keywords(a.value, f"{p}={length}")
                        return edits_of(e)
    return []


@locator("mask-bool")
def mask_bool(ctx: Context, f: Finding) -> Located:
    origin, mask = f.hints.get("origin"), f.hints.get("mask")
    if origin is not None and origin[2] is not None:
        frame, _, node = origin
        inner = strip_cast(frame.file, node)
        stmt = statement_of(frame, node)
        if stmt is not None:
            new = inner if inner is not None else f"({src.segment(frame.file, node)}).bool()"
            return edits_of(src.LineEditor.for_node(frame.file, stmt).replace(node, new)), None
    return at_use_site(ctx, mask, "{}.bool()")
