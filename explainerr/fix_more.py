"""Locators for labels, layer sizes and devices (the rest of fix.py's registry)."""
from __future__ import annotations

import ast
import re

from . import source as src
from .analyzers import Finding
from .facts import Context
from .fix import Located, _edit, _find, _stmt, locator
from .model import FrameFacts


def _loss_frame(ctx: Context, expr: str | None) -> FrameFacts | None:
    """The innermost user frame whose failing statement mentions `expr`."""
    for fr in ctx.user_frames():
        if expr and expr in (fr.statement or fr.source):
            return fr
    return ctx.user


@locator("label-length")
def label_length(ctx: Context, f: Finding) -> Located:
    labels = f.hints.get("labels")
    if "one-hot" in f.variants and labels is not None:
        fr = _loss_frame(ctx, labels.expr)
        found = _stmt(fr) if fr else None
        if fr is None or found is None:
            return [], None
        _, stmt = found
        e = src.LineEditor.for_node(fr.file, stmt)
        for n in ast.walk(stmt):
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("view", "reshape",
                                                                                                 "flatten")
                    and src.segment(fr.file, n.func.value) == labels.expr):
                e.replace(n, f"{labels.expr}.argmax(dim=-1)")
                return _edit(e), None
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
    fr = _loss_frame(ctx, labels.expr)
    found = _stmt(fr) if fr else None
    if fr is None or found is None:
        return []
    stmt = found[1]
    e = src.LineEditor.for_node(fr.file, stmt)
    for n in ast.walk(stmt):
        if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "view"
                and src.segment(fr.file, n.func.value) == labels.expr):
            args = ", ".join(src.segment(fr.file, a) for a in n.args)
            e.replace(n, f"{text}.reshape({args})")
            return _edit(e)
    node = _find(fr.file, stmt, labels.expr)
    if node is None:
        return []
    e.replace(node, text)
    return _edit(e)


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
                return _edit(src.LineEditor.for_node(file, a).replace(a.value, new)), None
    return [], None


@locator("class-dim")
def class_dim(ctx: Context, f: Finding) -> Located:
    logits = f.hints.get("logits")
    if logits is None:
        return [], None
    fr = _loss_frame(ctx, logits.expr)
    found = _stmt(fr) if fr else None
    if fr is None or found is None:
        return [], None
    node = _find(fr.file, found[1], logits.expr)
    if node is None:
        return [], None
    return _edit(src.LineEditor.for_node(fr.file, found[1]).replace(node, f"{logits.expr}.transpose(1, 2)")), None


@locator("label-range")
def label_range(ctx: Context, f: Finding) -> Located:
    labels = f.hints.get("labels")
    variants = f.variants
    if "one-based" in variants and labels is not None:
        fr = _loss_frame(ctx, labels.expr)
        found = _stmt(fr) if fr else None
        if fr is not None and found is not None:
            node = _find(fr.file, found[1], labels.expr)
            if node is not None:
                return _edit(src.LineEditor.for_node(fr.file, found[1]).replace(node, f"{labels.expr} - 1")), None
    if "negative" in variants:
        target = f.hints.get("target")
        for fr in ctx.user_frames():
            found = _stmt(fr)
            if found is None:
                continue
            for call in src.calls(found[1]):
                name = src.call_name(call)
                if re.search(r"cross_entropy|nll_loss|loss", name, re.I) and src.keyword(call, "ignore_index") is None:
                    return _edit(src.LineEditor.for_node(fr.file, found[1]).add_keywords(
                        call, f"ignore_index={target}")), None
        # the loss is inside the library (a transformers model given `labels=`): the marker constant → -100
        for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
            tree = src.tree_of(file)
            for a in tree.body if tree is not None else []:
                if (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                        and isinstance(a.value, ast.UnaryOp) and isinstance(a.value.op, ast.USub)
                        and isinstance(a.value.operand, ast.Constant) and -a.value.operand.value == target):
                    return _edit(src.LineEditor.for_node(file, a).replace(a.value, "-100")), None
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
                    return _edit(src.LineEditor.for_node(file, call).replace(kw.value, str(need))), None
            for a in tree.body:
                if (isinstance(a, ast.Assign) and isinstance(a.value, ast.Constant) and a.value.value == n
                        and isinstance(a.targets[0], ast.Name) and re.search(r"class|label", a.targets[0].id, re.I)):
                    return _edit(src.LineEditor.for_node(file, a).replace(a.value, str(need))), None
    return [], None


