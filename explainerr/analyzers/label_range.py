"""Analyzer for class labels the classifier does not have: a label at or past the number of outputs (the
model built with too few classes, or 1-based labels), or a negative one (an "unlabeled" marker that is not the
ignore index).  Where the number of outputs is decided is read here and in the modules it calls: bins counted as
their edges (bucket_count.py), a derived field `replace(...)` copied (kept_by_replace.py), a class attribute a
subclass overrides (class_attrs.py), a global set again after the model was built, a settings text's line; scores
of queries against candidates are no classifier (similarity_scores.py).  Whether the user's code numbers the
classes from zero is read in label_numbering.py, the labels that mark "no class" in label_markers.py."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import ModuleFacts, TensorFacts
from . import Finding, analyzer, evidence, fact, value_evidence
from .classes import (_LABEL_NAME, LabelSet, _field_default, _mutated, class_name, config_site, keyword_site, label_set,
                      layer_site, linear_site, static_int, user_files)
from .label_markers import class_markers, negative_written, sentinel_marker
from .label_numbering import enumerated_labels, label_lines, made_zero_based, subscripted_names
from .label_sources import dataset_column, inverse_map, one_based_map
from .growing_map import catch_all_default
from .zipped import zipped_key_order
from .operands import (
    TARGET_NAMES,
    describe_library_loss,
    indexed_by_labels,
    loss_model,
    loss_operands,
    passed_in,
    user_model_name,
)

NEGATIVE = fact("negative", "the bad values are negative (a label or an id below 0)")
ONE_BASED = fact("one-based", "the labels run from 1 to the number of classes: they are 1-based")
TOO_FEW = fact("too-few-classes", "the data has more classes than the classifier has outputs")
COUNTED_PRESENT = fact("counted-present", "the number of outputs counts the distinct labels present in "
                                          "`counted_in`, not the classes there are")
LABEL_SET_MANY = fact("label-set-many", "`label_set` maps `label_set_keys` keys to `label_set_len` class ids, "
                                        "several keys to one class: its classes are its distinct values")
LABEL_SET = fact("label-set", "a collection in the user's code names the classes (`label_set`, `label_set_len`)")
SIZE_NAME_SOURCE = fact("size-name-source", "the name the number of outputs is set with holds a value written "
                                           "elsewhere (`size_name` = `size_source`, line `size_source_line`)")
SET_IN_TEXT = fact("set-in-text", "the number of outputs is read from a settings text the script parses, set on "
                                  "line `text_line` (`text_setting`)")
SET_AGAIN = fact("set-again", "the name the number of outputs is read from is set again after the model was built "
                                "from it (`again_name`, read on line `read_line`, set again on line `again_line`)")
LABEL_SET_FROM = fact("label-set-from", "the label map numbers the items of another collection "
                                       "(`label_set_from`, line `label_set_line`)")
CONFIG_FIELD = fact("config-field", "the size at fault is a field of a transformers config (num_labels, vocab_size)")
SIZE_LEFT_DEFAULT = fact("size-left-default", "the call that builds the model or config leaves the size at its "
                                              "default (`site`, `site_line`)")
SIZE_FROM_CHECKPOINT = fact("size-from-checkpoint", "from_pretrained is called without the size: the model keeps "
                                                     "the checkpoint's value (`site`, `site_line`)")
MAP_GREW = fact("map-grew", "the classifier's size was read as len() of a label map, or of the list a map was made "
                            "from (`read_name`, `read_as`), and the map holds more entries now (`grown_map`: "
                            "`grown_len`): it was filled further after the model was built")
SIZE_SET_AT = fact("size-set-at", "the line that sets the classifier's size was found (`site`, `site_line`)")
SIZE_FROM_FIELD = fact("size-from-field", "the size is read off a settings object (`field_read`) that keeps its "
                                          "class's default (`field_of` = `field_default`, line `field_line`)")
CLASS_NAMED_IN_SET = fact("class-named-in-set", "the label set names the largest label `max_label` (`max_label_name`)")
OFFSET_SUBTRACTED = fact("offset-subtracted", "the labels are made by subtracting a computed offset (`shift_made`, "
                                               "line `shift_line`), and no negative marker is written in the code")
MARKER_NAMED = fact("marker-named", "an UPPER_CASE name in the user's code holds the negative label (`marker`)")
ONE_BASED_MAP = fact("one-based-map", "a label map in the user's code numbers the classes from 1 (`id_map`, line "
                                       "`id_map_line`, by `id_map_start`)")
ONE_BASED_SWITCH = fact("one-based-switch", "the map adds an offset a switch of its class sets, and the switch's "
                                             "default turns it on (`id_map_via`)")
RESERVED_FIRST = fact("reserved-first", "the label list is built with an entry before the class names "
                                         "(`reserved_list` = `reserved_made`, line `reserved_line`) and numbered from 0")
VALUE_LIST = fact("value-list", "the classifier is sized `len(value_list)`, a literal collection of the label values "
                                "themselves (`value_list_items`), which run from 1")
SENTINEL = fact("sentinel", "the label value is a constant the user's code names as no class (`marker`)")
SKIP_MARKER = fact("skip-marker", "the fix tells the user's own loss call to skip the marker label (`ignore`)")
LABELY = re.compile(r"label|target|tag|\by\b|gold", re.I)


@analyzer("label-exceeds-classes")
def label_out_of_range(ctx: Context) -> Finding | None:
    target = ctx.int_group("target")
    logits_op, labels_op = loss_operands(ctx)
    if ctx.groups.get("size") is not None:  # "index 33 is out of bounds for dimension 1 with size 30"
        picked = indexed_by_labels(ctx)
        if picked is None or ctx.int_group("size") != picked[0].seen.shape[1]:
            return None
        logits_op, labels_op = picked
    logits = logits_op.seen
    if logits is None or len(logits.shape) < 2 or target is None:
        return None
    n_classes = logits.shape[1]
    from .similarity_scores import similarity_scores
    if similarity_scores(ctx, logits_op.user or logits):
        return None  # scores of queries against candidates (`cos_sim(q, h)`): no classifier, no number of classes
    labels = labels_op.user or _labels_holding(ctx, target)
    written = None if labels is not None or labels_op.seen is None else _argument_text(ctx)
    seen = labels_op.seen
    lo = labels.min if labels is not None and labels.min is not None else (seen.min if seen else None)
    hi = labels.max if labels is not None and labels.max is not None else (seen.max if seen else None)
    skipped = _ignore_index(ctx)
    if skipped is not None and hi == skipped and target != skipped:
        hi = None  # the largest value is the one the loss skips: of the labels it counts, only the target is known
    f = Finding()
    f.hints["logits_seen"] = logits_op.user or logits
    f.hints["labels_made"] = labels
    f.values.update(target=target, n_classes=n_classes, last_class=n_classes - 1,
                    labels=labels.expr if labels else written, min_label=lo, max_label=hi)
    span = f"label {lo}" if lo == hi else f"labels {lo}..{hi}"
    f.values["holds"] = (f"`{f.values['labels']}` holds {span}" if f.values["labels"] and lo is not None
                         else (f"the labels run from {lo} to {hi}" if lo != hi else f"the loss got label {lo}")
                         if lo is not None else f"the loss got label {target}")
    if skipped is not None and hi is None:
        f.values["holds"] = (f"`{f.values['labels']}` holds label {target}" if f.values["labels"] else
                             f"the loss got label {target}") + f" (beside {skipped}, the ignore_index the loss skips)"
        lo = None
    describe_library_loss(ctx, f, labels_op)
    given = passed_in(ctx, labels)
    if given is not None:
        f.values.update(labels_arg=given[0], labels_arg_line=given[1])
    model = loss_model(ctx) or _user_model(ctx, n_classes)
    config = model is not None and model.config.get("num_labels") == n_classes
    consts = [] if config else [c for c in ctx.scalar_names(n_classes) if _sizes_a_layer(ctx, c)]
    if config:
        f.facts.add(CONFIG_FIELD)
        f.values.update(size_field="num_labels", classes_name="num_labels")
    elif consts:
        f.values["classes_name"] = consts[0]
    f.values["classes_ref"] = f" (`{f.values['classes_name']}` = {n_classes})" if f.values.get("classes_name") else ""
    e = evidence(labels, note=f"labels {lo}..{hi}" if lo is not None else None)
    if e:
        f.evidence.append(e)
    f.evidence.append(value_evidence("number of classes (the logits' dimension 1)", n_classes))
    need = (hi or target) + 1
    from .reduction import made_pairwise
    scores = logits_op.user or logits
    if len(scores.shape) == 2 and scores.shape[0] == scores.shape[1] and target >= n_classes \
            and made_pairwise(ctx, scores):
        return None  # in-batch scores (`q @ d.T`): the classes are the batch's candidates, the labels are ids of another kind
    from .position_targets import scores_per_position
    if scores_per_position(ctx, scores, target):
        return None  # one score per token of the window: the targets are positions counted elsewhere
    if n_classes > 1 and _scores_of_one_output_model(ctx):
        return None  # a one-score model's outputs laid side by side: the columns are candidates, not classes
    from .reduction import scored_against_computed
    if target >= n_classes and len(scores.shape) == 2 and scored_against_computed(ctx, scores):
        return None  # scores against rows this function computed (prototypes, centroids): no classifier to size
    from .numbered_orders import heads_numbered_apart
    if target >= n_classes and heads_numbered_apart(ctx):
        return None  # the head was picked by an id numbered in another order than the heads were built
    from .numbered_orders import label_fits_sibling_head
    if target >= n_classes and label_fits_sibling_head(ctx, n_classes, need):
        return None  # the labels fit another head of the list the example's head was picked from
    from .field_order import unpacked_out_of_order
    if unpacked_out_of_order(ctx, labels):
        return None  # the batch's fields were unpacked in another order than the Dataset returns them
    if target >= n_classes and _labels_of_another_loss(ctx, logits_op):
        return None  # the same labels go to another head's loss just before: they are that head's labels
    if target >= n_classes and _one_target_for_every_head(ctx, logits_op, hi if isinstance(hi, int) else target):
        return None  # a loop gives each head of a mapping the same labels: they are the wider head's
    from .label_shift import name_list_sizing
    if lo is not None and lo >= n_classes and name_list_sizing(ctx, n_classes) is not None:
        return None  # the classes are the items of a names list, and no label is a position in it: another field
    if target < 0:
        f.facts.add(NEGATIVE)
        markers = [n for n in ctx.scalar_names(target) if n.isupper() and len(n) > 1] or class_markers(ctx, target)
        if markers:
            f.facts.add(MARKER_NAMED)
            f.values["marker"] = markers[0]
        elif not negative_written(ctx, target):
            _offset_subtracted(ctx, f, labels.expr if labels is not None else None)
    elif target >= n_classes and (marker := sentinel_marker(ctx, target)) is not None:
        f.facts.add(SENTINEL)  # a value the code names as "not a class" (`CONFIG["nodata_label"]` = 255)
        f.values["marker"] = marker
        f.alternatives.append(_too_few(ctx, f, model, n_classes, need, primary=False))
    elif lo is not None and 1 <= lo and hi in (n_classes, n_classes + 1) and _digitized_over_limits(ctx, n_classes):
        f.merge(_too_few(ctx, f, model, n_classes, n_classes + 1, primary=True))  # 1..N from `digitize(x, edges)`
    elif lo is not None and 1 <= lo < hi == n_classes and _zero_would_show(labels, lo, n_classes) \
            and label_set(ctx, exactly=hi + 1) is None \
            and not made_zero_based(ctx, labels) and not _reserved_first(ctx, f) \
            and not _fallback_past_list(ctx, f, hi) and not _enum_from_zero(ctx, hi + 1):
        f.facts.add(ONE_BASED)
        from .enum_labels import ENUM_FROM_ONE, enum_from_one
        numbered = enum_from_one(ctx, n_classes)
        if numbered is not None:  # the labels are an Enum's values, numbered from 1: the facts decide
            f.facts.add(ENUM_FROM_ONE)
            f.values.update(enum=numbered[0], enum_how="`enum.auto()` starts at 1" if numbered[1] == "auto()"
                            else "its members are written 1, 2, ...")
            f.confidence = "high"
        made = one_based_map(ctx, n_classes)
        if made is not None:
            f.facts.add(ONE_BASED_MAP)
            f.values.update(id_map=made.name, id_map_line=made.line,
                            id_map_start=src.segment(made.file, made.start))
            if made.via is not None:  # a switch the map reads starts it at 1
                f.facts.add(ONE_BASED_SWITCH)
                f.values.update(id_map_via=made.via, id_map_start=ast.unparse(made.stmt.target) + " = "
                                + src.segment(made.file, made.start))
            f.hints["one_based_map"] = made
            inverse = inverse_map(made)
            if inverse is not None:
                f.values.update(inverse=inverse[0], inverse_line=inverse[1])
        from .label_shift import name_list_sizing
        values = name_list_sizing(ctx, n_classes, of=int)
        if values is not None and sorted(values[1]) == list(range(1, n_classes + 1)):
            f.facts.add(VALUE_LIST)
            f.values.update(value_list=values[0], value_list_items=f"1..{n_classes}")
        few = _too_few(ctx, f, model, n_classes, need, primary=False)
        if SIZE_SET_AT in few.facts and VALUE_LIST not in f.facts:  # where the classes are counted, from 0
            f.facts.add(SIZE_SET_AT)
            f.values.update(site=few.values["site"], site_line=few.values["site_line"])
        f.alternatives.append(few)
    else:
        zipped = zipped_key_order(ctx)
        if zipped is not None:  # each head got another task's labels: the sizes are right
            f.merge(zipped)
            f.alternatives.append(_too_few(ctx, f, model, n_classes, need, primary=False))
        else:
            from .label_shift import shifted_past_names
            shifted = shifted_past_names(ctx, labels, n_classes, hi)
            if shifted is not None:  # more outputs would train a class no name maps to
                f.merge(shifted)
                f.alternatives.append(_too_few(ctx, f, model, n_classes, need, primary=False))
            else:
                from .label_scheme import labels_from_other_scheme
                if labels_from_other_scheme(ctx, n_classes, need):
                    return None  # labelled by the other of two label functions: the model fits the one it was built for
                from .label_scheme import fitting_map_beside
                if isinstance(hi, int) and fitting_map_beside(ctx, n_classes, hi):
                    return None  # mapped with another task's label map, beside one that fits the head
                few = _too_few(ctx, f, model, n_classes, need, primary=True)
                if not _offset_block(ctx, f, lo, hi, n_classes):  # (ids of a block of a larger numbering)
                    if _no_label_a_class(few, lo, hi, n_classes, labels):
                        return None  # raw values (a count, a code) none of which is a class, and nothing counts so many
                    from .argmax_labels import labels_from_argmax
                    if labels_from_argmax(ctx, few.hints.get("site"), few.hints.get("label_set")):
                        return None  # argmax positions over another axis, for a head sized by the class names
                    from .reduced_classes import counted_after_reducing
                    if isinstance(hi, int) and counted_after_reducing(ctx, few.hints.get("site"), hi, n_classes):
                        return None  # positions in the class list before it was reduced, for a head sized after
                    f.merge(few)
    column = dataset_column(ctx, labels)
    f.hints.update(labels=labels, seen_labels=seen, per_example=seen is not None and len(seen.shape) == 1
                   and seen.shape[0] == logits.shape[0] and len(logits.shape) == 2,
                   n_classes=n_classes, max_label=hi, target=target,
                   trace=[column] if column is not None else [])
    return f


LABELS_OFFSET = fact("labels-offset", "the head is sized `len(value_list)`, a list of the consecutive ids "
                                      "`value_list_items`, and every label is one of them: ids of a larger numbering, "
                                      "to be shifted down by `offset_expr` (`offset`)")


def _offset_block(ctx: Context, f: Finding, lo: object, hi: object, n_classes: int) -> bool:
    """Every label is past the head's classes, and the head is sized by a literal list of n_classes consecutive
    ids that holds every label (`num_parts = len(SEG_CLASSES[CATEGORY])`, `[12, 13, 14, 15]`): the labels are
    ids of a numbering shared with other groups; this head's classes are them less the list's first id."""
    from .label_shift import name_list_sizing
    if not (isinstance(lo, int) and isinstance(hi, int)) or lo < n_classes:
        return False
    listed = name_list_sizing(ctx, n_classes, of=int)
    values = (listed[0], listed[1], None) if listed is not None else _counted_entry(ctx, n_classes)
    if values is None:
        return False
    name, items, count_name = values
    sized_by = f"{count_name}` = `len({name})" if count_name else f"len({name})"
    first = min(items)
    if sorted(items) != list(range(first, first + n_classes)) or not first <= lo <= hi < first + n_classes:
        return False
    f.facts.add(LABELS_OFFSET)
    f.values.update(value_list=name, sized_by=sized_by, value_list_items=f"{first}..{first + n_classes - 1}",
                    offset=first,
                    offset_expr=f"{name}[0]" if items[0] == first else str(first))
    f.confidence = "high"
    return True


def _counted_entry(ctx: Context, n_classes: int) -> tuple[str, list[int], str | None] | None:
    """The one `len(TABLE[KEY])` of the user's files (a count, `num_parts = len(SEG_CLASSES[CATEGORY])`) whose
    entry is a literal list of n_classes ints: its text, its ints, and the name the count is assigned to (or
    None)."""
    from .label_shift import dict_entry_list
    found: dict[str, tuple[list[int], str | None]] = {}
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        for call in src.calls(tree) if tree is not None else ():
            if src.call_name(call) != "len" or len(call.args) != 1:
                continue
            items = dict_entry_list(tree, call.args[0])
            if items is None or len(items) != n_classes:
                continue
            stmt = src.statement_at(tree, call.lineno)
            named = stmt.targets[0].id if isinstance(stmt, ast.Assign) and stmt.value is call \
                and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) else None
            text = src.segment(fr.file, call.args[0])
            found[text] = (items, named or (found[text][1] if text in found else None))
    if len(found) != 1:
        return None
    text, (items, named) = next(iter(found.items()))
    return text, items, named


def _no_label_a_class(few: Finding, lo: object, hi: object, n_classes: int, labels) -> bool:
    """Every label of the batch is past the head's classes, the largest two or more past, and no collection of
    the user's code (a label list, a map, the sequence a map numbers) has as many items as the labels need:
    the values are raw quantities or codes of the data (a token count, a year), not class ids a larger head
    would fit; the mapping to classes is what is missing."""
    if not (isinstance(lo, int) and isinstance(hi, int)) or lo < n_classes or hi < n_classes + 2:
        return False
    if labels is None or labels.numel < 2 or few.hints.get("label_set") is not None:
        return False
    return SIZE_LEFT_DEFAULT not in few.facts  # a head left at its default size may simply be too small


def _map_looked_up(ctx: Context, labels: TensorFacts | None, need: int) -> LabelSet | None:
    """The map a user frame holds that the lines making the labels look each label up in (`queue_index[q]`,
    `queue_index = {name: i for i, name in enumerate(...)}`), when it has at least `need` entries: it names the
    classes."""
    read = subscripted_names(label_lines(ctx, labels))
    found = []
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        for name in sorted(read & set(fr.lengths)):
            made = src.assignments(tree, name, src.enclosing_scope(tree, fr.line), before=fr.line) if tree else []
            if made and isinstance(made[-1].value, (ast.Dict, ast.DictComp)) and fr.lengths[name] >= need:
                found.append(LabelSet(name=name, length=fr.lengths[name], file=fr.file, line=made[-1].stmt.lineno))
    names = {s.name for s in found}
    return found[0] if len(names) == 1 else None


def _labels_of_another_loss(ctx: Context, logits_op) -> bool:
    """The failing loss call (`ce(action_logits, batch["device"])`) has the very target text of another call of
    the same loss earlier in the same function, given other predictions (`ce(device_logits, batch["device"])`,
    which ran): one label tensor for two heads, the second head's own labels left unread.  The head is not too
    small; the labels are another head's."""
    seen = logits_op.user or logits_op.seen
    frame = ctx.frames[seen.frame] if seen is not None else None
    tree = src.tree_of(frame.file) if frame is not None and not frame.library else None
    if tree is None:
        return False
    here = [c for c in src.calls(tree) if c.lineno <= frame.line <= (c.end_lineno or c.lineno) and len(c.args) == 2
            and src.segment(frame.file, c.args[0]) == seen.expr]
    if len(here) != 1:
        return False
    call = here[0]
    name, target = src.call_name(call), src.segment(frame.file, call.args[1])
    scope = src.enclosing_scope(tree, frame.line)
    return any(c is not call and src.call_name(c) == name and len(c.args) == 2 and c.lineno < call.lineno
               and src.segment(frame.file, c.args[1]) == target and src.segment(frame.file, c.args[0]) != seen.expr
               for c in src.calls(scope))


