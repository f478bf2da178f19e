"""Fixes for labels: label and logit lengths that differ, class scores in the wrong dimension, class ids
that the classifier does not have."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..analyzers import Finding
from ..facts import Context
from . import Located, edits_of, failing_statement, find_expr, locator, loss_frame


@locator("label-length")
def label_length(ctx: Context, f: Finding) -> Located:
    labels = f.hints.get("labels")
    if "one-hot" in f.variants and labels is not None:
        fr = loss_frame(ctx, labels.expr)
        found = failing_statement(fr) if fr else None
        if fr is None or found is None:
            return [], None
        _, stmt = found
        e = src.LineEditor.for_node(fr.file, stmt)
        for n in ast.walk(stmt):
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("view", "reshape",
                                                                                                 "flatten")
                    and src.segment(fr.file, n.func.value) == labels.expr):
                e.replace(n, f"{labels.expr}.argmax(dim=-1)")
                return edits_of(e), None
        return [], None
    if labels is not None and len(labels.shape) == 2:
        for make in (_shifted_targets, _padded_labels):
            edits = make(ctx, f)
            if edits:
                return edits, None
    if "sequence" in f.variants:
        return _align_word_labels(ctx, f)
    return [], None


def _replace_labels(ctx: Context, labels, text: str) -> list:
    """Rewrite `labels` in the loss statement as `text`; a following `.view(...)` becomes `.reshape(...)`
    because a slice is not contiguous."""
    fr = loss_frame(ctx, labels.expr)
    found = failing_statement(fr) if fr else None
    if fr is None or found is None:
        return []
    stmt = found[1]
    e = src.LineEditor.for_node(fr.file, stmt)
    for n in ast.walk(stmt):
        if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "view"
                and src.segment(fr.file, n.func.value) == labels.expr):
            args = ", ".join(src.segment(fr.file, a) for a in n.args)
            e.replace(n, f"{text}.reshape({args})")
            return edits_of(e)
    node = find_expr(fr.file, stmt, labels.expr)
    if node is None:
        return []
    e.replace(node, text)
    return edits_of(e)


def _shifted_targets(ctx: Context, f: Finding) -> list:
    """Teacher forcing: the decoder was fed `tgt[:, :-1]`, so the loss must compare with `tgt[:, 1:]`."""
    if "shifted" not in f.variants:
        return []
    labels = f.hints["labels"]
    return _replace_labels(ctx, labels, f"{labels.expr}[:, 1:]")


def _padded_labels(ctx: Context, f: Finding) -> list:
    """Labels padded (with a negative ignore index) to a fixed length longer than the batch's sequence:
    cut them to the logits' length; the cut columns are padding."""
    labels, logits = f.hints.get("labels"), f.hints.get("logits")
    if "padded" not in f.variants:
        return []
    return _replace_labels(ctx, labels, f"{labels.expr}[:, :{logits.expr}.size(1)]")


