"""Analyzers for labels whose shape does not fit the predictions: a different count of labels and prediction
rows (one-hot labels flattened, targets not shifted, labels padded longer or made per word, inputs and labels
padded apart, token labels for a sequence classifier, a label width other than the number of outputs), and
class scores outside dimension 1.  The culprit is the side that disagrees with the rest of its batch; each
reading adds its fact, which picks the sentences of the pattern (knowledge/labels.yaml)."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context, shape_text
from ..model import TensorFacts
from . import Finding, analyzer, evidence, fact, label_range, label_text, value_evidence  # noqa: F401  (register label-exceeds-classes, text-loss-labels)
from .classes import config_site, keyword_site, label_set, linear_site
from .label_range import (
    CONFIG_FIELD,
    LABEL_SET,
    LABEL_SET_MANY,
    LABELY,
    SIZE_FROM_CHECKPOINT,
    SIZE_LEFT_DEFAULT,
    SIZE_SET_AT,
)
from .batch_sized import fixed_batch_labels
from .choice_flags import choice_flags
from .classes_read_second import CLASSES_READ_SECOND, classes_read_second
from .chunked import chunked_apart
from .collators import collator_shift, collator_width
from .filtered import (
    filtered_in_builders,
    filtered_sibling,
    islice_restarts,
    refiltered_alone,
    reordered_sibling,
    split_unlike,
)
from .reduction import all_pairs, labels_reduced_over_batch, pairwise_swapped
from .layout import fixed_rows_fold, kept_dim, squeezed_batch, transposed_scores
from .not_this_batch import (computed_from_stale, drawn_before_loop, drawn_twice, global_for_parameter, left_from_loop,
                             returned_in_loop)
from .time_major import padded_time_first, read_time_major
from .cut_apart import cut_apart
from .label_text import BROADCAST_LOSSES
from .retokenized import retokenized_untruncated
from .label_dtype import picked_multi_label
from .label_sources import filtered_apart, leaf, padded_apart, skipped_apart, stacked_parts
from .iterated_apart import iterated_apart
from .own_longest import labels_own_longest
from .label_pad_width import labels_padded_other_max
from .pad_targets import aligned_records_apart, pad_targets, padded_by_library
from .parallel_lists import labels_one_part, part_left_out, specials_left_out
from .operands import (
    Operand,
    describe_library_loss,
    loss_model,
    loss_operands,
    passed_in,
    user_model_name,
)
from .scene import TOKENIZER, scene_facts
from .folded import folded_by_model
from .one_hot_twice import encoded_twice
from .output_place import batch_repeated, other_output_taken
from .shift_source import SHIFT_AT_SOURCE, unshifted_in_mapping, unshifted_source
from .padded_items import padded_items
from .shifted_windows import shifted_window

ONE_HOT = fact("one-hot", "the labels are one-hot rows (0/1, one column per class)")
SHIFTED = fact("shifted", "the decoder was fed the targets without their last step, the loss got them unshifted")
PADDED = fact("padded", "the labels were padded (with a negative value) longer than the batch's sequences")
WORD_LABELS = fact("word-labels", "labels made per word beside a tokenizer that splits words into pieces")
POSITIONS = fact("positions-differ", "the labels have another number of positions per row than the inputs")
PADDED_APART = fact("padded-apart", "the inputs and the labels are padded to lengths computed separately "
                                    "(`len_inputs`, `len_labels` in `pad_function`)")
TOKEN_LABELS = fact("token-labels", "one label per token given to a model that predicts one row per sequence")
LM_COLLATOR = fact("lm-collator", "the labels come from a language-modeling data collator (`collator`)")
LABEL_WIDTH = fact("label-width", "multi-label targets with another number of columns than the outputs")
ELEMENTWISE = fact("elementwise-loss", "the loss compares predictions and labels element by element (binary "
                                       "cross-entropy): their shapes must be equal")
IGNORE_INDEX = fact("ignore-index", "the failing loss skips label -100 (its ignore_index, the default of PyTorch's "
                                     "cross-entropy and of transformers' heads)")
MULTI_TARGET = fact("multi-target", "the labels have a second dimension where cross-entropy wants one class index "
                                     "per row")
TOKEN_LOGITS = fact("token-logits", "the predictions have one row per token (batch, tokens, classes) but the labels "
                                    "one per example")
CLASSES_NAMED = fact("classes-named", "the classifier is sized `len(class_names)`, a literal list of the class names")
EXTRA_DIM = fact("extra-dim", "the labels have a trailing dimension of 1, or the predictions do")
_SHAPE = re.compile(r"\d+")


def _positives_of_square_scores(ctx: Context, logits: TensorFacts | None, labels: TensorFacts | None) -> bool:
    """The scores are a square matrix of every item of the batch against every item (a pairwise product,
    `z @ z.t()`), and the targets were made by `torch.arange` in the user's code: they are the positions of
    each row's positive among the batch's own items, and their count follows how the items were put together
    (two views concatenated) -- a contrastive bookkeeping, not labels of the data."""
    from .reduction import made_pairwise
    if logits is None or labels is None or len(logits.shape) != 2 or logits.shape[0] != logits.shape[1]:
        return False
    frame = ctx.frames[labels.frame]
    tree = src.tree_of(frame.file) if not frame.library and labels.expr.isidentifier() else None
    made = src.last_assignment(tree, labels.expr, frame.line) if tree is not None else None
    value = made.value if made is not None else None
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("to", "long"):
        value = value.func.value
    if not (isinstance(value, ast.Call) and src.call_name(value).rpartition(".")[2] == "arange" and value.args):
        return False
    if not _batch_measured(tree, value.args[-1], made.stmt.lineno):
        return False  # `arange(BATCH_SIZE)`: a fixed count, which a smaller last batch does not have
    if made_pairwise(ctx, logits):
        return True
    from .reduction import _pairwise
    lframe = ctx.frames[logits.frame]
    ltree = src.tree_of(lframe.file) if not lframe.library and logits.expr.isidentifier() else None
    line = lframe.line
    for _ in range(4):  # `s = z @ z.t() / t` then `s = s.masked_fill(eye, -inf)`: the pairwise product before
        made = src.last_assignment(ltree, logits.expr, line) if ltree is not None else None
        if made is None:
            return False
        if _pairwise(made.value):
            return True
        v = made.value
        if not (isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and isinstance(v.func.value, ast.Name)
                and v.func.value.id == logits.expr):
            return False
        line = made.stmt.lineno - 1
    return False


def _batch_measured(tree: ast.Module, node: ast.AST, line: int) -> bool:
    """`node` measures a tensor of the batch itself: `x.size(0)`, `x.shape[0]`, `len(x)`, or a local name
    assigned such a measure before `line`."""
    if isinstance(node, ast.Name):
        made = src.last_assignment(tree, node.id, line)
        node = made.value if made is not None else None
    if isinstance(node, ast.Call):
        return src.call_name(node) == "len" or (isinstance(node.func, ast.Attribute) and node.func.attr == "size")
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape"


def _class_ids_for_rows(in_shape: tuple[int, ...] | None, tg_shape: tuple[int, ...] | None,
                        seen: TensorFacts | None) -> bool:
    """An elementwise loss (BCE) compared (N, C) scores with (N,) targets whose values are class ids of those C
    columns (0..C-1, a class above 1 among them; float targets, whose values are not read, by the shapes alone):
    each example has one class id where the loss wants one 0/1 target per class.  The number of labels is right;
    the targets' encoding is not (multi-hot rows, or a single-label loss), which no pattern of lengths describes."""
    if in_shape is None or tg_shape is None or len(in_shape) != 2 or in_shape[1] < 3 or tg_shape != in_shape[:1]:
        return False
    if seen is None:
        return False
    if seen.min is None or seen.max is None:  # float targets: their values are not read, the shapes decide
        return seen.dtype.startswith("torch.float") and in_shape[0] > 1
    return seen.min >= 0 and 1 < seen.max < in_shape[1] and float(seen.max).is_integer()