def _one_target_for_every_head(ctx: Context, logits_op, top: int) -> bool:
    """The failing loss takes `logits[<loop variable>]` (seen as `logits["family"]`) inside a `for` over the
    heads, with a target that does not depend on the loop (`ce(logits[lv.name], batch["target"])`), and another
    head of that mapping, of another width, fits every label: one label tensor for heads of different sizes, the
    other head's labels."""
    seen = logits_op.user or logits_op.seen
    frame = ctx.frames[seen.frame] if seen is not None else None
    tree = src.tree_of(frame.file) if frame is not None and not frame.library else None
    m = re.fullmatch(r"(\w+)\[(.+)\]", seen.expr) if tree is not None else None
    if m is None:
        return False
    here = [c for c in src.calls(tree) if c.lineno <= frame.line <= (c.end_lineno or c.lineno) and len(c.args) >= 2
            and isinstance(c.args[0], ast.Subscript) and src.segment(frame.file, c.args[0].value) == m.group(1)]
    if len(here) != 1:
        return False
    keyed = set(src.names_in(here[0].args[0].slice))  # the loop over the heads: the one whose target picks the head
    loops = [lp for lp in src.enclosing_loops(tree, frame.line) if keyed & set(src.names_in(lp.target))]
    looped = {n for loop in loops[-1:] for n in src.names_in(loop.target)}
    if not looped or looped & set(src.names_in(here[0].args[1])):
        return False
    width = seen.shape[1] if len(seen.shape) == 2 else None
    return any(t.expr.startswith(f"{m.group(1)}[") and len(t.shape) == 2 and t.shape[1] != width
               and t.shape[1] > top for t in frame.tensors)


