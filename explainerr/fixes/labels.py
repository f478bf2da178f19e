"""Fixes for labels: label and logit lengths that differ, class scores in the wrong dimension, class ids
that the classifier does not have."""
from __future__ import annotations

import ast
import re

from .. import files, source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import assigned_call
from ..analyzers.filtered import filter_like
from ..analyzers.label_sources import labels_maker
from ..analyzers.operands import user_model_name
from ..batches import item_entry
from ..facts import Context
from ..model import Edit, FrameFacts
from ..settings_text import read_key, setting_edit
from . import Located, edits_of, failing_statement, find_expr, locator, loss_frame
from .checks import bound_names
from .label_splits import fill_from_every_split
from .window_labels import labels_per_window
from .word_labels import align_word_labels


def _shorter_windows(f: Finding) -> list[Edit]:
    """`yield x[i:i + L], x[i + 1:i + 1 + L]` → a line `n = min(L, x.size(d) - 1 - i)` before it and both
    windows `n` long."""
    file, first, last, dim, base, start, length, shift, na, nb = f.hints["shifted"]
    name = next(n for n in ("win_len", "window_len", "steps_left") if n not in src.text_of(file))
    e = src.LineEditor(file, first, last)
    e.replace(na, name)
    e.replace(nb, name)
    made = edits_of(e)
    if len(made) != 1:
        return []
    edit = made[0]
    indent = edit.replacement[:len(edit.replacement) - len(edit.replacement.lstrip())]
    text = f"{indent}{name} = min({length}, {base}.size({dim}) - {shift} - {start})\n" + edit.replacement
    if not src.parses_in_file(file, edit.start_line, edit.end_line, text):
        return []
    return [Edit(file=edit.file, start_line=edit.start_line, end_line=edit.end_line, replacement=text)]


def _derive_again(kept) -> list[Edit]:
    """`replace(base, relations=...)` → `replace(base, relations=..., num_labels=None)`: the derived field unset,
    so `__post_init__` derives it from the new value."""
    return edits_of(src.LineEditor.for_node(kept.file, kept.stmt).add_keywords(kept.call, f"{kept.field}={kept.unset}"))