def _shape(text: str | None) -> tuple[int, ...] | None:
    return None if text is None else tuple(int(x) for x in _SHAPE.findall(text))


@analyzer("labels-vs-logits")
def labels_vs_logits(ctx: Context) -> Finding | None:
    a, b = ctx.int_group("a"), ctx.int_group("b")
    if "must match the size of tensor b" in ctx.message and not any(
            fr.function in BROADCAST_LOSSES for fr in ctx.raise_frames()):
        return None  # a broadcast between two rows of predictions and targets only inside a loss
    in_shape, tg_shape = _shape(ctx.groups.get("input_shape")), _shape(ctx.groups.get("target_shape"))
    logits_op, labels_op = loss_operands(ctx)
    if other_output_taken(ctx, logits_op.user):
        return None  # another element of the model's output tuple than its head's: not the labels' length
    if picked_multi_label(ctx, labels_op.seen):
        return None  # float class indices made the model multi-label: their dtype is the mistake (label_dtype.py)
    multi = "multi-target" in ctx.message or ("tn" in ctx.groups and "tt" not in ctx.groups)
    if multi:  # the loss's own operands tell the shapes: (N, k) labels, or (N, T, C) logits against (N,)
        if logits_op.seen is None or labels_op.seen is None:
            return None
        in_shape, tg_shape = logits_op.seen.shape, labels_op.seen.shape
        a, b = in_shape[0], tg_shape[0]
    elif in_shape is not None and tg_shape is not None:
        if in_shape == tg_shape:
            return None
        a, b = (in_shape[0] if in_shape else 1), (tg_shape[0] if tg_shape else 1)
    elif a is None or b is None or a == b:
        return None
    if not multi and _class_ids_for_rows(in_shape, tg_shape, labels_op.seen):
        return None  # one class id per example where an elementwise loss wants a row of 0/1 per class
    raw_logits, raw_labels = _user_operands(ctx, logits_op, labels_op, a, b)
    logits, labels = unreshaped(ctx, raw_logits), unreshaped(ctx, raw_labels)
    if not multi and _positives_of_square_scores(ctx, raw_logits, raw_labels):
        return None  # in-batch targets (`arange`) for a square score matrix: how the pairs are numbered, not labels
    if kept_dim(ctx, raw_logits, tuple(tg_shape) if tg_shape is not None else (
            tuple(labels_op.seen.shape) if labels_op.seen is not None else None)):
        return None  # a reduction kept the dimension it reduced: the predictions' shape, not the labels
    if not multi and (transposed_scores(ctx, raw_logits, b) or (
            in_shape is not None and tg_shape is not None and squeezed_batch(ctx, raw_logits, in_shape, tg_shape))):
        return None  # the user's axis operation laid the scores out otherwise: their layout, not the labels
    if not multi and labels_reduced_over_batch(ctx, labels, a, logits_op.seen.shape[-1] if logits_op.seen is not None
                                               and len(logits_op.seen.shape) == 2 else None):
        return None  # class ids taken by an argmax over the examples: the reduction's dimension, not the labels
    if encoded_twice(ctx, raw_labels):
        return None  # one-hot rows encoded once more: the encoding is the mistake, not the labels' length
    if not multi and fixed_rows_fold(ctx, raw_logits, b):
        return None  # flattened into the configured number of rows: a smaller batch was folded, the labels fit
    if not multi and folded_by_model(ctx, logits, labels, a, b):
        return None  # the model folded a leftover dimension into its rows: the labels fit the batch
    from .column_targets import column_targets
    counted = column_targets(ctx, raw_logits) if not multi else None
    if not multi and counted is None and pairwise_swapped(ctx, logits, b):
        return None  # scores of a pairwise operation in the other order: transposed, not too few labels
    if not multi and read_time_major(ctx, logits, a, b):
        return None  # a sequence layer without batch_first took the time steps for the examples
    if not multi and isinstance(a, int) and isinstance(b, int) and padded_time_first(ctx, a, b):
        return None  # pad_sequence without batch_first made the batch (steps, examples): read the other way round
    if left_from_loop(ctx, labels) or computed_from_stale(ctx, logits):
        return None  # another loop's last batch (the labels, or the inputs of the predictions): stale, not short
    if not multi and global_for_parameter(ctx, labels, a):
        return None  # a global read where the function's own labels parameter was meant
    if not multi and returned_in_loop(ctx, b):
        return None  # the collate function returns from inside its loop, after the first example
    if not multi and isinstance(a, int) and isinstance(b, int) and batch_repeated(ctx, logits, a, b):
        return None  # the model's forward repeated the batch once per example (`repeat` where `expand` was meant)
    from .reduction import pooled_over_examples
    if not multi and isinstance(a, int) and isinstance(b, int) and pooled_over_examples(ctx, a, b):
        return None  # one prediction per position: a pooling reduced over the examples instead of the tokens
    from .split_mismatch import from_other_splits
    if not multi and from_other_splits(ctx, raw_logits, raw_labels):
        return None  # predictions of one split against the labels of another: other examples, not too few labels
    from .overwritten import labels_from_predictions
    if labels_from_predictions(ctx, raw_labels, raw_logits):
        return None  # the labels' name was rebound to a value of the predictions: the batch's labels are gone
    if drawn_twice(ctx, logits, labels):
        return None  # inputs and labels read off two draws of one iterator: two batches
    from .first_example import first_example_read
    if not multi and first_example_read(ctx):
        return None  # every example of the batch read with the first one's word ids (`word_ids()` without an index)
    from .chunked import halves_of_more_parts
    if not multi and isinstance(b, int) and halves_of_more_parts(ctx, raw_logits, b):
        return None  # the scores pair parts of a joined tensor split into fewer parts than it holds groups
    if drawn_before_loop(ctx, logits, labels):
        return None  # one side was computed from a batch drawn before the loop, the other from the loop's
    f = Finding()
    f.values.update(n_logits=a, n_labels=b, labels=labels.expr if labels else None,
                    logits=logits.expr if logits else None)
    for t in (logits, labels):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    describe_library_loss(ctx, f, labels_op)
    given = passed_in(ctx, labels)
    if given is not None:
        f.values.update(labels_arg=given[0], labels_arg_line=given[1])
    if ignores_minus_100(ctx):
        f.facts.add(IGNORE_INDEX)
    if multi:
        f.values.update(input_shape=shape_text(in_shape), target_shape=shape_text(tg_shape))
        reading = _class_ids_shape(logits_op, labels, in_shape, tg_shape)
    elif in_shape is not None and tg_shape is not None:
        if all_pairs(ctx, logits, tuple(tg_shape)):
            return None  # every pair of the batch scored: the scoring, not the labels
        f.facts.add(ELEMENTWISE)
        f.values.update(input_shape=shape_text(in_shape), target_shape=shape_text(tg_shape))
        reading = _width(ctx, in_shape, tg_shape) or _extra_dim(in_shape, tg_shape) or (
            skipped_apart(ctx) if in_shape[0] < tg_shape[0] else None) or (
            iterated_apart(ctx) if in_shape[0] != tg_shape[0] else None)
    else:
        from .cut_by_helper import cut_by_helper
        from .repeat_factor import repeat_factor
        from .sliced_unlike import sliced_unlike
        reading = ((sliced_unlike(ctx, labels) if labels is not None and len(labels.shape) == 1 else None)
                   or (cut_by_helper(ctx, labels) if a < b else None)
                   or reordered_sibling(ctx) or split_unlike(ctx) or islice_restarts(ctx)
                   or retokenized_untruncated(ctx, logits, labels)
                   or _one_hot(logits_op, labels, a) or collator_shift(ctx) or _decoder(ctx, logits, labels)
                   or _token_labels(ctx, logits_op, labels, a, b, logits)
                   or _pooled_for_flat_labels(ctx, logits, labels, labels_op, a, b)
                   or (shifted_window(ctx) if a > b else None) or _finer_labels(ctx, labels, logits, a, b)
                   or _positions(ctx, labels, logits)
                   or (filtered_apart(ctx) if a < b and labels is not None and len(labels.shape) == 1 else None)
                   or (skipped_apart(ctx) if a < b else None)
                   or stacked_parts(ctx, logits, a, b) or repeat_factor(ctx, a, b) or iterated_apart(ctx))
    if reading is None and not multi and labels is not None and len(labels.shape) == 2 and logits is not None:
        ids = _ids_beside(ctx, labels, logits.shape[1] if len(logits.shape) == 3 else None)
        if ids is not None and aligned_records_apart(ctx, labels, ids):
            return None  # labels made per piece, each side padded to its own longest: a record got another's labels
    if reading is None and not multi and labels is not None and len(labels.shape) == 2 and labels.shape[0] and \
            a % labels.shape[0] == 0:  # per-step labels cut over another window than the inputs
        from .window_unlike import window_unlike
        reading = window_unlike(ctx, labels, a // labels.shape[0], labels.shape[1])
    if reading is None and not multi and a != b:  # labels sized by one setting, predictions by another
        from .setting_apart import setting_apart
        reading = setting_apart(ctx, a, b)
    if reading is None and not multi and a > b:  # label rows transposed with `zip`, cut to the shortest row
        reading = _zip_cut(ctx)
    if reading is None and a > b:  # frame labels counted `n // hop` beside a centred STFT's `1 + n // hop`
        from .stft_frames import stft_frames
        reading = stft_frames(ctx)
    if reading is None and a != b:  # frames counted `1 + n // hop` beside frames that `unfold` makes
        from .stft_frames import unfold_frames
        reading = unfold_frames(ctx)
    if reading is None and not multi and a > b and (labels is None or len(labels.shape) == 1):
        from .flattened_apart import flattened_apart
        reading = flattened_apart(ctx, re.split(r"[\[.]", labels.expr, maxsplit=1)[0] if labels else None)
    if reading is None and not multi and a < b and (labels is None or len(labels.shape) == 1):
        name = re.split(r"[\[.]", labels.expr, maxsplit=1)[0] if labels else None
        entry = re.fullmatch(r"\w+\[[\"'](\w+)[\"']\]", labels.expr) if labels else None
        name = None if entry else name  # `batch["labels"]`: the batch is not the labels; known by their name
        from .masked_apart import rows_filtered_apart
        from .dropped_beside import dropped_beside
        reading = filtered_sibling(ctx, name) or filtered_in_builders(ctx, name) or refiltered_alone(ctx, name) \
            or rows_filtered_apart(ctx) or dropped_beside(ctx, None)
        if reading is None:
            from .appended_before_skip import appended_before_skip
            reading = appended_before_skip(ctx)
    if reading is None and a < b:
        from .grown_apart import grown_apart
        from .windowed_apart import windowed_apart
        reading = (windowed_apart(ctx, a, b) or choice_flags(ctx, labels, a, b) or chunked_apart(ctx, labels, a, b)
                   or fixed_batch_labels(ctx, labels, logits, a) or grown_apart(ctx))
    if not multi:  # decoder inputs and labels from one tensor, shifted on one side only: read from the source
        from .decoder_shift import decoder_shift
        reading = decoder_shift(ctx, a, b) or reading
    if reading is None and not multi:
        from .part_counts import part_count
        reading = part_count(ctx, labels, a, b)
    if reading is None and counted is not None:
        reading = counted
    if reading is not None:
        f.merge(reading)
    side = labels if f.values.get("extra_side") == "labels" else logits
    if EXTRA_DIM in f.facts and side is not None:
        f.values["squeeze_expr"] = f"{side.expr}.squeeze(-1)"
    f.hints.update(labels=labels, logits=logits, seen_logits=logits_op.seen)
    return f


def unreshaped(ctx: Context, t: TensorFacts | None) -> TensorFacts | None:
    """For a name assigned a flattened view (`tmp = labels.reshape(-1)`) just before the loss, the tensor it
    was flattened from (its shape tells the rows and positions apart)."""
    if t is None or not t.expr.isidentifier():
        return t
    frame = ctx.frames[t.frame]
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, t.expr, frame.line) if tree is not None else None
    if made is None or made.augmented:
        return t
    base = tensor_before_reshape(frame, src.segment(frame.file, made.value))
    return base if base is not None and base.ident != t.ident and base.numel == t.numel else t