def _name_source(f: Finding, site) -> None:
    """`n_classes` of `nn.Linear(dim, n_classes)`: the value it holds where it was written (`len(observed)`)."""
    tree = src.tree_of(site.file)
    if tree is None or not isinstance(site.node, ast.Name):
        return
    given = src.name_source(tree, site.node)
    if given is not None:
        f.facts.add(SIZE_NAME_SOURCE)
        f.values.update(size_name=site.node.id, size_source=src.segment(site.file, given),
                        size_source_line=given.lineno)
        from .kept_ids import kept_ids_finding
        kept = kept_ids_finding(site.file, tree, given)
        if kept is not None:  # `n = len(train_speakers)`, the labels `spk[isin(spk, train_speakers)]`
            f.merge(kept)


def _kept_ids_by_name(ctx: Context, f: Finding, n_classes: int) -> None:
    """The one name of the user frames holding the number of classes and written `len(kept)`, for a classifier
    whose size is passed where no size keyword or Linear shows it (`Head(dim, num_speakers)`)."""
    from .classes import user_files
    from .kept_ids import kept_ids_finding
    found = []
    for name in ctx.scalar_names(n_classes):
        for file in user_files(ctx):
            tree = src.tree_of(file)
            made = src.assignments(tree, name) if tree is not None and name.isidentifier() else ()
            if len(made) == 1:
                kept = kept_ids_finding(file, tree, made[0].value)
                if kept is not None:
                    found.append((name, file, made[0], kept))
    if len(found) == 1:
        name, file, made, kept = found[0]
        f.merge(kept)
        f.values.update(size_name=name, size_source=src.segment(file, made.value), size_source_line=made.value.lineno)