@locator("label-length")
def label_length(ctx: Context, f: Finding) -> Located:
    labels = f.hints.get("labels")
    if "masked-apart" in f.facts:  # the labels kept by the mask that keeps their sequence
        if "masked_apart" not in f.hints:
            return [], None
        file, stmt, node, text = f.hints["masked_apart"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    if "windowed-apart" in f.facts:  # the labels cut to the step each window of the inputs ends on
        file, stmt, node, text = f.hints["windowed_apart"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    windows = labels_per_window(ctx, f)
    if windows:  # one label per text for a prediction per window: each window takes its text's label
        return windows, None
    if "kept-by-replace" in f.facts and "kept" in f.hints:
        return _derive_again(f.hints["kept"]), None
    if "zip-cut" in f.facts and f.hints.get("zip_cut") is not None and f.hints["zip_cut"].fill:
        cut = f.hints["zip_cut"]  # `zip(*tag_rows)` → `itertools.zip_longest(*tag_rows, fillvalue=IGNORE)`
        rows = src.segment(cut.file, cut.call.args[0])
        name = src.call_name(cut.longest)
        return edits_of(src.LineEditor.for_node(cut.file, cut.stmt).replace(
            cut.call, f"{name}({rows}, fillvalue={cut.fill})")), None
    if "targets-shifted" in f.facts:  # the last prediction has no next token: dropped where the loss reads them
        frame, logits, shift = f.hints["targets_shifted"]
        found = failing_statement(frame)
        node = find_expr(frame.file, found[1], logits) if found is not None else None
        if node is None:
            return [], None
        return edits_of(src.LineEditor.for_node(frame.file, found[1]).replace(node, f"{logits}[:, :-{shift}]")), None
    if "shifted-window" in f.facts:
        return _shorter_windows(f), None
    if "labels-own-longest" in f.facts:  # `longest = max(len(t) ...)` → the inputs' constant
        file, width, const = f.hints["own_longest"]
        return edits_of(src.LineEditor.for_node(file, width).replace(width.value, const)), None
    if "labels-padded-other-max" in f.facts:  # the labels' pad width → the tokenizer's max_length
        file, stmt, width, new = f.hints["labels_padded_other_max"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(width, new)), None
    if "pad-targets" in f.facts and "padded" not in f.variants:  # labels padded short of the inputs' target
        file, stmt, count, new = f.hints["pad_targets"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(count, new)), None
    if "choice-flags" in f.facts:
        if "choice_flags" not in f.hints:
            return [], None
        file, comp, new = f.hints["choice_flags"]
        return edits_of(src.LineEditor.for_node(file, comp).replace(comp, new)), None
    if "one-hot" in f.facts and labels is not None:
        found = statement_using(ctx, labels.expr)
        if found is None:
            return [], None
        fr, stmt = found
        e = src.LineEditor.for_node(fr.file, stmt)
        for n in ast.walk(stmt):
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("view", "reshape",
                                                                                                 "flatten")
                    and src.segment(fr.file, n.func.value) == labels.expr):
                e.replace(n, f"{labels.expr}.argmax(dim=-1)")
                return edits_of(e), None
        return _replace_labels(ctx, labels, f"{labels.expr}.argmax(dim=-1)"), None
    if "cut-apart" in f.facts:
        if "cut_apart" not in f.hints:
            return [], None
        file, stmt, node, new = f.hints["cut_apart"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, new)), None
    if "pooled-head" in f.facts and "pooled_head" in f.hints:
        file, stmt, node, text = f.hints["pooled_head"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    if "setting-apart" in f.facts:  # the Dataset given the setting the model's predictions are sized by
        file, stmt, node, new = f.hints["setting_apart"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, new)), None
    if "window-unlike" in f.facts:  # the labels cut over the inputs' window where the example is made
        file, stmt, node, new = f.hints["window_unlike"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, new)), None
    if labels is not None and len(labels.shape) == 2:
        for make in (_shifted_targets, _padded_labels):
            edits = make(ctx, f)
            if edits:
                return edits, None
    if "stacked-parts" in f.facts:
        file, stmt, call = f.hints["stacked"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(call, f.values["joined"])), None
    if "filtered-apart" in f.facts:
        return _filter_labels_too(f), None
    if "sliced-unlike" in f.facts:  # the labels' slice written like the inputs'
        file, stmt, node, name = f.hints["sliced_unlike"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, name)), None
    if "cut-by-helper" in f.facts:  # the labels given to the cutting helper with the inputs
        file, stmt, root = f.hints["cut_by_helper"]
        call = stmt.value
        if call.keywords:
            return [], None
        e = src.LineEditor.for_node(file, stmt)
        e.replace(stmt.targets[0], f"{src.segment(file, stmt.targets[0])}, {root}")
        e.replace(call.args[-1], f"{src.segment(file, call.args[-1])}, {root}")
        return edits_of(e), None
    if "column-targets" in f.facts:  # the targets count the rows of the scores
        c = f.hints["column_targets"]
        return edits_of(src.LineEditor.for_node(c.file, c.stmt).replace(c.node, c.rows)), None
    if "skipped-apart" in f.facts:
        file, stmt, gen, keep = f.hints["skipped_apart"]
        e = src.LineEditor.for_node(file, stmt)
        e.replace(gen.iter, f"{src.segment(file, gen.iter)} if {keep}")
        return edits_of(e), None
    if "labels-one-part" in f.facts:
        file, stmt, node, fixed = f.hints["labels_one_part"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, fixed)), None
    if "part-left-out" in f.facts or "specials-left-out" in f.facts:
        file, stmt, fixed = f.hints["part_left_out"]
        return edits_of(src.LineEditor.for_node(file, stmt.value).replace(stmt.value, fixed)), None
    if "chunked-apart" in f.facts:
        return _chunk_labels_too(f), None
    if "collator-shift" in f.facts:
        file, stmt, node, text = f.hints["collator_shift"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    if "shifted-one-side" in f.facts:  # the side left unshifted shifted like the other
        file, stmt, node, text = f.hints["shifted_one_side"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    if "repeat-factor" in f.facts:  # each label repeated as many times as the predictions have steps per label
        file, stmt, factor, name = f.hints["repeat_factor"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(factor, name)), None
    if "part-count" in f.facts:  # the count of a block of labels set from the part it labels
        file, stmt, value, new = f.hints["part_count"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(value, new)), None
    if "labels-per-batch-size" in f.facts and f.hints.get("per_batch"):
        file, stmt, swaps = f.hints["per_batch"]
        e = src.LineEditor.for_node(file, stmt)
        for node, text in swaps:
            e.replace(node, text)
        return edits_of(e), None
    if "islice-restarts" in f.facts:
        file, made, call, name = f.hints["islice_restarts"]
        own = f.values["restarted_iter"]
        first = src.insert_after(file, made, f"{own} = iter({name})")
        use = edits_of(src.LineEditor.for_node(file, call).replace(call.args[0], own))
        return ([first] + use if first and use else []), None
    if "split-unlike" in f.facts:
        file, stmt, call = f.hints["split_unlike"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(call, f.values["split_fixed"])), None
    if "retokenized-untruncated" in f.facts:
        file, stmt, call, keywords = f.hints["retokenized"]
        return edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, keywords)), None
    if "reordered-sibling" in f.facts:
        from ..analyzers.filtered import reorder_together
        file, stmt, moved, other = f.hints["reordered_sibling"]
        text = reorder_together(file, stmt, moved, other)
        return (edits_of(src.LineEditor.for_node(file, stmt).replace(stmt, text)) if text else []), None
    if "labels-finer" in f.facts:  # where the labels are made, and every line that reads them: said in words
        return [], None
    if "grown-apart" in f.facts:  # the labels' part takes the mask the inputs' part was kept by
        file, stmt, part, text = f.hints["grown_apart"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(part, text)), None
    if "rows-filtered-apart" in f.facts:  # the labels kept by the same mask, in the same statement
        file, stmt, adds = f.hints["rows_filtered_apart"]
        if adds is None:
            made = src.insert_after(file, stmt, f"{f.values['unfiltered']} = {f.values['unfiltered_fixed']}")
            return ([made] if made else []), None
        e = src.LineEditor.for_node(file, stmt)
        for node, text in adds:
            e.insert_after(node, text)
        return edits_of(e), None
    if "refiltered-alone" in f.facts:  # the labels filtered by the same condition, before the texts are
        file, stmt, text = f.hints["refiltered_alone"]
        made = src.insert_before(file, stmt, text)
        return ([made] if made else []), None
    if "flattened-apart" in f.facts:  # one label per item of the inner list, as the inputs
        file, stmt, comp, text = f.hints["flattened_apart"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(comp, text)), None
    if "unfold-frames" in f.facts:  # frames counted as `unfold` makes them
        file, stmt, node = f.hints["unfold_frames"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, f.values["frames_fixed"])), None
    if "stft-frames" in f.facts:  # the labels counted as the centred STFT counts its frames
        file, stmt = f.hints["stft_frames"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(stmt.value, f.values["frames_fixed"])), None
    if "appended-before-skip" in f.facts:  # the label collected after the skip, like the inputs
        file, appended, after = f.hints["appended_before_skip"]  # written before the first statement past the skip
        moved = [src.remove_statement(file, appended), src.insert_before(file, after, src.segment(file, appended))]
        return ([e for e in moved if e is not None] if all(moved) else []), None
    if "filtered-sibling" in f.facts and "dropped_beside" in f.hints:  # the labels filtered right after the call
        file, stmt, text = f.hints["dropped_beside"]
        made = src.insert_after(file, stmt, text)
        return ([made] if made else []), None
    if "filtered-sibling" in f.facts and "filtered_return" in f.hints:  # the targets' builder masked alike
        file, stmt, node, text = f.hints["filtered_return"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    if "filtered-sibling" in f.facts:
        file, kept, plain = f.hints["filtered_sibling"]
        text = filter_like(file, kept, plain)
        return (edits_of(src.LineEditor.for_node(file, plain.stmt).replace(plain.comp, text)) if text else []), None
    if "padded-apart" in f.facts:
        return _pad_together(f), None
    if "word-labels" in f.facts:
        return align_word_labels(ctx, f)
    if "token-labels" in f.facts and "lm-collator" in f.facts and f.values.get("mlm_cls"):
        return _swap_model_class(ctx, f.hints.get("model"), f.values["mlm_cls"]), None
    if "one-hot-inferred" in f.facts:  # the encoding given the model's number of outputs
        return _one_hot_width(f), None
    if "label-width" in f.facts:
        return size_edit(f), None
    if "token-logits" in f.facts:
        return _kept_dim_slice(ctx, f) or _pool_first_token(ctx), None
    if "extra-dim" in f.facts:
        side = f.hints.get("labels") if f.values.get("extra_side") == "labels" else f.hints.get("logits")
        if side is not None:
            return _replace_labels(ctx, side, f"{side.expr}.squeeze(-1)"), None
    return [], None


def _chunk_labels_too(f: Finding) -> list:
    """The loop over the inputs' parts iterates the labels' parts beside them (`zip(x.chunk(4),
    labels.chunk(4))`), and the loop's body uses that part of the labels."""
    file, loop, call, target, labels = f.hints["chunked"]
    part = f"{target}_{labels}"
    tree = src.tree_of(file)
    if tree is None or part in {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}:
        return []
    split = src.segment(file, call)
    whole = src.segment(file, call.func.value)
    if whole == "torch":
        label_split = split.replace(src.segment(file, call.args[0]), labels, 1)
    else:
        label_split = f"{labels}{split[len(whole):]}"
    head = src.LineEditor.for_node(file, loop.target)
    head.replace(loop.target, f"{target}, {part}")
    head.replace(loop.iter, f"zip({split}, {label_split})")
    edits = edits_of(head)
    for stmt in loop.body:
        uses = [n for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id == labels and isinstance(n.ctx, ast.Load)]
        if uses:
            e = src.LineEditor.for_node(file, stmt)
            for u in uses:
                e.replace(u, part)
            edits += edits_of(e)
    f.values["part"] = part
    return edits


def _filter_labels_too(f: Finding) -> list:
    """`labels` returned next to inputs built from `[t for t in texts if cond]`: the labels are filtered by
    the same condition, zipped with the items they belong to."""
    file, ret, name, gen = f.hints["filtered_apart"]
    used = set(src.names_in(ret.value)) | {n for c in gen.ifs for n in src.names_in(c)}
    item = next(n for n in ("label", "y", "lab", "item_label") if n not in used)
    var = src.segment(file, gen.target)
    cond = " and ".join(src.segment(file, c) for c in gen.ifs)
    node = next((n for n in ast.walk(ret.value) if isinstance(n, ast.Name) and n.id == name), None)
    if node is None:
        return []
    new = f"[{item} for {var}, {item} in zip({src.segment(file, gen.iter)}, {name}) if {cond}]"
    return edits_of(src.LineEditor.for_node(file, ret).replace(node, new))


KEPT_DIM = fact("kept-dim", "the user's code takes the first position with a slice that keeps its dimension "
                            "(`kept_slice`, line `kept_line`; indexed: `kept_fixed`)")


def _kept_dim_slice(ctx: Context, f: Finding) -> list:
    """Logits (batch, 1, classes) for one label per example, and the user's code takes the first position with a
    slice that keeps its dimension (`hidden[:, :1]`, `hidden[:, 0:1]`): index it instead (`hidden[:, 0]`)."""
    logits = f.hints.get("seen_logits") or f.hints.get("logits")
    if logits is None or len(logits.shape) != 3 or logits.shape[1] != 1:
        return []
    hits = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for n in src.nodes(tree, ast.Subscript) if tree is not None else ():
            parts = n.slice.elts if isinstance(n.slice, ast.Tuple) else []
            if (len(parts) == 2 and isinstance(parts[0], ast.Slice) and parts[0].lower is None
                    and parts[0].upper is None and isinstance(parts[1], ast.Slice) and parts[1].step is None
                    and (parts[1].lower is None or (isinstance(parts[1].lower, ast.Constant) and parts[1].lower.value == 0))
                    and isinstance(parts[1].upper, ast.Constant) and parts[1].upper.value == 1):
                hits.append((file, tree, n))
    if len(hits) != 1:
        return []
    file, tree, n = hits[0]
    stmt = src.statement_at(tree, n.lineno)
    if stmt is None:
        return []
    fixed = f"{src.segment(file, n.value)}[:, 0]"
    f.facts.add(KEPT_DIM)
    f.values.update(kept_slice=src.segment(file, n), kept_fixed=fixed, kept_line=n.lineno)
    return edits_of(src.LineEditor.for_node(file, stmt).replace(n, fixed))


def _pool_first_token(ctx: Context) -> list:
    """A head applied to a transformers encoder's `last_hidden_state` (one row per token) for labels made
    one per example: the head gets the first token's state (`[:, 0]`, the [CLS] position) instead.  Only
    when the user's code applies exactly one call to such a state."""
    hits = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            if len(call.args) != 1 or call.keywords:
                continue
            arg = call.args[0]
            if isinstance(arg, ast.Attribute) and arg.attr == "last_hidden_state":
                hits.append((file, call, arg))
            elif isinstance(arg, ast.Name):
                made = src.last_assignment(tree, arg.id, call.lineno)
                if made is not None and isinstance(made.value, ast.Attribute) and made.value.attr == "last_hidden_state":
                    hits.append((file, call, arg))
    if len(hits) != 1:
        return []
    file, call, arg = hits[0]
    stmt = src.statement_at(src.tree_of(file), call.lineno)
    if stmt is None:
        return []
    return edits_of(src.LineEditor.for_node(file, stmt).replace(arg, f"{src.segment(file, arg)}[:, 0]"))


def _pad_together(f: Finding) -> list:
    """Inputs and labels padded to `a = max(...)` and `b = max(...)` in one function: the later of the two
    assignments becomes `b = a = max(a, <its own value>)`, so both are padded to the common length."""
    file, stmts = f.hints["padded_apart"]
    first, second = sorted(stmts, key=lambda a: a.lineno)
    a, b = first.targets[0].id, second.targets[0].id
    text = f"{b} = {a} = max({a}, {src.segment(file, second.value)})"
    return edits_of(src.LineEditor.for_node(file, second).replace(second, text))


def _swap_model_class(ctx: Context, model, new_cls: str) -> list:
    """Build the user's model with another head class of the same family (`BertForSequenceClassification`
    → `BertForMaskedLM`, `AutoModelForSequenceClassification` → `AutoModelForMaskedLM`); the new name is
    added to the `from transformers import ...` line when it is not imported yet."""
    if model is None:
        return []
    name = user_model_name(ctx, model)
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        made = assigned_call(tree, name, 10 ** 9) if tree is not None and name else None
        if made is None:
            continue
        stmt, call = made
        cls_node = call.func.value if isinstance(call.func, ast.Attribute) else call.func
        old = src.segment(file, cls_node)
        if "ForSequenceClassification" not in old:
            return []
        new = old.replace("ForSequenceClassification", "For" + new_cls.split("For", 1)[1])
        edits = edits_of(src.LineEditor.for_node(file, stmt).replace(cls_node, new))
        root = new.split(".")[0]
        if edits and root not in (bound_names(file, stmt.lineno) or set()):
            imp = next((n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "transformers"), None)
            if imp is None:
                return []
            edits += edits_of(src.LineEditor.for_node(file, imp).replace(imp, ast.unparse(ast.ImportFrom(
                module="transformers", names=imp.names + [ast.alias(name=root)], level=0))))
        return edits
    return []


def statement_using(ctx: Context, expr: str) -> tuple[FrameFacts, ast.stmt] | None:
    """The statement that hands `expr` to the loss: in the innermost user frame that has it, the failing
    statement when it names `expr`, else the assignment before the failing line that does
    (`tmp = labels.reshape(-1)`)."""
    for fr in ctx.user_frames():
        found = failing_statement(fr)
        if found is None:
            continue
        tree, stmt = found
        if find_expr(fr.file, stmt, expr) is not None:
            return fr, stmt
        scope = src.enclosing_scope(tree, fr.line)
        before = [n for n in src.statements(scope) if isinstance(n, ast.Assign) and n.lineno < stmt.lineno
                  and find_expr(fr.file, n.value, expr) is not None]
        if before:
            return fr, before[-1]
    return None


def _replace_labels(ctx: Context, labels, text: str) -> list:
    """Rewrite `labels` in the statement that hands it to the loss as `text`; a following `.view(...)`
    becomes `.reshape(...)` because a slice is not contiguous."""
    found = statement_using(ctx, labels.expr)
    if found is None:
        return []
    fr, stmt = found
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
    if f.hints.get("shift_source"):
        file, stmt, value, text = f.hints["shift_source"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(value, text))
    labels = f.hints["labels"]
    return _replace_labels(ctx, labels, f"{labels.expr}[:, 1:]")


def _padded_labels(ctx: Context, f: Finding) -> list:
    """Labels padded (with a negative ignore index) to a fixed length longer than the batch's sequence:
    cut them to the logits' length; the cut columns are padding."""
    labels, logits = f.hints.get("labels"), f.hints.get("logits")
    if "padded" not in f.variants:
        return []
    if "collator-width" in f.facts:
        entry, width, new = f.hints["collator_width"]
        return edits_of(src.LineEditor.for_node(entry.file, entry.stmt).replace(width, new))
    if "pad-targets" in f.facts:
        file, stmt, count, new = f.hints["pad_targets"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(count, new))
    if "helper-width" in f.facts:
        file, stmt, width, new = f.hints["helper_width"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(width, new))
    if "padded-items" in f.facts:
        return _items_unpadded(f)
    if "collate-longest" in f.facts:
        file, longest, most = f.hints["collate_longest"]
        return edits_of(src.LineEditor.for_node(file, longest).replace(longest.value, src.segment(file, most)))
    if "padded-to-max" in f.facts:
        file, padding = f.hints["padded_to_max"]
        tree = src.tree_of(file)
        stmt = (src.statement_at(tree, padding.lineno) if tree is not None else None) or padding  # the whole call
        return edits_of(src.LineEditor.for_node(file, stmt).replace(padding, f.values.get("padding_to",
                                                                                         '"max_length"')))
    if "labels-cut-in-collate" in f.facts:
        file, ret, item, new = f.hints["cut_in_collate"]
        return edits_of(src.LineEditor.for_node(file, ret).replace(item, new))
    if logits is None:
        return []
    return _replace_labels(ctx, labels, f"{labels.expr}[:, :{logits.expr}.size(1)]")


def _items_unpadded(f: Finding) -> list:
    """The Dataset's own padding of the labels dropped, and the collator that pads the inputs replaced by
    DataCollatorForTokenClassification, which pads the labels to each batch's width too (with the user's pad
    label when it is not -100)."""
    from .lengths import token_classification_collator
    item = f.hints["padded_items"]
    pad = f.values.get("pad_label")
    collate = token_classification_collator(item.file, item.collator,
                                            "" if pad in (None, -100) else f"label_pad_token_id={pad}")
    if not collate:
        return []
    if item.padded is not None:
        dropped = src.LineEditor.for_node(item.file, item.stmt).replace(item.padded,
                                                                        src.segment(item.file, item.kept)).edit()
    else:
        dropped = src.remove_statement(item.file, item.stmt)
    return [dropped, *collate] if dropped is not None else []


PER_TOKEN_LOSS = fact("per-token-loss", "the loss is called with reduction='none': its result keeps the labels' "
                                        "(batch, sequence) shape for the lines after it, so the fix moves the classes "
                                        "to dimension 1 instead of flattening")


@locator("user-loss-size")
def user_loss_size(ctx: Context, f: Finding) -> Located:
    """`delivery_periods = fund.shape[1]` → `target_n.shape[1]`: the predictions' length read off the targets;
    `return feats, cycle["soc"]` → `cycle["soc"][1:]`: the targets cut like the inputs where the example is made."""
    if "cut_in_maker" in f.hints:  # the targets cut like the inputs where the example is made
        file, node, text = f.hints["cut_in_maker"]
        tree = src.tree_of(file)
        stmt = src.statement_at(tree, node.lineno) if tree is not None else None
        return (edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)) if stmt is not None else []), None
    if "size_read" not in f.hints:
        return [], None
    file, stmt, base, target = f.hints["size_read"]
    return edits_of(src.LineEditor.for_node(file, stmt).replace(base, target)), None