def ignores_minus_100(ctx: Context) -> bool:
    """The raising loss has ignore_index -100: a loss module's attribute, or the functional's argument."""
    for fr in ctx.raise_frames():
        if fr.scalars.get("ignore_index") == -100:
            return True
        if any(m.expr == "self" and m.attrs.get("ignore_index") == -100 for m in fr.modules):
            return True
    return False


def _user_operands(ctx: Context, logits_op: Operand, labels_op: Operand, a: int, b: int) -> tuple[
        TensorFacts | None, TensorFacts | None]:
    """The user's tensors behind the loss's two operands: followed through the frames, else the loss call's
    own arguments seen through `.view(-1)`/`.reshape(...)`, else tensors of the right size (labels named
    like labels)."""
    logits, labels = logits_op.user, labels_op.user
    if (logits is None or labels is None) and ctx.user is not None and len(ctx.user.call_args) >= 2:
        a_in, a_tg = (tensor_before_reshape(ctx.user, arg.text) for arg in ctx.user.call_args[:2])
        if logits is None and a_in is not None and a_in.is_float and a_in.numel and a_in.shape[-1] and (
                a_in.numel // a_in.shape[-1] == a):
            logits = a_in
        if labels is None and a_tg is not None and a_tg.numel == b:
            labels = a_tg
    if labels is None and labels_op.seen is not None:
        labels = _unflattened(ctx, labels_op.seen)
    if logits is None and logits_op.seen is not None:
        logits = _unflattened(ctx, logits_op.seen)
    users = [t for fr in ctx.user_frames() for t in fr.tensors]
    if labels is None and labels_op.seen is None:
        cands = [t for t in users if LABELY.search(t.expr) and t.shape and (
            t.numel == b or t.shape[0] * (t.shape[1] if len(t.shape) > 1 else 1) == b)]
        labels = cands[0] if cands else None
    if logits is None and logits_op.seen is None:
        cands = [t for t in users if t.is_float and t.shape and (
            t.shape[0] == a or (len(t.shape) == 3 and t.shape[0] * t.shape[1] == a))]
        logits = cands[0] if cands else None
    return logits, labels


def _unflattened(ctx: Context, seen: TensorFacts) -> TensorFacts | None:
    """When a library model computes the loss from tensors no user frame holds (a Trainer's batch), the
    tensor of its frames that the loss operand `seen` was flattened from: named (not a positional slot or a
    loss's `input`/`target`), more dimensions, the same number of elements, dtype and values."""
    return next((u for _, u in ctx.same_values(seen, outermost_first=True)  # outermost first: the model's forward
                 if u.expr.isidentifier() and u.expr not in ("input", "target", "self")
                 and len(u.shape) > len(seen.shape)), None)


def _class_ids_shape(logits_op: Operand, labels: TensorFacts | None, in_shape: tuple[int, ...],
                     tg_shape: tuple[int, ...]) -> Finding | None:
    """Cross-entropy wants one class index per prediction row: labels of shape (N, 1) keep a dimension too
    many, one-hot rows (N, C) hold the classes as columns, and (N, T, C) logits against (N,) labels give
    one prediction per token for one label per example."""
    if len(in_shape) == 3 and len(tg_shape) == 1:
        return Finding(facts={TOKEN_LOGITS}, values={"seq_logits": in_shape[1], "n_classes": in_shape[2]})
    if len(tg_shape) != 2 or tg_shape[0] != in_shape[0]:
        return None
    f = Finding(facts={MULTI_TARGET})
    if tg_shape[1] == 1:
        f.facts.add(EXTRA_DIM)
        f.values["extra_side"] = "labels"
        return f
    seen = labels_op_range(logits_op, labels)
    if seen and len(in_shape) == 2 and tg_shape[1] == in_shape[1]:
        f.facts.add(ONE_HOT)
        f.values["n_classes"] = in_shape[1]
    return f


def labels_op_range(logits_op: Operand, labels: TensorFacts | None) -> bool:
    """The labels hold only 0 and 1 (when their values were read)."""
    return labels is not None and labels.min is not None and labels.min >= 0 and (labels.max or 0) <= 1


def _one_hot(logits_op: Operand, labels: TensorFacts | None, a: int) -> Finding | None:
    seen = logits_op.seen
    n_classes = seen.shape[-1] if seen is not None and seen.shape else None
    if (labels is not None and len(labels.shape) == 2 and n_classes and labels.shape[-1] == n_classes
            and labels.shape[0] == a and labels.min is not None and labels.min >= 0 and (labels.max or 0) <= 1):
        return Finding(facts={ONE_HOT}, values={"n_classes": n_classes})
    return None


def _decoder(ctx: Context, logits: TensorFacts | None, labels: TensorFacts | None) -> Finding | None:
    """Targets one step longer than a decoder fed `labels[:, :-1]`, or padded longer with a negative value."""
    if not (labels is not None and logits is not None and len(labels.shape) == 2 and len(logits.shape) == 3
            and labels.shape[0] == logits.shape[0] and labels.shape[1] != logits.shape[1]):
        return None
    kind = None
    source = (unshifted_source(ctx, labels) or unshifted_in_mapping(ctx)) if labels.shape[1] == logits.shape[1] + 1 \
        else None
    if labels.shape[1] == logits.shape[1] + 1 and (source is not None or _fed_without_last(ctx, labels.expr)):
        kind = SHIFTED
    elif labels.shape[1] > logits.shape[1] and labels.min is not None and labels.min < 0:
        finer = _finer_labels(ctx, labels, logits, logits.shape[1], labels.shape[1])
        if finer is not None:  # a whole multiple of the predictions, and the model pools or strides by it
            return finer
        kind = PADDED
    if kind is None:
        return None
    f = Finding(facts={kind}, values={"seq_logits": logits.shape[1], "seq_labels": labels.shape[1],
                                      "pad_label": labels.min})
    if source is not None:  # shifted where the batch is made: every loss reading the targets gets them right
        f.hints["shift_source"] = source[0]
        f.facts.add(SHIFT_AT_SOURCE)
        f.values.update(source[1])
    ids = _ids_beside(ctx, labels, logits.shape[1])
    e = evidence(ids) if kind == PADDED else None
    if e:  # where the inputs were padded, the labels should be too
        f.evidence.append(e)
    if kind == PADDED and ids is not None:
        _padded_where(ctx, f, labels, ids)
        _kept_width(ctx, f)
    elif kind == PADDED and not _masked_apart(ctx, f):  # no integer ids beside them (audio frames, features):
        _cut_in_collate(ctx, f, labels, logits.shape[1])  # the collate function may tell
    return f


def _batch_key(ctx: Context, labels: TensorFacts) -> str:
    """The batch key the labels were read under: `batch["labels"]`, or `gold = inputs.pop("labels")` in their
    frame, or the parameter a dict of the frame holds them as (`{"slot": slot_labels}`); else their own name."""
    from ..provenance import entry_read
    frame = ctx.frames[labels.frame]
    keyed = re.fullmatch(r'(\w+)\["(\w+)"\]', labels.expr)
    tree = src.tree_of(frame.file) if (labels.expr.isidentifier() or keyed) and not frame.library else None
    if tree is not None and keyed:  # `targets["slot"]` of `targets = {"slot": slot_labels}`: the parameter's key
        made = src.last_assignment(tree, keyed.group(1), frame.line)
        item = src.dict_item(made.value, keyed.group(2)) if made is not None and isinstance(
            made.value, ast.Dict) else None
        return item.id if isinstance(item, ast.Name) and item.id in frame.params else keyed.group(2)
    made = src.last_assignment(tree, labels.expr, frame.line) if tree is not None else None
    return (entry_read(made.value) if made is not None else None) or leaf(labels.expr)


def _zip_cut(ctx: Context) -> Finding | None:
    from .zip_cut import ZIP_CUT, ZIP_FILL, zip_cut
    cut = zip_cut(ctx)
    if cut is None:
        return None
    f = Finding(facts={ZIP_CUT} | ({ZIP_FILL} if cut.fill else set()), values={"zip_fill": cut.fill})
    f.values.update(zip_call=src.segment(cut.file, cut.call), zip_line=cut.call.lineno,
                    longest_call=src.segment(cut.file, cut.longest))
    f.hints["zip_cut"] = cut
    return f


def _kept_width(ctx: Context, f: Finding) -> None:
    """The labels' width is a settings field `replace(...)` copied from before the length it follows changed."""
    from .kept_by_replace import kept_size
    kept = kept_size(ctx, lambda name: bool(re.search(r"len|width|pad|size", name)))
    if kept is not None:
        f.merge(kept)


def _masked_apart(ctx: Context, f: Finding) -> bool:
    """The example's sequence kept by a mask where it is read, its labels returned whole (masked_apart.py)."""
    from .masked_apart import masked_apart
    masked = masked_apart(ctx)
    if masked is not None:
        f.merge(masked)
    return masked is not None


def _padded_where(ctx: Context, f: Finding, labels: TensorFacts, ids: TensorFacts) -> None:
    """Where labels padded past the batch were padded: the user's collate function (both are its keys), or the
    user's Dataset when a library's collator made the batch."""
    if _masked_apart(ctx, f):
        return
    keys = [re.fullmatch(r'\w+\["(\w+)"\]', t.expr) for t in (labels, ids)]
    if all(keys) and cut_apart(ctx, f, keys[0].group(1), keys[1].group(1)):
        return
    if all(keys) and collator_width(ctx, f, keys[0].group(1), keys[1].group(1)):
        return
    if pad_targets(ctx, f, labels, ids):
        return  # the user's collate function pads the labels to another target than the inputs
    from .pad_targets import helper_width
    if helper_width(ctx, f, labels, ids):
        return  # the user's helper pads the labels to a width it was given, another than the inputs'
    from .pad_targets import labels_padded_past_tokenizer
    if labels_padded_past_tokenizer(ctx, f, _batch_key(ctx, labels)):
        return  # the tokenizer pads the inputs to the batch's longest, the collate function the labels further
    if (all(keys) or ctx.frames[labels.frame].library) and labels.min is not None:
        # a library collator made the batch from the user's Dataset, which padded the labels itself
        items = padded_items(ctx, labels.min)
        if items is not None:
            f.merge(items)
            return
    if labels.min is not None:
        from .padded_to_max import padded_to_max
        widest = padded_to_max(ctx, labels.min)
        if widest is not None:
            f.merge(widest)
            return
    _cut_in_collate(ctx, f, labels, ids.shape[1])


def _cut_in_collate(ctx: Context, f: Finding, labels: TensorFacts, width: int) -> None:
    from .collate_cut import cut_in_collate
    cut = cut_in_collate(ctx, labels, width)
    if cut is not None:
        f.merge(cut)


def _ids_beside(ctx: Context, labels: TensorFacts, width: int | None) -> TensorFacts | None:
    """The integer inputs of the labels' batch: same rows, another number of positions (`width` when the
    logits tell it), not named like labels."""
    users = [t for fr in ctx.user_frames() for t in fr.tensors]
    if ctx.frames[labels.frame].library:  # a library's model got the batch: its other inputs are beside them there
        users += [t for t in ctx.frames[labels.frame].tensors if not t.expr.startswith(("kwargs", "args"))]
    return next((t for t in users if t.is_integer and len(t.shape) == 2 and t.shape[0] == labels.shape[0]
                 and t.shape[1] != labels.shape[1] and (width is None or t.shape[1] == width)
                 and t.ident != labels.ident and not LABELY.search(t.expr)), None)


def _token_labels(ctx: Context, logits_op: Operand, labels: TensorFacts | None, a: int, b: int,
                  logits: TensorFacts | None = None) -> Finding | None:
    """(batch, tokens) labels against one prediction row per example: a sequence classifier given token
    labels (from a language-modeling collator, or a token-classification data set)."""
    seen = logits_op.seen
    if labels is None or len(labels.shape) != 2 or labels.shape[0] != a or b != labels.numel:
        return None
    if seen is not None and len(seen.shape) != 2:
        return None
    f = Finding(facts={TOKEN_LABELS}, values={"seq_labels": labels.shape[1]})
    collator = next((o for fr in ctx.user_frames() for o in fr.objects if o.kind == "collator"), None)
    if collator is not None and re.search(r"LanguageModeling|WholeWordMask|MLM", collator.cls):
        f.facts.add(LM_COLLATOR)
        f.values["collator"] = collator.cls
    model = loss_model(ctx)
    if model is not None and "ForSequenceClassification" in model.cls:
        f.values["mlm_cls"] = model.cls.replace("ForSequenceClassification", "ForMaskedLM")
        f.values["token_cls"] = model.cls.replace("ForSequenceClassification", "ForTokenClassification")
    f.hints["model"] = model
    from .pooled_head import pooled_head
    pooled = pooled_head(ctx, logits)
    if pooled is not None:
        f.merge(pooled)
    return f


def _pooled_for_flat_labels(ctx: Context, logits: TensorFacts | None, labels: TensorFacts | None,
                            labels_op: Operand, a: int, b: int) -> Finding | None:
    """Flattened labels, a whole number of them per prediction row (`tags[idx].view(-1)`: no user tensor keeps
    their rows), against predictions of the user's model that a per-position head made from a pooled value."""
    if (labels is not None and len(labels.shape) != 1) or a <= 0 or b % a or b // a < 2:
        return None
    from .pooled_head import pooled_head
    found = pooled_head(ctx, logits)
    if found is None:
        return None
    found.facts.add(TOKEN_LABELS)
    found.values["seq_labels"] = b // a
    if labels is None and labels_op.arg is None and ctx.user is not None:
        arg = next((x for x in ctx.user.call_args if x.param == "target"), None)
        if arg is not None:
            found.values["labels"] = re.sub(r"\.(view|reshape)\(-1\)$|\.flatten\(\)$", "", arg.text.strip())
    return found


def _finer_labels(ctx: Context, labels: TensorFacts | None, logits: TensorFacts | None, a: int, b: int) -> Finding | None:
    """Per-step labels beside predictions of a model that pools or strides along the steps (coarser_predictions)."""
    if labels is None or logits is None or a >= b or len(labels.shape) != 2 or len(logits.shape) != 3 \
            or labels.shape[0] != logits.shape[0]:
        return None
    from .coarser_predictions import coarser_predictions
    return coarser_predictions(ctx, labels, logits.shape[1])


def _positions(ctx: Context, labels: TensorFacts | None, logits: TensorFacts | None) -> Finding | None:
    """Labels with another number of positions per row than the input ids of the same batch: padded apart
    in one function (two max-length variables), or made per word beside a tokenizer."""
    if labels is None or len(labels.shape) != 2:
        return None
    ids = _ids_beside(ctx, labels, logits.shape[1] if logits is not None and len(logits.shape) == 3 else None)
    if ids is None:
        return None
    f = Finding(facts={POSITIONS}, values={"ids": ids.expr, "seq_ids": ids.shape[1], "seq_labels": labels.shape[1]})
    e = evidence(ids)
    if e:
        f.evidence.append(e)
    from ..fixes.piece_labels import per_word_beside_pieces
    if labels.shape[1] < ids.shape[1] and TOKENIZER in scene_facts(ctx) and per_word_beside_pieces(ctx) is not None:
        f.facts.add(WORD_LABELS)  # ids built per piece in a loop, the labels per word apart from it
        return f
    specials = specials_left_out(ctx, ids.shape[1] - labels.shape[1]) if labels.shape[1] < ids.shape[1] else None
    apart = padded_apart(ctx, ids.expr, labels) if specials is None else None
    if specials is not None:
        f.merge(specials)  # the inputs' special tokens have no label (each side then padded to its own longest)
    elif apart is not None:
        fn, n_ids, n_labels, stmts = apart
        f.facts.add(PADDED_APART)
        f.values.update(pad_function=fn, len_inputs=n_ids, len_labels=n_labels)
        if n_ids is None:
            f.values["len_names"] = " and ".join(f"`{a.targets[0].id}`" for a in stmts[1])
        f.hints["padded_apart"] = stmts
    elif padded_by_library(ctx, f, labels, ids):
        pass  # the inputs padded by a library call, the labels by hand to a width of their own
    elif labels_padded_other_max(ctx, f, labels, ids):
        pass  # the labels padded to another setting than the tokenizer's max_length
    elif labels.shape[1] > ids.shape[1] and labels.min is not None and labels.min < 0:
        # wider than the batch and padded with a negative label: padded to a fixed length, not made per word
        f.facts.add(PADDED)
        f.values.update(seq_logits=ids.shape[1], pad_label=labels.min)
        _padded_where(ctx, f, labels, ids)
        _kept_width(ctx, f)
    elif labels.shape[1] < ids.shape[1] and (left := part_left_out(ctx, ids.shape[1] - labels.shape[1])):
        f.merge(left)  # the labels' list leaves out a part the inputs' list has (an end-of-sequence id)
    elif labels.shape[1] < ids.shape[1] and (one := labels_one_part(ctx)):
        f.merge(one)  # the labels are one part of the joined inputs (the answer of prompt + answer)
    elif labels.shape[1] < ids.shape[1] and _targets_shifted_alone(ctx, f, labels, ids, logits):
        pass  # next-token targets cut from the inputs, while the model got every input step
    elif pad_targets(ctx, f, labels, ids):
        pass  # one function of the user's pads the labels to another target than the inputs
    elif labels_own_longest(ctx, f, labels, ids):
        pass  # a helper pads the labels to their own longest, the inputs are padded to a constant
    elif aligned_records_apart(ctx, labels, ids):
        return None  # (no reading: the analyzer gives no diagnosis, see labels_vs_logits)
    elif TOKENIZER in scene_facts(ctx):
        f.facts.add(WORD_LABELS)
    return f


TARGETS_SHIFTED = fact("targets-shifted", "the targets are the inputs shifted ahead (`shifted_made`, line "
                                          "`shifted_line`) while the model was given every input step")


def _targets_shifted_alone(ctx: Context, f: Finding, labels: TensorFacts, ids: TensorFacts,
                           logits: TensorFacts | None) -> bool:
    """`tgt = seq[:, 1:]` made from the very ids the model was given whole (`lm(input_ids=seq)`): the next-token
    targets are one step shorter than the predictions, the last of which has no target."""
    from ..provenance import origin_statement, trace
    if ctx.frames[labels.frame].library or logits is None:
        return False
    shift = ids.shape[1] - labels.shape[1]
    root = ids.expr.split("[")[0].split(".")[0]
    frame = ctx.frames[labels.frame]
    names = {root} | {n for t in (ids, logits) for o in trace(ctx, t) for stmt in [origin_statement(o)]
                      if isinstance(stmt, ast.Assign) for n in src.names_in(stmt.targets[0])}
    # the names the inputs went by on their way to the model
    for o in trace(ctx, labels):
        stmt = origin_statement(o)
        value = stmt.value if isinstance(stmt, ast.Assign) else None
        while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in (
                "clone", "contiguous", "long"):
            value = value.func.value
        if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and value.value.id in names):
            continue
        parts = value.slice.elts if isinstance(value.slice, ast.Tuple) else [value.slice]
        cut = parts[-1] if len(parts) == 2 else None
        if isinstance(cut, ast.Slice) and cut.upper is None and isinstance(cut.lower, ast.Constant) \
                and cut.lower.value == shift:
            f.facts.add(TARGETS_SHIFTED)
            f.values.update(shifted_made=" ".join(src.segment(o.file, stmt).split()), shifted_line=o.line, shift=shift,
                            logits_expr=logits.expr, seq_logits=logits.shape[1])
            f.hints["targets_shifted"] = (frame, logits.expr, shift)
            f.confidence = "high"
            return True
    return False