def _too_few(ctx: Context, main: Finding, model: ModuleFacts | None, n_classes: int, need: int,
             primary: bool) -> Finding:
    """The reading "the classifier has too few outputs": where its size is set, the label set it should
    count, and how sure the numbers make it (high when a deciding fact ties them: the config left at its
    default, or a label set with exactly one more class than the largest label)."""
    f = Finding(facts={TOO_FEW})
    found = label_set(ctx, at_least=need)
    if found is None:  # the sequence the labels' map enumerates, when no collection is named as the classes
        found = enumerated_labels(ctx)
        found = found if found is not None and found.length >= need else None
    if found is None:  # the map of a user frame the labels were looked up in (`queue_index[q]`)
        found = _map_looked_up(ctx, main.hints.get("labels_made"), need)
    if found is not None and _catch_all_map(found):
        found = None  # `defaultdict(lambda: len(kept))` holds every key it met, most of them the one catch-all id
    from .label_radix import LABEL_RADIX, radix_labels
    radix = radix_labels(ctx, need) if found is None else None
    if radix is not None and radix.count > n_classes:  # `tonic + len(PITCH_CLASSES) * MODES.index(mode)`
        f.facts.add(LABEL_RADIX)
        f.values.update(radix_fn=radix.fn, radix_expr=radix.expr, radix_line=radix.line, radix_count=radix.count_text,
                        radix_digits=radix.digits, radix_unit=radix.unit)
        f.hints["radix"] = radix
        need = radix.count
    if found is not None:
        f.facts.add(LABEL_SET)
        f.values.update(label_set=found.name, label_set_len=found.length, label_set_fix=found.count or f"len({found.name})")
        if found.count:
            f.facts.add(LABEL_SET_MANY)
            f.values["label_set_keys"] = found.keys
        need = found.length
        if found.made_from and found.made_from != found.name:
            f.facts.add(LABEL_SET_FROM)
            f.values.update(label_set_from=found.made_from, label_set_line=found.line)
        from .setting_not_passed import SETTING_NOT_PASSED, setting_not_passed
        left = setting_not_passed(ctx, found)
        if left is not None:  # `label_map = build_label_map()` while `settings.scheme` differs from its default
            f.facts.add(SETTING_NOT_PASSED)
            f.values.update(map_call=" ".join(src.segment(left.file, left.call).split()), map_line=left.stmt.lineno,
                            left_param=left.param, left_default=src.segment(left.file, left.default),
                            holder=left.holder, setting_value=src.segment(left.file, left.value),
                            derived=left.derived, derived_line=left.derived_line, passed=f"{left.param}={left.holder}.{left.param}")
            f.hints["setting_not_passed"] = left
        named = class_name(found, main.values["max_label"]) if isinstance(main.values.get("max_label"), int) \
            else None
        if named:
            f.facts.add(CLASS_NAMED_IN_SET)
            f.values["max_label_name"] = named
    f.values["need"] = need
    site = None
    if model is not None and model.config:
        site = config_site(ctx, model, user_model_name(ctx, model) or main.values.get("model_name"))
        f.values.update(size_field="num_labels")
    if site is None:
        site = linear_site(ctx, n_classes, main.hints.get("logits_seen"))
        if site is not None:
            f.values.setdefault("size_field", "out_features")
    scores = main.hints.get("logits_seen")
    if site is None and scores is not None and len(scores.shape) >= 3:  # a segmentation head: a convolution
        site = layer_site(ctx, ("Conv1d", "Conv2d", "Conv3d"), n_classes, 1, "out_channels")
        if site is not None:
            f.values.setdefault("size_field", "out_channels")
    if site is None:
        site = keyword_site(ctx, n_classes)
    if site is not None:
        f.values.update(site=site.text, site_line=site.line)
        seen = re.search(r"len\((?:torch\.unique|np\.unique|numpy\.unique|set|sorted\(set)\((.+?)\)\)", site.text)
        if seen:  # `num_labels = len(torch.unique(train_ds.tensors[2]))`: the classes one split happens to hold
            f.facts.add(COUNTED_PRESENT)
            f.values["counted_in"] = seen.group(1)
        f.facts.add({"default": SIZE_LEFT_DEFAULT, "checkpoint": SIZE_FROM_CHECKPOINT}.get(site.kind, SIZE_SET_AT))
        _field_of_settings(f, site)
        from .env_setting import ENV_SETTING, env_setting, env_values
        env = env_setting(src.tree_of(site.file), site.file, site.node) if site.node is not None else None
        if env is not None and env.line:  # `num_labels=len(queues)` of `queues = env_list("TICKET_QUEUES")`
            f.facts.add(ENV_SETTING)
            f.values.update(env_values(env))
        _name_source(f, site)
        from ..fixes.checks import bound_names
        if found is not None and found.name not in (bound_names(site.file, site.line) or {found.name}):
            f.values["label_set_fix"] = str(found.length)  # the map is not in reach where the size is set
    f.hints.update(site=site, label_set=found, need=need)
    if "kept-ids" not in f.facts:
        _kept_ids_by_name(ctx, f, n_classes)
    _map_grew(ctx, f, n_classes)
    from .grown_after_model import GROWN_AFTER_MODEL, facts_of, grown_after_model
    grown = grown_after_model(ctx) if MAP_GREW not in f.facts or f.hints.get("map_grew_via") else None
    if grown is not None:  # `sync_label_lists(SPECS, rows)` after `model = Model(..., SPECS)`
        f.facts.discard(MAP_GREW)  # (the statement that grows it, after the model, says more than the count)
        f.hints.pop("map_grew_via", None)
        f.facts.add(GROWN_AFTER_MODEL)
        f.values.update(facts_of(grown))
        f.hints["grown_after"] = grown
    if site is not None:
        _set_again(f, site)
        _set_in_text(f, site, n_classes)
    from .class_attrs import ATTR_OVERRIDDEN, overridden_reads
    over = overridden_reads(ctx, n_classes, need)
    if over is not None:  # `len(EventBulletin.EVENT_TYPES)` while the data is a subclass that lists more
        f.facts.add(ATTR_OVERRIDDEN)
        f.values.update(attr_read=src.segment(over.file, over.read), attr_line=over.read.lineno,
                        attr_instance=over.instance, attr_cls=over.cls, attr_len=over.length,
                        attr_fixed=f"{over.instance}.{over.read.attr}", attr_name=over.read.attr)
        f.hints["overridden"] = over
    from .kept_by_replace import kept_size
    kept = kept_size(ctx, lambda name: bool(_LABEL_NAME.search(name) or re.match(r"(num|n)_", name)))
    if kept is not None:
        f.merge(kept)
    from .bucket_count import BINS_ONE_MORE, EDGES_ONE_SUBTRACTED, EDGES_WITH_LIMITS, PER_EDGE, bins_counted_as_edges, edges_with_limits
    bins = bins_counted_as_edges(ctx, n_classes) if need == n_classes + 1 else None
    if bins is not None:  # `bucketize(x, edges)` gives len(edges) + 1 bins: the count is one short
        f.facts.add(BINS_ONE_MORE)
        scope = src.scope_name(bins.file, bins.binning_line)
        f.values.update(bins_call=bins.binning, bins_line=bins.binning_line, edges=bins.edges,
                        bins_where=f"line {bins.binning_line}" + (f", in `{scope}`" if scope else ""),
                        count_stmt=src.segment(bins.file, bins.stmt), count_line=bins.stmt.lineno,
                        bins_fixed=f"len({bins.edges}) + 1")
        f.hints["bins"] = bins
        if bins.per_edge:
            f.facts.add(PER_EDGE)
            f.values["per_edge"] = bins.per_edge
    limits = edges_with_limits(ctx, n_classes) if bins is None and need == n_classes + 1 else None
    if limits is not None:  # `bucketize(x, edges)` over N + 1 edges, the limits included, for N classes
        file, _, edges, call, shifted = limits
        text = src.segment(file, edges)
        f.facts.add(EDGES_WITH_LIMITS)
        f.values.update(bins_call=call, edges=text, n_edges=n_classes + 1, edges_fixed=f"{text}[1:-1]")
        if shifted:  # `digitize(x, edges) - 1`: the lower limit already counted away; only the upper one dropped
            f.facts.add(EDGES_ONE_SUBTRACTED)
            f.values["edges_fixed"] = f"{text}[:-1]"
        elif re.search(r"(^|\.)digitize\(", call):  # numbered 1..N between the edges, N + 1 at the upper limit
            from .bucket_count import DIGITIZED_FROM_ONE
            f.facts.add(DIGITIZED_FROM_ONE)
            f.values.update(n_bins_past=n_classes + 1)
        f.hints["edges_with_limits"] = limits
    tied = (found is not None and found.length == (main.values.get("max_label") or -1) + 1) or (
        site is not None and site.kind == "default" and f.values.get("size_field") == "num_labels") or (
        MAP_GREW in f.facts) or (BINS_ONE_MORE in f.facts and PER_EDGE not in f.facts) or GROWN_AFTER_MODEL in f.facts \
        or "digitized-from-one" in f.facts  # the edges' count and the labels 1..N decide it
    tied = (tied or ATTR_OVERRIDDEN in f.facts) and SET_AGAIN not in f.facts  # which value the model should have is the user's choice
    f.confidence = "high" if tied and primary else "medium" if primary else "low"
    return f