@locator("class-dim")
def class_dim(ctx: Context, f: Finding) -> Located:
    """Flatten (batch, sequence, classes) logits and (batch, sequence) labels where the loss is called:
    `logits.reshape(-1, <classes>)`, `labels.reshape(-1)` (not `view`: a slice, a transpose or an argument
    the caller sliced is not contiguous, and `view` refuses it); the number of classes named as the user's
    code names it, else `logits.size(-1)`."""
    logits, labels = f.hints.get("logits"), f.hints.get("labels")
    if logits is None:
        return [], None
    read = f.hints.get("read_second")
    if read is not None:  # `return self.head(h)` → `return self.head(h).transpose(1, 2)` in the model's forward
        edits = []
        for r in read.returns:
            text = src.segment(read.file, r.value)
            simple = isinstance(r.value, (ast.Name, ast.Attribute, ast.Call, ast.Subscript))
            edits += edits_of(src.LineEditor.for_node(read.file, r).replace(
                r.value, f"{text if simple else f'({text})'}.transpose(1, 2)"))
        return edits, None
    fr = loss_frame(ctx, logits.expr)
    found = failing_statement(fr) if fr else None
    if fr is None or found is None:
        return [], None
    at_caller = _flatten_at_caller(ctx, fr, logits.expr, labels.expr if labels is not None else None,
                                   f.values.get("classes_expr"))
    if at_caller:
        return at_caller, None
    stmt = found[1]
    given = [a for c in src.calls(stmt) for a in c.args if find_expr(fr.file, a, logits.expr) is a]
    node = given[0] if given else find_expr(fr.file, stmt, logits.expr)  # the loss's argument, not a copy beside it
    target = find_expr(fr.file, stmt, labels.expr) if labels is not None else None
    if node is None:
        return [], None
    e = src.LineEditor.for_node(fr.file, stmt)
    written = src.segment(fr.file, node)  # as the user spells it (`out.logits` for `out["logits"]`)
    call = next((c for c in src.calls(stmt) if any(a is node for a in c.args)), None)
    reduction = src.keyword(call, "reduction") if call is not None else None
    per_token = reduction is not None and isinstance(reduction.value, ast.Constant) and reduction.value.value == "none"
    if per_token:  # one loss per token, used as (batch, sequence) after the call: the classes moved, not flattened
        f.facts.add(PER_TOKEN_LOSS)
    if target is None or per_token:
        return edits_of(e.replace(node, f"{written}.transpose(1, 2)")), None
    classes = f.values.get("classes_expr")
    if not classes or classes.split(".")[0] not in (bound_names(fr.file, fr.line) or set()):
        classes = f"{written}.size(-1)"
    e.replace(node, f"{written}.reshape(-1, {classes})")
    e.replace(target, f"{src.segment(fr.file, target)}.reshape(-1)")
    return edits_of(e) + _same_loss_flattened(fr, stmt, node), None