def _width(ctx: Context, in_shape: tuple[int, ...], tg_shape: tuple[int, ...]) -> Finding | None:
    """Multi-label targets with another number of columns than the model's outputs (same batch)."""
    if len(in_shape) != 2 or len(tg_shape) != 2 or in_shape[0] != tg_shape[0]:
        return None
    outputs, columns = in_shape[1], tg_shape[1]
    f = Finding(facts={LABEL_WIDTH}, values={"n_outputs": outputs, "n_columns": columns, "need": columns})
    found = label_set(ctx, exactly=columns)
    if found is not None:
        f.facts.add(LABEL_SET)
        f.values.update(label_set=found.name, label_set_len=found.length, label_set_fix=found.count or f"len({found.name})")
        if found.count:
            f.facts.add(LABEL_SET_MANY)
            f.values["label_set_keys"] = found.keys
    model = loss_model(ctx)
    site = None
    if model is not None and model.config.get("num_labels") == outputs:
        f.facts.add(CONFIG_FIELD)
        f.values["size_field"] = "num_labels"
        site = config_site(ctx, model, user_model_name(ctx, model))
    if site is None:
        site = linear_site(ctx, outputs) or keyword_site(ctx, outputs)
    if site is not None:
        f.values.update(site=site.text, site_line=site.line)
        f.facts.add({"default": SIZE_LEFT_DEFAULT, "checkpoint": SIZE_FROM_CHECKPOINT}.get(site.kind, SIZE_SET_AT))
    f.hints.update(site=site, label_set=found, need=columns)
    inferred = _one_hot_inferred(ctx) if columns < outputs else None
    if inferred is not None:  # `F.one_hot(ids)` without num_classes: as wide as the batch's largest id allows
        f.facts.add(ONE_HOT_INFERRED)
        f.values.update(one_hot_call=" ".join(src.segment(inferred[0], inferred[1]).split()),
                        one_hot_line=inferred[1].lineno)
        f.hints["one_hot_inferred"] = inferred
        return f
    f.confidence = "high" if found is not None and site is not None and site.kind in (
        "keyword", "assignment", "layer", "constant", "argument") else "medium"
    f.evidence.append(value_evidence("outputs of the model", outputs))
    return f


