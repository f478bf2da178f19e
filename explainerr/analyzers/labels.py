"""Analyzers for labels: labels and logits of different lengths, class scores outside dimension 1, class ids
the classifier does not have."""
from __future__ import annotations

import re

from .. import source as src
from ..facts import Context, shape_text
from ..model import TensorFacts
from . import Finding, analyzer, evidence, value_evidence

_LABELY = re.compile(r"label|target|tag|\by\b|gold", re.I)


@analyzer("labels-vs-logits")
def labels_vs_logits(ctx: Context) -> Finding | None:
    a, b = ctx.int_group("a"), ctx.int_group("b")
    if a is None or b is None or a == b:
        return None
    lib_input, lib_target = ctx.library_tensor("input"), ctx.library_tensor("target")
    users = [t for fr in ctx.user_frames() for t in fr.tensors]
    logits = ctx.user_name(lib_input) if lib_input is not None else None
    labels = ctx.user_name(lib_target) if lib_target is not None else None
    if (logits is None or labels is None) and ctx.user is not None and len(ctx.user.call_args) >= 2:
        # the loss call's own arguments, seen through `.view(-1)`, `.reshape(...)`, `.flatten()`
        a_in, a_tg = (_tensor_before_reshape(ctx.user, a.text) for a in ctx.user.call_args[:2])
        if logits is None and a_in is not None and a_in.is_float and a_in.numel and a_in.shape[-1] and (
                a_in.numel // a_in.shape[-1] == a):
            logits = a_in
        if labels is None and a_tg is not None and a_tg.numel == b:
            labels = a_tg
    if labels is None:
        cands = [t for t in users if _LABELY.search(t.expr) and t.numel in (b,) or (
            _LABELY.search(t.expr) and t.shape and t.shape[0] * (t.shape[1] if len(t.shape) > 1 else 1) == b)]
        labels = cands[0] if cands else None
    if logits is None:
        cands = [t for t in users if t.is_float and t.shape and (t.shape[0] == a or
                                                                  (len(t.shape) == 3 and t.shape[0] * t.shape[1] == a))]
        logits = cands[0] if cands else None
    f = Finding()
    f.values.update(n_logits=a, n_labels=b, labels=labels.expr if labels else "the labels",
                    logits=logits.expr if logits else "the logits")
    for t in (logits, labels):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    n_classes = lib_input.shape[-1] if lib_input is not None and lib_input.shape else None
    if (labels is not None and len(labels.shape) == 2 and n_classes and labels.shape[-1] == n_classes
            and labels.shape[0] == a and labels.min is not None and labels.min >= 0 and (labels.max or 0) <= 1):
        f.facts.add("one-hot")
        f.values["n_classes"] = n_classes
    elif labels is not None and len(labels.shape) == 2 and a != b:
        ids = next((t for t in users if re.search(r"input_ids|ids\b", t.expr) and len(t.shape) == 2
                    and t.shape[0] == labels.shape[0]), None)
        if ids is not None and ids.shape[1] != labels.shape[1]:
            f.facts.add("sequence")
            f.values.update(ids=ids.expr, seq_ids=ids.shape[1], seq_labels=labels.shape[1])
            e = evidence(ids)
            if e:
                f.evidence.append(e)
    if (labels is not None and logits is not None and len(labels.shape) == 2 and len(logits.shape) == 3
            and labels.shape[0] == logits.shape[0] and labels.shape[1] != logits.shape[1]):
        kind = None
        if labels.shape[1] == logits.shape[1] + 1 and _fed_without_last(ctx, labels.expr):
            kind = "shifted"
        elif labels.shape[1] > logits.shape[1] and labels.min is not None and labels.min < 0:
            kind = "padded"
        if kind:
            f.variants[:] = [kind]
            f.values.update(seq_logits=logits.shape[1], seq_labels=labels.shape[1], pad_label=labels.min)
    f.hints.update(labels=labels, logits=logits)
    return f


def _fed_without_last(ctx: Context, expr: str) -> bool:
    """Whether a user function that the error passed through feeds `expr[:, :-1]` (a decoder's input)."""
    fed = re.compile(rf"(?<![\w.]){re.escape(expr)}\s*\[\s*:\s*,\s*:\s*-\s*1\s*\]")
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        scope = src.enclosing_scope(tree, fr.line) if tree is not None else None
        if scope is not None and scope is not tree and fed.search(src.segment(fr.file, scope)):
            return True
    return False


_RESHAPE = re.compile(r"\s*\.\s*(view|reshape|flatten|contiguous|long|float)\s*\([^()]*(\([^()]*\)[^()]*)*\)\s*$")


def _tensor_before_reshape(frame, text: str) -> TensorFacts | None:
    """The frame's tensor behind an argument such as `tgt.reshape(-1)` or `batch["labels"].view(-1)`."""
    base = text.strip()
    while True:
        stripped = _RESHAPE.sub("", base)
        if stripped == base:
            break
        base = stripped
    return frame.tensor(base) or frame.tensor(base.replace("'", '"'))  # `enc.labels` finds `enc["labels"]`


@analyzer("classes-not-in-dim-1")
def classes_not_in_dim_1(ctx: Context) -> Finding | None:
    logits = ctx.library_tensor("input")
    target = ctx.library_tensor("target")
    if logits is None or len(logits.shape) != 3 or target is None or len(target.shape) != 2:
        return None
    if logits.shape[:2] != target.shape:
        return None
    ul, ut = ctx.user_name(logits), ctx.user_name(target)
    f = Finding()
    f.values.update(logits=ul.expr if ul else "logits", labels=ut.expr if ut else "labels",
                    logits_shape=shape_text(logits.shape), labels_shape=shape_text(target.shape),
                    n_classes=logits.shape[2])
    for t in (ul or logits, ut or target):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    f.hints.update(logits=ul, labels=ut)
    return f


@analyzer("label-exceeds-classes")
def label_out_of_range(ctx: Context) -> Finding | None:
    target = ctx.int_group("target")
    logits = ctx.library_tensor("input")
    lib_target = ctx.library_tensor("target")
    if logits is None or len(logits.shape) < 2:
        return None
    n_classes = logits.shape[1]
    labels = ctx.user_name(lib_target) if lib_target is not None else None
    if labels is None:
        cands = [t for f in ctx.user_frames() for t in f.tensors
                 if t.is_integer and t.max is not None and (t.max == target or t.min == target)
                 and re.search(r"label|target|tag|class|y\b", t.expr, re.I)]
        labels = cands[0] if cands else None
    lo = labels.min if labels else (lib_target.min if lib_target else None)
    hi = labels.max if labels else (lib_target.max if lib_target else None)
    f = Finding()
    f.values.update(target=target, n_classes=n_classes, last_class=n_classes - 1,
                    labels=labels.expr if labels else "the labels",
                    min_label=lo if lo is not None else "?", max_label=hi if hi is not None else "?")
    consts = ctx.scalar_names(n_classes)
    if not consts and ctx.config().get("num_labels") == n_classes:
        consts = ["num_labels"]  # a transformers model: the config's count of classes
    f.values["classes_name"] = consts[0] if consts else str(n_classes)
    f.values["classes_ref"] = f" (`{consts[0]}` = {n_classes})" if consts else ""
    e = evidence(labels, note=f"labels {lo}..{hi}" if lo is not None else None)
    if e:
        f.evidence.append(e)
    f.evidence.append(value_evidence("number of classes (logits.shape[1])", n_classes))
    if target is not None and target < 0:
        f.facts.add("negative")
    elif lo is not None and lo >= 1 and hi == n_classes:
        f.facts.add("one-based")
    else:
        f.facts.add("too-few-classes")
    f.hints.update(labels=labels, n_classes=n_classes, max_label=hi, target=target)
    return f