def _digitized_over_limits(ctx: Context, n_classes: int) -> bool:
    """The labels are `np.digitize(x, edges)` (nothing subtracted) over `n_classes + 1` edges, both limits
    included: numbered 1..N between the edges, so they look 1-based, and N + 1 at the upper limit."""
    from .bucket_count import edges_with_limits
    found = edges_with_limits(ctx, n_classes)
    return found is not None and not found[4] and re.search(r"(^|\.)digitize\(", found[3]) is not None


def _catch_all_map(found: LabelSet) -> bool:
    """The label set is a `defaultdict` whose default is one id for every key it does not hold (`defaultdict(lambda:
    len(kept))`): its length counts the keys it met, not the classes."""
    tree = src.tree_of(found.file)
    made = src.assignments(tree, found.name) if tree is not None and found.name.isidentifier() else []
    return any(catch_all_default(a.value, {found.name}) for a in made)  # any function's map of that name


def _set_in_text(f: Finding, site, n_classes: int) -> None:
    """`settings.num_classes` set by the settings text the script parses: the line that sets it
    (`num_classes: *n_substrates`), where the number is decided."""
    from ..settings_text import read_key, setting_line
    key = read_key(site.node)
    found = setting_line(site.file, key, n_classes) if key is not None else None
    if found is not None:
        f.facts.add(SET_IN_TEXT)
        f.values.update(text_line=found[0], text_setting=found[1].strip())