@locator("linear-in")
def linear_in(ctx: Context, f: Finding) -> Located:
    name, want, hidden = f.hints.get("layer_name"), f.hints.get("in_features"), f.hints.get("hidden")
    if not name:
        return [], None
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    and src.call_name(node.value).endswith("Linear") and node.value.args):
                continue
            if not any(src.segment(fr.file, t) == f"self.{name}" for t in node.targets):
                continue
            init = src.enclosing_scope(tree, node.lineno)
            replacement = str(hidden)
            # the encoder handed to __init__: `self.bert = bert` whose config has the real hidden size
            cfg_owner = _config_source(fr, init, hidden)
            if cfg_owner:
                replacement = cfg_owner
            return _edit(src.LineEditor.for_node(fr.file, node).replace(node.value.args[0], replacement)), None
    return [], None


def _config_source(fr: FrameFacts, init: ast.AST, hidden: object) -> str | None:
    if not isinstance(init, ast.FunctionDef):
        return None
    params = {a.arg for a in init.args.args}
    for n in ast.walk(init):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name) and n.value.id in params:
            for t in n.targets:
                if isinstance(t, ast.Attribute):
                    m = next((m for m in fr.modules if m.expr == f"self.{t.attr}"), None)
                    if m is not None and m.config.get("hidden_size") == hidden:
                        return f"{n.value.id}.config.hidden_size"
    if "config" in params:
        return "config.hidden_size"
    return None


@locator("to-device")
def to_device(ctx: Context, f: Finding) -> Located:
    if "attribute" in f.variants:
        return _register_buffer(ctx, f), None
    root, frame, target = f.hints.get("root"), f.hints.get("frame"), f.hints.get("target")
    if not root or frame is None:
        return [], None
    stray = f.hints.get("stray") or []
    is_mapping = any(t.expr.startswith(f'{root}["') for t in stray)
    tree = src.tree_of(frame.file)
    a = src.last_assignment(tree, root, frame.line) if tree else None
    if a is not None and isinstance(a.stmt, ast.Assign) and a.value is a.stmt.value:
        rhs = src.segment(frame.file, a.value)
        new = (f"{{k: v.to({target}) for k, v in {rhs}.items()}}" if is_mapping else f"{rhs}.to({target})")
        return _edit(src.LineEditor.for_node(frame.file, a.stmt).replace(a.value, new)), None
    # a loop variable or a parameter: move it right before the failing call
    found = _stmt(frame)
    if found is None or not root.isidentifier():
        return [], None
    names = [root] + [t.expr for t in stray if t.expr.isidentifier() and t.expr != root]
    if tree is not None:  # the rest of the batch unpacked by the same loop goes along (labels too)
        device = stray[0].device if stray else None
        for loop in src.enclosing_loops(tree, frame.line):
            targets = src.names_in(loop.target)
            if root in targets:
                names += [t.expr for t in frame.tensors if t.expr in targets and t.device == device]
    moves = [f"{n} = {{k: v.to({target}) for k, v in {n}.items()}}" if any(
        t.expr.startswith(f'{n}["') for t in stray) else f"{n} = {n}.to({target})" for n in dict.fromkeys(names)]
    e = src.insert_before(frame.file, found[1], "; ".join(moves))
    return ([e] if e else []), None


def _register_buffer(ctx: Context, f: Finding) -> list:
    """`self.pe = pe` in the module's class → `self.register_buffer("pe", pe)`."""
    frame, attr = f.hints.get("frame"), f.hints.get("attribute")
    tree = src.tree_of(frame.file) if frame is not None else None
    cls = src.enclosing_class(tree, frame.line) if tree is not None else None
    if cls is None:
        return []
    for n in ast.walk(cls):
        if (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Attribute)
                and n.targets[0].attr == attr and isinstance(n.targets[0].value, ast.Name)
                and n.targets[0].value.id == "self"):
            value = src.segment(frame.file, n.value)
            return _edit(src.LineEditor.for_node(frame.file, n).replace(n, f'self.register_buffer("{attr}", {value})'))
    return []
