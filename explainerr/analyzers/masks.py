"""Analyzers for masks: a mask whose length differs from the tensor it masks, a mask that is not bool."""
from __future__ import annotations

import re
from dataclasses import replace

from ..facts import Context, dtype_text
from ..model import TensorFacts
from . import Finding, analyzer, evidence
from .lengths import _sizes

_MASKY = re.compile(r"mask", re.I)


_NOT_MASK = re.compile(r"type|ids\b|label|target|position", re.I)
MASK_PARAMS = ("attention_mask", "mask", "attn_mask", "key_padding_mask", "src_key_padding_mask",
               "padding_mask", "encoder_attention_mask")
INPUT_PARAMS = ("input_ids", "inputs_embeds", "hidden_states", "input", "x", "src", "query", "inputs")


def _is_mask(t: TensorFacts) -> bool:
    if _MASKY.search(t.expr):
        return True
    return t.dtype == "torch.bool" or (
        t.is_integer and t.min is not None and t.min >= 0 and t.max is not None and t.max <= 1 and t.numel > 1
        and not _NOT_MASK.search(t.expr))


@analyzer("mask-length-differs")
def mask_length_differs(ctx: Context) -> Finding | None:
    sizes = _sizes(ctx)
    if sizes is None:
        return None
    a, b = sizes
    frame = ctx.user
    if frame is None:
        return None
    passed = _mask_passed_to_library(ctx, frame, sizes)
    if passed is not None:
        return passed
    in_node = ctx.tensors_in_node(frame) or list(frame.tensors)
    masks = [t for t in in_node if _is_mask(t) and t.shape and (a in t.shape or b in t.shape)]
    if not masks:
        # raised inside a library (e.g. a transformers attention): a mask the user passed with another length
        lib_mask = ctx.library_tensor("attention_mask", "mask", "attn_mask", "key_padding_mask")
        u = ctx.user_name(lib_mask) if lib_mask is not None else None
        masks = [u] if u is not None else [t for t in frame.tensors if _MASKY.search(t.expr) and t.shape]
    for mask in masks:
        mask_len = mask.shape[-1]
        if mask_len not in sizes:
            continue
        other_len = b if mask_len == a else a
        others = [t for t in (in_node + list(frame.tensors)) if t is not mask and not _is_mask(t)
                  and other_len in t.shape]
        if not others:
            continue
        other = others[0]
        f = Finding()
        named = ctx.all_user_names(mask)
        outer = named[-1] if named else mask
        f.values.update(mask=mask.expr, mask_len=mask_len, other=other.expr, other_len=other_len,
                        dim=ctx.groups.get("dim", "?"), mask_outer=outer.expr)
        consts = [c for c in ctx.scalar_names(mask_len) if c.isupper() or "len" in c.lower()]
        f.values["const"] = f" `{mask.expr}` has the fixed width {mask_len} = `{consts[0]}`." if consts else ""
        f.values["also"] = f" (`{outer.expr}` where it was built)" if outer.expr != mask.expr else ""
        for t in (mask, other):
            e = evidence(t)
            if e:
                f.evidence.append(e)
        f.hints.update(mask=mask, mask_outer=outer, other=other, other_len=other_len, mask_len=mask_len,
                       consts=consts)
        return f
    return None


def _mask_passed_to_library(ctx: Context, frame, sizes: tuple[int, int]) -> Finding | None:
    """The user's call passed a mask (`attention_mask=...`) that a library combined with inputs of another
    length: the mask and the inputs are named by the call's own argument text."""
    if not ctx.raise_frames() or not frame.call_args:
        return None
    lib_mask = ctx.library_tensor(*MASK_PARAMS)
    if lib_mask is None or not lib_mask.shape or lib_mask.shape[-1] not in sizes:
        return None
    arg, base = ctx.call_arg_tensor(frame, MASK_PARAMS)
    if arg is None:
        return None
    mask_len = lib_mask.shape[-1]
    other_len = sizes[1] if mask_len == sizes[0] else sizes[0]
    oarg, obase = ctx.call_arg_tensor(frame, INPUT_PARAMS)
    if obase is None or other_len not in obase.shape:
        obase = next((t for t in frame.tensors if t.shape and t.shape[-1] == other_len and not _is_mask(t)
                      and t.is_integer), None)
        oarg = None
    if obase is None:
        return None
    mask = replace(base or lib_mask, expr=arg.text, frame=frame.index)
    other = replace(obase, expr=oarg.text, frame=frame.index) if oarg is not None else obase
    f = Finding()
    f.values.update(mask=mask.expr, mask_len=mask_len, other=other.expr, other_len=other_len,
                    dim=ctx.groups.get("dim", "?"), mask_outer=mask.expr, also="", const="")
    consts = [c for c in ctx.scalar_names(mask_len) if c.isupper() or "len" in c.lower()]
    if consts:
        f.values["const"] = f" `{mask.expr}` has the fixed width {mask_len} = `{consts[0]}`."
    for t in (mask, other):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    f.hints.update(mask=mask, mask_outer=mask, other=other, other_len=other_len, mask_len=mask_len,
                   consts=consts, mask_arg=arg, other_arg=oarg, other_base=obase)
    return f


@analyzer("non-bool-mask")
def non_bool_mask(ctx: Context) -> Finding | None:
    frame = ctx.user
    if frame is None:
        return None
    mask: TensorFacts | None = None
    lib = ctx.library_tensor("mask", "condition", "attn_mask")
    if lib is not None and lib.dtype != "torch.bool":
        mask = ctx.user_name(lib)
    if mask is None:
        node = frame.node or frame.statement or ""
        m = re.search(r"(?:masked_fill_?|masked_select|masked_scatter_?|where)\s*\(\s*([\w.\[\]\"']+)", node)
        if m:
            mask = frame.tensor(m.group(1))
        if mask is None:
            mask = next((t for t in ctx.tensors_in_node(frame) if t.dtype != "torch.bool"
                         and re.search(r"mask|cond", t.expr, re.I)), None)
    if mask is None or mask.dtype == "torch.bool":
        return None
    op = re.search(r"(masked_fill_?|masked_select|masked_scatter_?|where|scaled_dot_product_attention)",
                   (frame.node or "") + ctx.message)
    f = Finding()
    origin = ctx.origin(mask.expr, ctx.frames[mask.frame])
    f.values.update(mask=mask.expr, dtype=dtype_text(mask.dtype), op=op.group(1) if op else "the call",
                    origin=f" It was made by `{origin[1]}`." if origin and origin[1] != mask.expr else "")
    e = evidence(mask)
    if e:
        f.evidence.append(e)
    f.hints.update(mask=mask, origin=origin)
    return f