def _set_again(f: Finding, site) -> None:
    """`num_labels=NUM_LABELS` read when the model was built, and `NUM_LABELS = len(CATEGORIES)` run again
    later (a notebook's cell re-run after classes were added): the model keeps the outputs of the first value."""
    tree = src.tree_of(site.file)
    names = [t.id for t in getattr(site.stmt, "targets", ()) if isinstance(t, ast.Name)] if site.kind in (
        "constant", "assignment") \
        else [site.node.id] if isinstance(site.node, ast.Name) else []
    if tree is None or len(names) != 1:
        return
    reads = [n for c in src.calls(tree) for n in [*c.args, *(k.value for k in c.keywords)]
             if isinstance(n, ast.Name) and n.id == names[0] and (
                 src.is_config_call(c) or re.search(r"(Linear|For\w+|from_pretrained)$", src.call_name(c)))]
    for read in reads:
        found = src.set_again(tree, names[0], read.lineno)
        if found is not None and found[1].targets[0].id == names[0]:  # type: ignore[attr-defined]
            f.facts.add(SET_AGAIN)
            f.values.update(again_name=names[0], read_line=read.lineno, again_line=found[1].lineno,
                            again_stmt=src.segment(site.file, found[1]))
            return


def _field_of_settings(f: Finding, site) -> None:
    """`num_labels=cfg.n_classes` where `cfg` is an instance of a settings class whose field default no call
    changes (`n_classes: int = len(FAULT_CLASSES)`): that default is where the number comes from."""
    tree = src.tree_of(site.file)
    field = _field_default(tree, site.node) if tree is not None and site.node is not None else None
    cls = src.enclosing_class(tree, field.lineno) if field is not None else None
    if cls is None:
        return
    f.facts.add(SIZE_FROM_FIELD)
    f.values.update(field_read=src.segment(site.file, site.node), field_of=f"{cls.name}.{field.target.id}",
                    field_default=" ".join(src.segment(site.file, field.value).split()), field_line=field.lineno)