ONE_HOT_INFERRED = fact("one-hot-inferred", "the label columns are made by `one_hot_call` (line `one_hot_line`) "
                                            "without num_classes: as many as the largest class id of the batch "
                                            "plus one")


def _one_hot_inferred(ctx: Context) -> tuple[str, ast.Call] | None:
    """The one `F.one_hot(ids)` of the user's files that leaves out `num_classes` (file, call)."""
    found = [(file, c) for file in dict.fromkeys(fr.file for fr in ctx.user_frames())
             for tree in [src.tree_of(file)] if tree is not None for c in src.calls(tree)
             if src.call_name(c).split(".")[-1] == "one_hot" and len(c.args) == 1
             and src.keyword(c, "num_classes") is None and not any(k.arg is None for k in c.keywords)]
    return found[0] if len(found) == 1 else None


def _extra_dim(in_shape: tuple[int, ...], tg_shape: tuple[int, ...]) -> Finding | None:
    """(N,) against (N, 1), or the reverse: one side keeps a trailing dimension of 1."""
    if in_shape[:1] == tg_shape[:1] and {len(in_shape), len(tg_shape)} == {1, 2} and (
            (in_shape + tg_shape)[-1] == 1 or max(in_shape, tg_shape, key=len)[-1] == 1):
        return Finding(facts={EXTRA_DIM}, values={"extra_side": "predictions" if len(in_shape) == 2 else "labels"})
    return None


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