def _align_word_labels(ctx: Context, f: Finding) -> Located:
    """Word-level labels beside an `is_split_into_words` encoding: rebuild them per token from the
    encoding's `word_ids(i)` (-100 for special tokens and padding, which the loss ignores)."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for call in src.calls(tree):
            kw = src.keyword(call, "is_split_into_words")
            if kw is None:
                continue
            scope = src.enclosing_scope(tree, call.lineno)
            enc = None
            for a in src.walk_scope(scope):
                if isinstance(a, ast.Assign) and a.value is call and isinstance(a.targets[0], ast.Name):
                    enc = a.targets[0].id
            if enc is None:
                continue
            for a in src.walk_scope(scope):
                if not (isinstance(a, ast.Assign) and isinstance(a.targets[0], ast.Name)
                        and re.search(r"label|tag", a.targets[0].id, re.I) and a.lineno > call.lineno):
                    continue
                called = {id(c.func) for c in ast.walk(a.value) if isinstance(c, ast.Call)}
                words = [n.id for n in ast.walk(a.value) if isinstance(n, ast.Name) and id(n) not in called
                         and n.id != a.targets[0].id]
                words.sort(key=lambda w: not re.search(r"label|tag", w, re.I))
                if not words or not re.search(r"label|tag", words[0], re.I):
                    continue
                tags = words[0]
                fills = [n for n in ast.walk(a.value) if isinstance(n, ast.Constant) and not isinstance(n.value, bool)
                         and (isinstance(n.value, str) or (isinstance(n.value, int) and n.value < 0))]
                filler = repr(fills[0].value) if fills else "-100"
                ids = next((t for fr in ctx.user_frames() for t in fr.tensors
                            if t.expr in (f'{enc}["input_ids"]', f"{enc}.input_ids")), None)
                batched = (ids.shape[0] > 1) if ids is not None and ids.shape else (
                    src.keyword(call, "padding") is not None)
                if not batched:  # one sentence: one label per word piece
                    new = f"[{filler} if w is None else {tags}[w] for w in {enc}.word_ids()]"
                else:
                    new = (f"[[{filler} if w is None else {tags}[i][w] for w in {enc}.word_ids(i)] "
                           f"for i in range(len({tags}))]")
                    makes_tensor = any(isinstance(c, ast.Call) and re.search(r"torch|pad_sequence|tensor",
                                                                            src.call_name(c)) for c in ast.walk(a.value))
                    if makes_tensor and re.search(r"^\s*import torch\b", src.text_of(file), re.M):
                        new = f"torch.tensor({new})"
                return edits_of(src.LineEditor.for_node(file, a).replace(a.value, new)), None
    return [], None


@locator("class-dim")
def class_dim(ctx: Context, f: Finding) -> Located:
    logits = f.hints.get("logits")
    if logits is None:
        return [], None
    fr = loss_frame(ctx, logits.expr)
    found = failing_statement(fr) if fr else None
    if fr is None or found is None:
        return [], None
    node = find_expr(fr.file, found[1], logits.expr)
    if node is None:
        return [], None
    return edits_of(src.LineEditor.for_node(fr.file, found[1]).replace(node, f"{logits.expr}.transpose(1, 2)")), None


@locator("label-range")
def label_range(ctx: Context, f: Finding) -> Located:
    labels = f.hints.get("labels")
    variants = f.variants
    if "one-based" in variants and labels is not None:
        fr = loss_frame(ctx, labels.expr)
        found = failing_statement(fr) if fr else None
        if fr is not None and found is not None:
            node = find_expr(fr.file, found[1], labels.expr)
            if node is not None:
                return edits_of(src.LineEditor.for_node(fr.file, found[1]).replace(node, f"{labels.expr} - 1")), None
    if "negative" in variants:
        target = f.hints.get("target")
        for fr in ctx.user_frames():
            found = failing_statement(fr)
            if found is None:
                continue
            for call in src.calls(found[1]):
                name = src.call_name(call)
                if re.search(r"cross_entropy|nll_loss|loss", name, re.I) and src.keyword(call, "ignore_index") is None:
                    return edits_of(src.LineEditor.for_node(fr.file, found[1]).add_keywords(
                        call, f"ignore_index={target}")), None
        # the loss is inside the library (a transformers model given `labels=`): the marker constant → -100
        for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
            tree = src.tree_of(file)
            for a in tree.body if tree is not None else []:
                if (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                        and isinstance(a.value, ast.UnaryOp) and isinstance(a.value.op, ast.USub)
                        and isinstance(a.value.operand, ast.Constant) and -a.value.operand.value == target):
                    return edits_of(src.LineEditor.for_node(file, a).replace(a.value, "-100")), None
    if "too-few-classes" in variants:
        need = (f.hints.get("max_label") or 0) + 1
        n = f.hints.get("n_classes")
        for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
            tree = src.tree_of(file)
            if tree is None:
                continue
            for call in src.calls(tree):
                kw = src.keyword(call, "num_labels")
                if kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value == n:
                    return edits_of(src.LineEditor.for_node(file, call).replace(kw.value, str(need))), None
            for a in tree.body:
                if (isinstance(a, ast.Assign) and isinstance(a.value, ast.Constant) and a.value.value == n
                        and isinstance(a.targets[0], ast.Name) and re.search(r"class|label", a.targets[0].id, re.I)):
                    return edits_of(src.LineEditor.for_node(file, a).replace(a.value, str(need))), None
    return [], None