FALLBACK_CLASS = fact("fallback-class", "the label map's default for what it does not hold (`fallback`, line "
                                        "`fallback_line`) is the label one past the named classes")


def _fallback_past_list(ctx: Context, f: Finding, hi: int) -> bool:
    """The one `table.get(tag, D)` of the user's files whose default `D` is the largest label `hi` (written
    `len(NAMES)` or as the number): a catch-all class numbered after the named ones, so the labels are 0-based
    over one class more than the names (like an entry put before them).  Sets `fallback` and `fallback_line`,
    and the reserved-entry values the fix reads."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            if not (isinstance(call.func, ast.Attribute) and call.func.attr == "get" and len(call.args) == 2):
                continue
            if static_int(ctx, tree, call.args[1]) == hi:
                found.append((file, call))
        for call in src.calls(tree) if tree is not None else ():  # `defaultdict(lambda: len(kept))`
            target = src.statement_at(tree, call.lineno)
            names = {t.id for t in getattr(target, "targets", ()) if isinstance(t, ast.Name)}
            if catch_all_default(call, names) and static_int(ctx, tree, call.args[0].body) in (hi, None) and \
                    isinstance(call.args[0].body, ast.Call) and src.call_name(call.args[0].body) == "len":
                found.append((file, call))
    if len(found) != 1:
        return False
    file, call = found[0]
    f.facts.add(FALLBACK_CLASS)
    f.values.update(fallback=src.segment(file, call), fallback_line=call.lineno,
                    reserved=f"the catch-all label {hi}")
    return True


def _reserved_first(ctx: Context, f: Finding) -> bool:
    """The user's code builds its label list with an entry put before the class names (`[unknown] +
    list(names)`, `["O", *tags]`) and numbers it from 0: the names get labels 1..N by construction, so labels
    from 1 up are 0-based labels over N + 1 classes, not a 1-based numbering.  Sets `reserved`, `reserved_list`
    and `reserved_line`."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for a in src.nodes(tree, ast.Assign) if tree is not None else ():
            v = a.value
            first = None
            if isinstance(v, ast.BinOp) and isinstance(v.op, ast.Add) and isinstance(v.left, (ast.List, ast.Tuple)) \
                    and len(v.left.elts) == 1 and not isinstance(v.right, (ast.List, ast.Tuple)):
                first = v.left.elts[0]
            elif isinstance(v, (ast.List, ast.Tuple)) and len(v.elts) == 2 and isinstance(v.elts[1], ast.Starred):
                first = v.elts[0]
            if first is None or isinstance(first, ast.Starred) or len(a.targets) != 1:
                continue
            name = src.segment(file, a.targets[0])
            numbered = any(isinstance(c, ast.Call) and src.call_name(c) == "enumerate" and c.args
                           and src.segment(file, c.args[0]) == name for c in src.calls(tree))
            if numbered:
                found.append((file, a, first, name))
    if len(found) != 1:
        return False
    file, a, first, name = found[0]
    f.facts.add(RESERVED_FIRST)
    f.values.update(reserved=src.segment(file, first), reserved_list=name, reserved_line=a.lineno,
                    reserved_made=" ".join(src.segment(file, a.value).split()),
                    reserved_in=src.scope_name(file, a.lineno) or "<module>")
    return True


_SIZE_KEYWORDS = re.compile(r"(?i)^(num_|n_)?(labels|classes|outputs|out_features|out_dim|categories|tags)$")


def _offset_subtracted(ctx: Context, f: Finding, expr: str | None) -> None:
    """The one statement of the user's files that makes the labels (by their name or batch key) as `a - b`, `b`
    not a literal (`batch["target"] = batch["grade"] - state.grade_offset`): a label below 0 is a value below the
    offset, not a marker."""
    from .label_sources import leaf
    if expr is None:
        return
    key = leaf(expr)
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for a in src.nodes(tree, ast.Assign) if tree is not None else ():
            t = a.targets[0] if len(a.targets) == 1 else None
            named = (isinstance(t, ast.Name) and t.id == expr) or (isinstance(t, ast.Subscript) and isinstance(
                t.slice, ast.Constant) and t.slice.value == key)
            v = a.value
            if named and isinstance(v, ast.BinOp) and isinstance(v.op, ast.Sub) and \
                    not isinstance(v.right, ast.Constant):
                found.append((file, a, v.right))
    if len(found) == 1:
        file, a, offset = found[0]
        f.facts.add(OFFSET_SUBTRACTED)
        f.values.update(shift_made=" ".join(src.segment(file, a).split()), shift_line=a.lineno,
                        offset=src.segment(file, offset))


def _sizes_a_layer(ctx: Context, name: str) -> bool:
    """Whether `name` is written where a layer or config is sized in the user's files (an argument of a
    `Linear`/`*Config`/`*Classifier` call, or given to a keyword such as `num_labels=`): a frame's number that
    merely equals the class count (a batch size) is not where the classes come from."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            last = src.call_name(call).rpartition(".")[2]
            sized = last.endswith(("Linear", "Config", "Classifier", "Head", "Loss")) and any(
                name in src.names_in(a) for a in call.args)
            if sized or any(k.arg and _SIZE_KEYWORDS.match(k.arg) and name in src.names_in(k.value)
                            for k in call.keywords):
                return True
    return False


def _zero_would_show(labels, lo: int, n_classes: int) -> bool:
    """No label is 0 says the labels are 1-based only when a 0 would likely show among them: a handful of
    classes, the smallest label 1 (both ends of 1..n seen), or at least twice as many labels as classes.  Of 32
    labels out of 396 classes, none is 0 under any numbering."""
    numel = getattr(labels, "numel", None)
    return n_classes <= _FEW_CLASSES or lo == 1 or (isinstance(numel, int) and numel >= 2 * n_classes)


#: Up to this many classes, a batch's labels reach down near the first class whatever their numbering.
_FEW_CLASSES = 20


def _map_grew(ctx: Context, f: Finding, n_classes: int) -> None:
    """`num_labels=len(label2id)` read from a label map that is filled in place and holds more entries now than
    the classifier has outputs: entries were added after the model was built.  The size site the analysis found
    (`nn.Linear(4, n_kinds)` of `n_kinds = len(kind_ids)`) counts too."""
    site = f.hints.get("site")
    for file in user_files(ctx):
        tree = src.tree_of(file)
        read_at = [(k.arg, k.value) for c in (src.calls(tree) if tree is not None else ()) for k in c.keywords
                   if k.arg and _CLASS_COUNT_KW.fullmatch(k.arg)]
        if site is not None and site.file == file and isinstance(site.node, (ast.Name, ast.Call)):
            read_at.append((None, site.node))
        for arg, v in read_at:
            via = None
            if isinstance(v, ast.Name):  # `n_cls=NUM_CLASSES` of `NUM_CLASSES = len(mat2idx)`
                counted = src.last_assignment(tree, v.id, v.lineno)
                via, v = (v.id, counted.value) if counted is not None and counted.value is not None else (None, v)
            if not (isinstance(v, ast.Call) and src.call_name(v) == "len" and len(v.args) == 1
                    and isinstance(v.args[0], ast.Name)):
                continue
            read = v.args[0].id
            from .growing_map import self_numbering_maps
            growing = self_numbering_maps(tree)  # `defaultdict(lambda: len(ids))`: grows whenever it is read
            for name in [read, *_maps_made_from(tree, read), *growing]:
                if not (_mutated(tree, name) or name in growing):
                    continue
                now = max((fr.lengths.get(name, 0) for fr in ctx.frames if not fr.library), default=0)
                if now > n_classes:
                    stmt = src.statement_at(tree, v.lineno)
                    f.facts.add(MAP_GREW)
                    if via is not None:  # the count was taken into a name before: the model reads that later
                        f.hints["map_grew_via"] = via
                    f.values.update(grown_map=name, grown_len=now, read_name=read,
                                    read_as=f"{arg}=len({read})" if arg else f"len({read})",
                                    read_line=stmt.lineno if stmt is not None else v.lineno)
                    return


_CLASS_COUNT_KW = re.compile(r"(num|n)_?(labels?|classes|class|cls|outputs?|out|targets)|out_features|classes")


def _maps_made_from(tree: ast.Module, name: str) -> list[str]:
    """Names assigned a dict made from `name` (`tag2id = {t: i for i, t in enumerate(label_list)}`,
    `dict(zip(name, ...))`): a map that starts with one entry per item of `name`."""
    out = []
    for a in src.nodes(tree, ast.Assign):
        if (len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                and (isinstance(a.value, ast.DictComp) or (isinstance(a.value, ast.Call)
                                                           and src.call_name(a.value) == "dict"))
                and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(a.value))):
            out.append(a.targets[0].id)
    return out


def _user_model(ctx: Context, n_classes: int) -> ModuleFacts | None:
    """A transformers model in the user's frames whose config has `n_classes` labels."""
    for fr in ctx.user_frames():
        for m in fr.modules:
            if m.config.get("num_labels") == n_classes and "." not in m.expr:
                return m
    return None


def _ignore_index(ctx: Context) -> int | None:
    """The label the raising loss skips: the functional's `ignore_index` argument, or the loss module's."""
    for fr in ctx.raise_frames():
        v = fr.scalars.get("ignore_index")
        if type(v) is int:
            return v
        v = next((m.attrs.get("ignore_index") for m in fr.modules if m.expr == "self"), None)
        if type(v) is int:
            return v
    return None


def _labels_holding(ctx: Context, value: int) -> TensorFacts | None:
    """An integer tensor of the user's frames whose range ends at `value` (the label the loss refused),
    preferring one named on the failing line, then one named like labels."""
    cands = [t for fr in ctx.user_frames() for t in fr.tensors
             if t.is_integer and t.max is not None and value in (t.max, t.min)]
    named = set(id(t) for t in ctx.tensors_in_node())
    cands.sort(key=lambda t: (id(t) not in named, not LABELY.search(t.expr)))
    return cands[0] if cands else None


def _argument_text(ctx: Context) -> str | None:
    """The text the user's call passed as the labels when they reached the library unnamed
    (`labels=to_targets(routes)`)."""
    call = ctx.user
    arg = next((a for a in call.call_args if a.param in TARGET_NAMES), None) if call is not None else None
    return arg.text if arg is not None and not arg.text.startswith("*") else None


def _scores_of_one_output_model(ctx: Context) -> bool:
    """Every model with a config in the frames gives one score per input (`num_labels=1`, a cross-encoder or a
    regressor), yet the loss got several columns: the user laid the scores of several inputs side by side
    (a query's candidates), so the columns count candidates, not classes, and a target past them was numbered
    for other candidates; no classifier has a size to change."""
    sizes = {m.config.get("num_labels") for fr in ctx.frames for m in fr.modules if m.config}
    sizes.discard(None)
    return sizes == {1}


def _enum_from_zero(ctx: Context, n_members: int) -> bool:
    """An Enum of the user's files numbers its members 0..n-1 (the labels are their `.value`): 0-based labels."""
    from .enum_labels import enum_from_zero
    return enum_from_zero(ctx, n_members) is not None