def _same_loss_flattened(fr, stmt: ast.stmt, node: ast.AST) -> list:
    """The other calls of the failing loss callable (`self.loss_fn(scores, y)` in `evaluate` beside the failing
    one in `fit`), in the same class (or file), whose predictions are made by the same call as the failing
    one's (`scores = self.net(x)`): they get the same (batch, sequence, classes) logits and would raise next,
    so they are flattened too."""
    tree = src.tree_of(fr.file)
    call = next((c for c in src.calls(stmt) if any(a is node for a in c.args)), None)
    if tree is None or call is None or not isinstance(node, ast.Name) or len(call.args) < 2:
        return []
    made = src.last_assignment(tree, node.id, fr.line)
    if made is None or not isinstance(made.value, ast.Call):
        return []
    callee, maker = src.segment(fr.file, call.func), src.segment(fr.file, made.value.func)
    owner = src.enclosing_class(tree, fr.line) or tree
    out = []
    for other in src.calls(owner):
        if other is call or src.segment(fr.file, other.func) != callee or len(other.args) < 2 \
                or not all(isinstance(a, ast.Name) for a in other.args[:2]):
            continue
        pred, gold = other.args[0].id, other.args[1].id  # type: ignore[attr-defined]
        theirs = src.last_assignment(tree, pred, other.lineno)
        there = src.statement_at(tree, other.lineno)
        if theirs is None or there is None or not isinstance(theirs.value, ast.Call) \
                or src.segment(fr.file, theirs.value.func) != maker:
            continue
        e = src.LineEditor.for_node(fr.file, there)
        e.replace(other.args[0], f"{pred}.reshape(-1, {pred}.size(-1))")
        e.replace(other.args[1], f"{gold}.reshape(-1)")
        out += edits_of(e)
    return out


def _flatten_at_caller(ctx: Context, fr, logits: str, labels: str | None, classes: str | None) -> list:
    """Both operands are parameters of the user's loss helper (`focal_loss(logits, targets)`): flattened where
    the helper is called, so that the helper's other lines keep one shape for all they compute."""
    if labels is None or logits not in fr.params or labels not in fr.params or fr.function == "forward":
        return []
    if _called_again_read_once(fr, logits, labels):
        return []  # the helper only hands them to the loss, and other places call it: flattened inside it, once
    if _read_with_other_params(fr, logits, labels):
        return []  # the helper's other lines pair them with its other arguments, which keep their shape: inside
    caller = ctx._caller(fr)
    args = {a.param: a.text for a in caller.call_args} if caller is not None else {}
    found = failing_statement(caller) if caller is not None else None
    if found is None or logits not in args or labels not in args:
        return []
    stmt = found[1]
    node, target = find_expr(caller.file, stmt, args[logits]), find_expr(caller.file, stmt, args[labels])
    if node is None or target is None:
        return []
    wrap = (lambda t: t) if all(c.isalnum() or c in "_.[]\"'" for c in args[logits]) else (lambda t: f"({t})")
    written, gold = src.segment(caller.file, node), src.segment(caller.file, target)  # as the user spells them
    if not classes or classes.split(".")[0] not in (bound_names(caller.file, caller.line) or set()):
        classes = f"{wrap(written)}.size(-1)"
    e = src.LineEditor.for_node(caller.file, stmt)
    e.replace(node, f"{wrap(written)}.reshape(-1, {classes})")
    e.replace(target, f"{wrap(gold)}.reshape(-1)")
    return edits_of(e)


def _called_again_read_once(fr, *params: str) -> bool:
    """The function of frame `fr` is called from more than one place in its file, and reads each of `params`
    in its failing statement only (`return F.cross_entropy(logits, labels, weight=w)`)."""
    tree = src.tree_of(fr.file)
    fn = src.enclosing_scope(tree, fr.line) if tree is not None else None
    found = failing_statement(fr)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or found is None or len(src.callers_of(tree, fn)) < 2:
        return False
    stmt = found[1]
    return all(all(src.contains(stmt, n.lineno) for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == p
                   and isinstance(n.ctx, ast.Load)) for p in params)