def tensor_before_reshape(frame, text: str) -> TensorFacts | None:
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
    logits_op, labels_op = loss_operands(ctx)
    logits, target = logits_op.seen, labels_op.seen
    if logits is None or len(logits.shape) != 3 or target is None or len(target.shape) != 2:
        return None
    if other_output_taken(ctx, logits_op.user):
        return None  # another element of the model's output tuple than its head's
    if logits.shape[:2] != target.shape:
        return None
    ul, ut = logits_op.user, labels_op.user
    n_classes = logits.shape[2]
    f = Finding()
    f.values.update(logits=ul.expr if ul else None, labels=ut.expr if ut else None,
                    logits_shape=shape_text(logits.shape), labels_shape=shape_text(target.shape),
                    n_classes=n_classes)
    for t in (ul or logits, ut or target):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    field = _class_count_name(ctx, n_classes)
    if field:
        f.values["classes_expr"] = field
        if "config." in field:
            f.facts.add(CONFIG_FIELD)
    from .label_shift import name_list_sizing
    named = name_list_sizing(ctx, n_classes)
    if named is not None:
        f.facts.add(CLASSES_NAMED)
        f.values["class_names"] = named[0]
    loss = _loss_module_called(ctx)
    if loss is not None:
        f.facts.add(LOSS_MODULE)
        f.values.update(loss_name=loss.expr, loss_cls=loss.cls)
    f.hints.update(logits=ul, labels=ut)
    read = classes_read_second(ctx, ul.expr if ul else None)
    if read is not None:  # the model's output is read with its classes at dimension 1 elsewhere: forward's layout
        f.facts.add(CLASSES_READ_SECOND)
        f.values.update(model_cls=read.model_cls, reader=src.segment(read.file, read.reader),
                        reader_line=read.reader.lineno, returned=src.segment(read.file, read.returns[0].value),
                        return_line=read.returns[0].lineno)
        f.hints["read_second"] = read
    return f


