"""Fixes for labels and logits of different lengths: token labels not aligned to the word pieces, labels
cut or filtered apart from the inputs, windows shifted past the end, a loss's result read at the wrong size."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import assigned_call
from ..analyzers.filtered import filter_like
from ..analyzers.operands import user_model_name
from ..facts import Context
from ..model import Edit, FrameFacts
from .width_left_default import width_left_default
from . import Located, edits_of, failing_statement, find_expr, locator
from .checks import bound_names
from .window_labels import labels_loop_per_text, labels_per_window
from .word_labels import align_word_labels
from .label_range import _derive_again, _one_hot_width, size_edit


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
    looped = labels_loop_per_text(ctx, f)
    if looped:  # the labels made in a loop over the texts the tokenizer cut into windows: loop over the windows
        return looped, None
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
        left = width_left_default(ctx, f, f.values.get("seq_labels"), f.values.get("seq_logits"))
        if left:  # `pad_labels(label_ids)` at its default width where the ids are padded to the function's own
            return left, None
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
    if "iterated-apart" in f.facts:  # the labels walk the items the inputs walk
        file, stmt, node, text = f.hints["iterated_apart"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
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