def _read_with_other_params(fr, *params: str) -> bool:
    """A statement of the function of frame `fr` other than the failing one reads one of `params` (or a name
    made from one, `pos = labels > 0`) together with another of its parameters (`box_out[pos]`): flattening
    `params` where the function is called would leave that other argument in the old shape."""
    tree = src.tree_of(fr.file)
    fn = src.enclosing_scope(tree, fr.line) if tree is not None else None
    found = failing_statement(fr)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or found is None:
        return False
    failing = found[1]
    others = {a.arg for a in fn.args.args + fn.args.kwonlyargs} - set(params) - {"self", "cls"}
    derived = set(params)
    for stmt in (n for n in ast.walk(fn) if isinstance(n, ast.stmt) and n is not fn and n is not failing
                 and not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For,
                                        ast.While, ast.With, ast.Try))):
        read = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if read & derived and read & others:
            return True
        if read & derived and isinstance(stmt, ast.Assign):
            derived |= {n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return False


def _binned_source(fr, name: str) -> ast.Assign | None:
    """The assignment of the labels' source when `name` is made once from rows of another name (`ytr =
    torch.tensor(y[itr])`) that is itself made once by a binning call (`y = np.digitize(Re, edges)`) and read
    by other statements too (the other splits, an evaluation): the bins, shifted where they are made."""
    from ..analyzers.bucket_count import BINNING_CALL
    tree = src.tree_of(fr.file)
    if tree is None or not name.isidentifier():
        return None
    scope = src.enclosing_scope(tree, fr.line)
    made = src.assignments(tree, name, scope)
    if len(made) != 1:
        return None
    for source in dict.fromkeys(src.names_in(made[0].value)):
        theirs = src.assignments(tree, source, scope)
        if len(theirs) != 1 or not isinstance(theirs[0].stmt, ast.Assign) or theirs[0].stmt.value is not theirs[0].value \
                or not isinstance(theirs[0].value, ast.Call) or not BINNING_CALL.search(src.call_name(theirs[0].value)):
            continue
        readers = {src.statement_at(tree, n.lineno) for n in ast.walk(scope) if isinstance(n, ast.Name)
                   and n.id == source and isinstance(n.ctx, ast.Load)}
        if len(readers - {made[0].stmt}) >= 1:
            return theirs[0].stmt
    return None


def _made_once_read_again(fr, stmt: ast.stmt, name: str) -> ast.Assign | None:
    """The one assignment of the plain name `name` in the failing line's scope, when its value is a call that
    makes a tensor (`y_t = torch.from_numpy(y)`) and another statement than the failing one reads the name."""
    from ..analyzers.label_dtype import makes_tensor
    tree = src.tree_of(fr.file)
    if tree is None or not name.isidentifier():
        return None
    scope = src.enclosing_scope(tree, fr.line)
    made = src.assignments(tree, name, scope)
    if len(made) != 1 or not isinstance(made[0].stmt, ast.Assign) or not isinstance(made[0].value, ast.Call) \
            or made[0].stmt.value is not made[0].value or not makes_tensor(made[0].value):
        return None
    failing = range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1)
    reads = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
             and n.lineno > made[0].stmt.lineno and n.lineno not in failing]
    return made[0].stmt if reads else None


def _rows_of(stmt: ast.AST, node: ast.AST) -> ast.AST:
    """The subscript that takes rows of `node` in `stmt` (`y_t[bi]` for `y_t`), outermost; `node` otherwise."""
    while True:
        parent = next((n for n in ast.walk(stmt) if isinstance(n, ast.Subscript) and n.value is node), None)
        if parent is None:
            return node
        node = parent


ONE_BASED_AT_MAKER = fact("one-based-at-maker", "the labels are made 0-based where they are made (`maker_text`, "
                                                "line `maker_line`), so every loop over the loader reads them so")


def _batches_of_loader(ctx: Context, labels) -> bool:
    """The labels are a field of a DataLoader's batches (their provenance goes through the loader's construction)."""
    from ..provenance import trace
    return any(re.search(r"\bDataLoader\(", o.source or "") for o in trace(ctx, labels))