LOSS_MODULE = fact("loss-module", "the loss is called as `loss_name`, an `nn.loss_cls` the user built")


def _loss_module_called(ctx: Context):
    """The loss module the user's failing statement calls (`criterion(logits, tags)` of `criterion =
    nn.CrossEntropyLoss(...)`)."""
    user = ctx.user
    if user is None:
        return None
    text = user.statement or user.source or ""
    found = [m for m in user.modules if m.cls in ("CrossEntropyLoss", "NLLLoss")
             and re.search(r"(?<![\w.])" + re.escape(m.expr) + r"\s*\(", text)]
    return found[0] if len(found) == 1 else None


def _class_count_name(ctx: Context, n: int) -> str | None:
    """How the user's code names the number of classes `n` at the loss: a field of their model's config
    (`config.vocab_size`, `model.config.num_labels`), or an UPPER_CASE constant."""
    frame = ctx.user
    if frame is None:
        return None
    for key in ("vocab_size", "num_labels"):
        if not any(m.config.get(key) == n for fr in ctx.frames for m in fr.modules):
            continue
        cfg = next((o.expr for o in frame.objects if o.kind == "config" and o.expr.isidentifier()), None)
        if cfg is not None:
            return f"{cfg}.{key}"
        model = next((m.expr for m in frame.modules if m.config.get(key) == n and m.expr.isidentifier()), None)
        if model is not None:
            return f"{model}.config.{key}"
    consts = [c for c in ctx.scalar_names(n) if c.isupper() and len(c) > 1]
    return consts[0] if consts else None