@locator("label-range")
def label_range(ctx: Context, f: Finding) -> Located:
    labels = f.hints.get("labels")
    variants = f.variants
    made = f.hints.get("one_based_map")
    if "zipped-key-order" in f.facts:
        file, loop, keys_node, source = f.hints["zipped"]
        return edits_of(src.LineEditor.for_node(file, loop.iter).replace(keys_node, source)), None
    if "bio-inside" in f.facts and "bio_inside" in f.hints:
        file, stmt, node, text = f.hints["bio_inside"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    if "attr-overridden" in f.facts and "overridden" in f.hints:  # the subclass's attribute, read off the data
        over = f.hints["overridden"]
        if over.instance in (bound_names(over.file, over.read.lineno) or set()):
            return edits_of(src.LineEditor.for_node(over.file, over.stmt).replace(over.read, f.values["attr_fixed"])), None
    if "kept-by-replace" in f.facts and "kept" in f.hints:  # `replace(base, relations=...)` keeps the count
        return _derive_again(f.hints["kept"]), None
    if "bins-one-more" in f.facts and "bins" in f.hints:  # `len(edges)` classes for len(edges) + 1 bins
        bins = f.hints["bins"]
        return edits_of(src.LineEditor.for_node(bins.file, bins.stmt).replace(bins.count, f.values["bins_fixed"])), None
    if "edges-with-limits" in f.facts and "edges_with_limits" in f.hints:  # the inner edges: one bin per class
        file, stmt, edges, *_ = f.hints["edges_with_limits"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(edges, f.values["edges_fixed"])), None
    if "grown-after-model" in f.facts and "grown_after" in f.hints:
        moved = _filled_first(f.hints["grown_after"])
        if not moved:
            moved = _built_after(f.hints["grown_after"])
            if moved:
                f.facts.add(BUILT_AFTER)
        if moved:
            return moved, None
    if "map-grew" in f.facts and "site" in f.hints and f.hints["site"] is not None:  # numbered from one split
        filled = fill_from_every_split(f, f.hints["site"].file, f.values["read_name"], f.values["read_line"])
        if filled:
            return filled, None
    found = f.hints.get("label_set")
    counted_late = "map-grew" in f.facts and f.hints.get("map_grew_via") and found is not None and \
        f.hints.get("site") is not None and found.name in (bound_names(f.hints["site"].file, f.hints["site"].line) or set())
    if counted_late:  # `NUM_LABELS = len(id2label)` taken before the map grew: the model counts the map itself
        return size_edit(f), None
    if "map-grew" in f.facts or "shifted-past-names" in f.facts or "set-again" in f.facts:
        return [], None  # a number written at the model would break again on the next new label: said in words
    if "labels-offset" in variants:  # ids of a larger numbering: shifted by the group's first id where made
        return _shift_where_made(ctx, labels, f.values["offset_expr"]), None
    if "one-based" in variants and made is not None:
        if made.zero_based is None and isinstance(made.start, ast.Dict):  # ids written out: each one less
            e = src.LineEditor.for_node(made.file, made.stmt)
            for v in made.start.values:
                e.replace(v, str(v.value - 1))
            return edits_of(e), None
        if made.zero_based is None:
            return [], None
        return edits_of(src.LineEditor.for_node(made.file, made.stmt).replace(made.start, made.zero_based)), None
    if "one-based" in variants and labels is not None:
        entry = _library_batch_entry(ctx, labels)
        if entry is not None:  # read off a batch a library's loop built: 0-based where the Dataset gives them
            return _minus_one(*entry), None
        made = labels_maker(ctx, labels)
        if made is not None and _batches_of_loader(ctx, labels):  # every loop over the loader reads them: 0-based
            file, stmt, call = made  # where the labels are made, not at this one loss
            f.facts.add(ONE_BASED_AT_MAKER)
            f.values.update(maker_text=" ".join(src.segment(file, call).split()), maker_line=stmt.lineno)
            return edits_of(src.LineEditor.for_node(file, stmt).replace(call, f"{src.segment(file, call)} - 1")), None
        fr = loss_frame(ctx, labels.expr)
        found = failing_statement(fr) if fr else None
        once = _made_once_read_again(fr, found[1], labels.expr) if fr is not None and found is not None else None
        binned = _binned_source(fr, labels.expr) if fr is not None and once is None else None
        if binned is not None:  # `y = np.digitize(...)`, split into `ytr`, `yva`: every split 0-based at once
            once = binned
        if once is not None:  # the other reads (an accuracy, a report) need the labels 0-based too
            return edits_of(src.LineEditor.for_node(fr.file, once).replace(
                once.value, f"{src.segment(fr.file, once.value)} - 1")), None
        shared = _loop_over_heads(fr) if fr is not None and found is not None else None
        if shared is not None:  # the line serves every head: the other heads' labels may well start at 0
            f.facts.add(SHARED_BY_HEADS)
            f.values.update(heads_loop=shared)
            return [], None
        if fr is not None and found is not None:
            node = find_expr(fr.file, found[1], labels.expr)
            if node is not None:
                node = _rows_of(found[1], node)  # `y[idx]`: the rows the loss gets, shifted
                text = src.segment(fr.file, node)
                return edits_of(src.LineEditor.for_node(fr.file, found[1]).replace(node, f"{text} - 1")), None
        made = labels_maker(ctx, labels)  # the labels reach a library's loss: 0-based where they are made
        if made is not None:
            file, stmt, call = made
            return edits_of(src.LineEditor.for_node(file, stmt).replace(call, f"{src.segment(file, call)} - 1")), None
        key = re.fullmatch(r"\w+\[[\"'](\w+)[\"']\]", labels.expr)
        entry = item_entry(ctx, key.group(1)) if key else None
        if entry is not None:  # a batch's item: 0-based where the user's files give that key its value
            return _minus_one(*entry), None
    if "one-based" in variants and labels is None and f.hints.get("per_example"):
        entry = item_entry(ctx, "labels")  # a library loop's batch: 0-based where the Dataset gives each label
        if entry is not None:
            return _minus_one(*entry), None
    if "one-based" in variants and labels is None:
        example = _example_label(ctx)  # sentence-transformers' `InputExample(texts=..., label=...)`
        if example is not None:
            return _minus_one(*example), None
    from ..analyzers.label_range import negative_written
    if "negative" in variants and not negative_written(ctx, f.hints.get("target")):
        pass  # computed below 0 (`grade - offset`), never written as a marker: skipping it would drop real examples
    elif "negative" in variants:
        target = f.hints.get("target")
        for fr in ctx.user_frames():
            found = failing_statement(fr)
            if found is None:
                continue
            for call in src.calls(found[1]):
                name = src.call_name(call)
                if re.search(r"cross_entropy|nll_loss|loss", name, re.I) and src.keyword(call, "ignore_index") is None:
                    marker = f.values.get("marker")
                    ignore = marker if marker in (bound_names(fr.file, fr.line) or set()) else str(target)
                    f.facts.add("skip-marker")
                    f.values["ignore"] = ignore
                    return edits_of(src.LineEditor.for_node(fr.file, found[1]).add_keywords(
                        call, f"ignore_index={ignore}")), None
        # the loss is inside the library (a transformers model given `labels=`): the marker constant → -100
        from ..analyzers.label_range import marker_constants
        for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
            tree = src.tree_of(file)
            found = marker_constants(tree, target) if tree is not None and isinstance(target, int) else []
            if len(found) == 1:  # `MISSING = -1` at module level or in a class body
                a = found[0][1]
                return edits_of(src.LineEditor.for_node(file, a).replace(a.value, "-100")), None
        marked = _negative_marked_ignored(ctx, labels)
        if marked:
            return marked, None
    if "sentinel" in f.facts:
        return _skip_sentinel(ctx, f), None
    if "too-few-classes" in variants and "kept-ids" in f.facts:
        k = f.hints["kept_ids"]
        return edits_of(src.LineEditor.for_node(k.file, k.stmt).replace(k.picked, f.values["renumbered"])), None
    if "too-few-classes" in variants:
        return size_edit(f, reserved=bool(f.facts & {"reserved-first", "fallback-class"})), None
    return [], None


SHARED_BY_HEADS = fact("shared-by-heads", "the failing line runs in `heads_loop`, once per head picked by the "
                                          "loop's variable, so it serves the labels of every head")


def _loop_over_heads(fr) -> str | None:
    """The header of the loop around the failing line whose variable picks the module that makes the predictions
    (`for task, batch in batches.items(): logits = heads[task](...)`): the line serves several heads' labels."""
    tree = src.tree_of(fr.file)
    for loop in src.enclosing_loops(tree, fr.line) if tree is not None else []:
        names = set(src.names_in(loop.target))
        for call in (n for st in loop.body for n in ast.walk(st) if isinstance(n, ast.Call)):
            if isinstance(call.func, ast.Subscript) and set(src.names_in(call.func.slice)) & names:
                return f"for {src.segment(fr.file, loop.target)} in {src.segment(fr.file, loop.iter)}"
    return None


def _skip_sentinel(ctx: Context, f: Finding) -> list:
    """`ignore_index=<marker>` for the loss that failed: a functional loss called on the failing line
    (`F.cross_entropy(...)`), or the constructor of the loss object called there (`criterion =
    nn.CrossEntropyLoss()` for `criterion(logits, y)`), in the user's frames from the innermost out."""
    marker, target = f.values.get("marker"), f.hints.get("target")
    for fr in ctx.user_frames():
        found = failing_statement(fr)
        tree = src.tree_of(fr.file)
        if found is None or tree is None:
            continue
        for call in src.calls(found[1]):
            name = src.call_name(call)
            site = None
            if re.search(r"cross_entropy|nll_loss", name):
                site = (found[1], call)
            elif isinstance(call.func, (ast.Name, ast.Attribute)):
                made = src.last_assignment(tree, name, fr.line) if isinstance(call.func, ast.Name) else None
                if made is None and isinstance(call.func, ast.Attribute):
                    made = next((a for a in src.nodes(tree, ast.Assign) if any(ast.unparse(t) == name for t in a.targets)
                                 and isinstance(a.value, ast.Call)), None)
                    made = src.Assignment(made, made.value) if made is not None else None
                value = made.value if made is not None else None
                if isinstance(value, ast.Call) and src.call_name(value).endswith("Loss"):
                    site = (made.stmt, value)
            if site is None or src.keyword(site[1], "ignore_index") is not None:
                continue
            stmt, loss = site
            bound = bound_names(fr.file, stmt.lineno) or set()
            ignore = marker if marker and set(re.findall(r"[A-Za-z_]\w*", marker.split("[")[0])) <= bound else str(target)
            f.facts.add("skip-marker")
            f.values["ignore"] = ignore
            editor = src.LineEditor.for_node(fr.file, stmt).add_keywords(loss, f"ignore_index={ignore}")
            if stmt is found[1]:  # the same loss beside it in the statement (start and end targets): skip it there too
                for other in src.calls(stmt):
                    if other is not loss and src.call_name(other) == src.call_name(loss) \
                            and src.keyword(other, "ignore_index") is None:
                        editor = editor.add_keywords(other, f"ignore_index={ignore}")
            return edits_of(editor)
    return []


def _example_label(ctx: Context) -> tuple[str, ast.stmt, ast.expr] | None:
    """The one `InputExample(..., label=<value>)` of the user's files (the examples a sentence-transformers loss
    gets its labels from), when its label is computed (not a literal)."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            kw = src.keyword(call, "label")
            if src.call_name(call).rpartition(".")[2] == "InputExample" and kw is not None \
                    and not isinstance(kw.value, ast.Constant):
                stmt = src.statement_at(tree, call.lineno)
                if stmt is not None:
                    found.append((file, stmt, kw.value))
    return found[0] if len(found) == 1 else None


def _shift_where_made(ctx: Context, labels, by: str) -> list:
    """`value - by` at the deepest plain assignment the labels' provenance reaches (`seg = data[:, 6].astype(...)`
    in a Dataset's `__getitem__`), when every name of `by` is bound there."""
    from ..provenance import trace
    if labels is None:
        return []
    made = None
    for step in trace(ctx, labels):
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and not any(src.call_name(c).endswith(("DataLoader", "Dataset")) for c in src.calls(stmt)):
            made = (step.file, stmt)  # the last one along the steps: where the values were made
    if made is None:
        return []
    file, stmt = made
    names = set(re.findall(r"[A-Za-z_]\w*", by))
    if not names <= (bound_names(file, stmt.lineno) or set()):
        return []
    value = stmt.value
    text = src.segment(file, value)
    simple = isinstance(value, (ast.Name, ast.Subscript, ast.Attribute, ast.Call))
    return edits_of(src.LineEditor.for_node(file, stmt).replace(value, f"{text} - {by}" if simple
                                                                else f"({text}) - {by}"))


def _minus_one(file: str, stmt: ast.stmt, value: ast.expr) -> list:
    """`value - 1` in `stmt`; inside a tensor maker's data (`torch.tensor(row["severity"] - 1, dtype=...)`)."""
    if isinstance(value, ast.Call) and src.call_name(value) in ("torch.tensor", "torch.as_tensor", "torch.LongTensor") \
            and len(value.args) == 1 and not isinstance(value.args[0], (ast.List, ast.ListComp, ast.Tuple)) \
            and not _names_a_list(file, stmt, value.args[0]):
        value = value.args[0]
    if isinstance(value, ast.ListComp):  # a list of labels: each one shifted (a list has no `- 1`)
        value = value.elt
    text = src.segment(file, value)
    simple = isinstance(value, (ast.Name, ast.Subscript, ast.Attribute, ast.Call))
    return edits_of(src.LineEditor.for_node(file, stmt).replace(value, f"{text} - 1" if simple else f"({text}) - 1"))


def _names_a_list(file: str, stmt: ast.stmt, node: ast.expr) -> bool:
    """Whether `node` is a name the function around `stmt` makes a list (a display, a comprehension, `list(...)`,
    or one it appends to): `- 1` goes on the tensor made from it, not on the list."""
    if not isinstance(node, ast.Name):
        return False
    tree = src.tree_of(file)
    scope = src.enclosing_scope(tree, stmt.lineno) if tree is not None else None
    if scope is None:
        return False
    made = src.assignments(tree, node.id, scope)
    if any(isinstance(a.value, (ast.List, ast.ListComp)) or (isinstance(a.value, ast.Call) and src.call_name(
            a.value) in ("list", "sorted")) for a in made):
        return True
    return any(isinstance(c.func, ast.Attribute) and c.func.attr in ("append", "extend") and isinstance(
        c.func.value, ast.Name) and c.func.value.id == node.id for c in src.nodes(scope, ast.Call))


def _library_batch_entry(ctx: Context, labels) -> tuple[str, ast.stmt, ast.expr] | None:
    """Labels a user method reads off the batch a library's loop handed it (`labels = inputs.pop("labels")` in a
    Trainer's `compute_loss`, `batch["labels"]` in a `training_step`): where the user's Dataset gives that key."""
    fr = ctx.frames[labels.frame]
    if fr.index == 0 or not ctx.frames[fr.index - 1].library:
        return None
    key = None
    m = re.fullmatch(r"(\w+)\[[\"'](\w+)[\"']\]", labels.expr)
    if m and m.group(1) in fr.params:
        key = m.group(2)
    elif labels.expr.isidentifier():
        tree = src.tree_of(fr.file)
        made = src.last_assignment(tree, labels.expr, fr.line) if tree is not None else None
        value = made.value if made is not None else None
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("pop", "get") \
                and value.args and isinstance(value.args[0], ast.Constant):
            holder, key = value.func.value, value.args[0].value
        elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant):
            holder, key = value.value, value.slice.value
        else:
            holder = None
        if not (isinstance(holder, ast.Name) and holder.id in fr.params):
            key = None
    return item_entry(ctx, key) if isinstance(key, str) else None


def _negative_marked_ignored(ctx: Context, labels) -> list:
    """Negative labels reaching a loss that skips -100: where the user's code makes the labels from a list
    comprehension (`torch.tensor([r["label"] for r in rows])`), each negative label becomes -100."""
    from ..analyzers.labels import ignores_minus_100
    made = labels_maker(ctx, labels) if labels is not None else None
    if made is None or not ignores_minus_100(ctx):
        return []
    file, stmt, call = made
    comp = call.args[0] if call.args else None
    if not isinstance(comp, ast.ListComp):
        return []
    elt = src.segment(file, comp.elt)
    return edits_of(src.LineEditor.for_node(file, stmt).replace(comp.elt, f"-100 if {elt} < 0 else {elt}"))


def _class_setting(site) -> ast.Assign | None:
    """The class-body assignment `num_classes = 4` of `class CFG:` when the site passes `CFG.num_classes` and
    the file reads `CFG.num_classes` at another place too: the setting is changed, not the one place; the last
    `CFG.num_classes = ...` of the script instead, when it sets it."""
    from ..analyzers.classes import class_setting
    node, tree = site.node, src.tree_of(site.file)
    made = class_setting(tree, node) if tree is not None else None
    if made is None:
        return None
    owner, attr = node.value.id, node.attr
    written = sorted((a for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1
                      and isinstance(a.targets[0], ast.Attribute) and a.targets[0].attr == attr
                      and isinstance(a.targets[0].value, ast.Name) and a.targets[0].value.id == owner),
                     key=lambda a: a.lineno)
    if written:  # `CFG.num_labels = len(...)` set by the script: that line decides, not the class body
        return written[-1]
    reads = [n for n in src.nodes(tree, ast.Attribute) if n is not node and n.attr == attr
             and isinstance(n.value, ast.Name) and n.value.id == owner and isinstance(n.ctx, ast.Load)]
    return made if reads else None


def _written_setting(f: Finding, site, need: int | None) -> Edit | None:
    """The line of a settings text parsed by the script that sets the key the size is read from."""
    node, current = site.node, f.values.get("n_classes")
    key = read_key(node)
    if key is None or type(current) is not int or type(need) is not int:
        return None
    return setting_edit(site.file, key, current, need)  # `settings.num_classes` of `num_classes: 5` in YAML


def _numbered_from(found) -> str | None:
    """The text of the sequence a label map was numbered from (`cfg.data.label_names` of `label_to_id = {name: i
    for i, name in enumerate(cfg.data.label_names)}`, `dict(map(reversed, enumerate(NAMES)))`,
    `dict(zip(NAMES, range(len(NAMES))))`), when the label set is such a map."""
    tree = src.tree_of(found.file)
    made = src.assignments(tree, found.name) if tree is not None and found.name.isidentifier() else []
    value = made[-1].value if len(made) == 1 else None
    if isinstance(value, ast.DictComp) and len(value.generators) == 1:
        it = value.generators[0].iter
    elif isinstance(value, ast.Call) and src.call_name(value) == "dict" and len(value.args) == 1 and isinstance(
            value.args[0], ast.Call):
        inner = value.args[0]
        if src.call_name(inner) == "map" and len(inner.args) == 2 and isinstance(inner.args[0], ast.Name) and \
                inner.args[0].id == "reversed":
            it = inner.args[1]
        elif src.call_name(inner) == "zip" and len(inner.args) == 2 and _range_over(inner.args[1], inner.args[0]):
            return src.segment(found.file, inner.args[0])
        else:
            return None
    else:
        return None
    if not (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and len(it.args) == 1):
        return None
    return src.segment(found.file, it.args[0])


def _range_over(node: ast.AST, names: ast.AST) -> bool:
    """`range(len(NAMES))`: one number per item of `names`, from 0."""
    return isinstance(node, ast.Call) and src.call_name(node) == "range" and len(node.args) == 1 and isinstance(
        node.args[0], ast.Call) and src.call_name(node.args[0]) == "len" and len(node.args[0].args) == 1 and \
        ast.dump(node.args[0].args[0]) == ast.dump(names)


def _one_hot_width(f: Finding) -> list:
    """`num_classes=` added to the `one_hot` call: the expression that sizes the model where it is readable
    there (`len(CUISINES)`), else the number of outputs."""
    file, call = f.hints["one_hot_inferred"]
    site, outputs = f.hints.get("site"), f.values.get("n_outputs")
    value = str(outputs)
    if site is not None and site.node is not None and not isinstance(site.node, ast.Constant):
        text = src.segment(site.file, site.node)
        names = set(src.names_in(site.node)) - {"len"}
        if site.file == file and names and names <= (bound_names(file, call.lineno) or set()):
            value = text
    f.values["one_hot_classes"] = value
    return edits_of(src.LineEditor.for_node(file, call).add_keywords(call, f"num_classes={value}"))


def size_edit(f: Finding, reserved: bool = False) -> list:
    """Set the classifier's number of outputs where it is decided (analyzers/classes.py `SizeSite`): to
    `len(<label set>)` when that collection is bound there, `len(<names>) + 1` when the label list puts a
    reserved entry before the names (`reserved`), else to the number the data needs."""
    site = f.hints.get("site")
    if site is None:
        return []
    found, need = f.hints.get("label_set"), f.hints.get("need")
    value = str(need)
    if reserved and isinstance(site.node, ast.Call) and src.call_name(site.node) == "len":
        value = f"{src.segment(site.file, site.node)} + 1"
    if found is not None and found.name in (bound_names(site.file, site.line) or set()):
        value = found.count or f"len({found.name})"
    elif f.hints.get("radix") is not None and set(src.names_in(ast.parse(f.hints["radix"].count_text, mode="eval"))) \
            - {"len"} <= (bound_names(site.file, site.line) or set()):
        value = f.hints["radix"].count_text  # `len(PITCH_CLASSES) * len(MODES)`: every label the function makes
    elif found is not None and (numbered := _numbered_from(found)) is not None and all(
            n in (bound_names(site.file, site.line) or set()) for n in src.names_in(ast.parse(numbered, mode="eval"))):
        value = f"len({numbered})"  # `label_to_id` made later from `cfg.data.label_names`: that list is in reach
    shared = _class_setting(site)
    if shared is not None:  # `CFG.num_classes`, read elsewhere too (an out-of-fold table): set where it is defined
        bound = found is not None and found.name in (bound_names(site.file, shared.lineno) or set())
        value = (found.count or f"len({found.name})") if bound else str(need)
        return edits_of(src.LineEditor.for_node(site.file, shared).replace(shared.value, value))
    written = _written_setting(f, site, need)
    if written is not None:  # `num_labels=cfg["num_labels"]` from `yaml.safe_load(SETTINGS)`: set in the text
        return [written]
    chosen = _chosen_by_caller(f, site, need, found)
    if chosen:
        return chosen
    named = _count_named_once(site, value)
    if named:  # `n_morph = len(unique(y))` read by every model the script builds: set the count where it is made
        return named
    e = src.LineEditor.for_node(site.file, site.stmt)
    if site.node is None and site.call is not None and site.kind == "checkpoint":
        # a checkpoint's classifier of another size is replaced, not loaded
        extra = "" if src.keyword(site.call, "ignore_mismatched_sizes") else ", ignore_mismatched_sizes=True"
        e.add_keywords(site.call, f"{site.keyword}={value}{extra}")
    elif site.node is None and site.call is not None:
        e.add_keywords(site.call, f"{site.keyword}={value}")
    elif site.node is not None:
        e.replace(site.node, value)
    return edits_of(e)


def _count_named_once(site, value: str) -> list:
    """The classifier's size is a plain name of the scope (`MorphNet(n_morph)`) assigned once before it and read
    by other lines too (another model built with it, a metric): the edit sets it where it is assigned, when
    `value` reads only names bound there."""
    tree = src.tree_of(site.file)
    if tree is None or not isinstance(site.node, ast.Name):
        return []
    scope = src.enclosing_scope(tree, site.line)
    made = src.assignments(tree, site.node.id, scope)
    if len(made) != 1 or made[0].augmented or not isinstance(made[0].stmt, ast.Assign) \
            or made[0].stmt.lineno >= site.line:
        return []
    reads = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == site.node.id
             and isinstance(n.ctx, ast.Load) and n is not site.node]
    bound = bound_names(site.file, made[0].stmt.lineno) or set()
    if not reads or not set(re.findall(r"[A-Za-z_]\w*", value)) - {"len"} <= bound:
        return []
    return edits_of(src.LineEditor.for_node(site.file, made[0].stmt).replace(made[0].value, value))


def _chosen_by_caller(f: Finding, site, need: object, found) -> list:
    """`nn.Conv2d(width, n_classes, 1)` inside a class the script builds once, as `Net(n_classes)` after
    `n_classes = len(CLASS_TO_ID)`: the number is chosen at that assignment, which other lines may read too (a
    metric over the classes), so it is set there: `len(CLASS_TO_ID) + 1` (the label set's `len(...)` when it is
    in reach there), not a number written into the reusable class."""
    tree = src.tree_of(site.file)
    current = f.values.get("n_classes")
    if tree is None or not isinstance(site.node, ast.Name) or type(need) is not int or type(current) is not int \
            or need <= current:
        return []
    fn = src.binding_scope(tree, site.node)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or site.node.id not in [a.arg for a in fn.args.args]:
        return []
    given = src.name_source(tree, site.node)
    stmt = src.statement_at(tree, given.lineno) if given is not None else None
    if stmt is None or not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is not given \
            or src.contains(fn, given.lineno):
        return []
    if found is not None and found.name in (bound_names(site.file, given.lineno) or set()) and found.length == need:
        value = found.count or f"len({found.name})"
    elif isinstance(given, ast.Call) and src.call_name(given) == "len":
        value = f"{src.segment(site.file, given)} + {need - current}"
    else:
        return []
    cls = src.enclosing_class(tree, site.line) if fn.name == "__init__" else None
    f.facts.add(SIZE_CHOSEN_BY_CALLER)
    f.values.update(size_name=site.node.id, chosen=value, given_to=cls.name if cls is not None else fn.name)
    return edits_of(src.LineEditor.for_node(site.file, stmt).replace(given, value))


SIZE_CHOSEN_BY_CALLER = fact("size-chosen-by-caller", "the classifier's size is a parameter (`size_name`) of the "
                                                      "class or function that builds it (`given_to`), chosen where "
                                                      "it is called: the edit sets it there (`chosen`)")


def _filled_first(g) -> list[Edit]:
    """The statement that fills the label lists moved to just before the model's construction (same body, same
    indentation), when every name it reads is bound there: the heads are then sized for every class."""
    own = {n.id for n in ast.walk(g.grows) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound = bound_names(g.file, g.model.lineno) or set()
    if not set(src.names_in(g.grows)) - own <= bound or g.grows.col_offset != g.model.col_offset:
        return []
    lines = "".join(files.line(g.file, n) for n in range(g.grows.lineno, (g.grows.end_lineno or g.grows.lineno) + 1))
    removed = src.remove_statement(g.file, g.grows)
    added = src.insert_before(g.file, g.model, lines[g.grows.col_offset:].rstrip("\n"))
    return [added, removed] if removed is not None and added is not None else []


BUILT_AFTER = fact("built-after-growth", "the fix moves the model's construction after the statement that fills "
                                         "the label map (its own inputs are made only after the model)")


def _built_after(g) -> list[Edit]:
    """The model's construction moved after the statement that fills the label map, when what fills it is made
    only after the model and nothing in between uses the model; a size copied from the map before it grew
    (`n_classes = len(label_to_id)`) is read off the map there (`len(label_to_id)`)."""
    model = g.model.targets[0].id
    if any(model in src.names_in(st) for st in g.between) or g.grows.col_offset != g.model.col_offset:
        return []
    tree = src.tree_of(g.file)
    text = src.segment(g.file, g.model)
    for name in dict.fromkeys(src.names_in(g.model.value)):
        made = src.last_assignment(tree, name, g.model.lineno) if tree is not None else None
        if made is not None and isinstance(made.value, ast.Call) and src.call_name(made.value) == "len" and \
                src.names_in(made.value) == ["len", g.grown]:
            text = re.sub(rf"\b{re.escape(name)}\b", f"len({g.grown})", text)
    removed, added = src.remove_statement(g.file, g.model), src.insert_after(g.file, g.grows, text)
    return [removed, added] if removed is not None and added is not None else []

