"""Analyzers for ids that exceed an embedding table: token ids past the vocabulary (added tokens, a
config sized apart from the tokenizer, an unknown id equal to the table's size, code points), negative ids
(-100 label padding fed as ids, labels sharing storage with the ids), and token type ids past the segment
table (a third segment, pairs for a model without segments, labels passed positionally into the segment slot).

Each finding names the tensor as the user wrote it and, when it entered the library under another
parameter (`decoder_input_ids=batch["labels"]`), that parameter too.  `embedding_failure` finds the lookup
that raised; lengths.py uses it for position tables.
"""
from __future__ import annotations

import ast
from types import SimpleNamespace
import re
from dataclasses import dataclass

from .. import source as src
from ..facts import Context, shape_text
from ..model import ModuleFacts, TensorFacts
from . import Finding, analyzer, evidence, fact, value_evidence
from .seen_count import SIZED_BY_SEEN, SeenCount, counted_over, facts_of_seen, seen_count
from .idsource import (
    growing_vocab,
    labels_twin,
    negative_source,
    one_short_source,
    tokenizer_story,
    unbounded_maker,
)

_POSITION = re.compile(r"pos|wpe", re.I)
_TOKEN_TYPE = re.compile(r"type|seg", re.I)
_NAMES_TOKENIZER = re.compile(r"[Tt]okenizer\b|\.add_tokens\(|\.add_special_tokens\(")

TOO_LARGE = fact("too-large", "some ids are at or above the table's number of rows")
NEGATIVE = fact("negative", "some ids are negative")
IGNORE_INDEX = fact("ignore-index", "the negative ids are -100, the loss functions' ignore index")
CONFIG_FIELD = fact("config-field", "the table's size is a field of a transformers config (vocab_size, "
                                    "type_vocab_size, max_position_embeddings)")
PASSED_AS = fact("passed-as", "the ids reached the lookup through a parameter named otherwise than the "
                              "user's tensor (`decoder_input_ids=batch[\"labels\"]`)")
DECODER_INPUTS = fact("decoder-inputs", "the ids reached the lookup as decoder inputs (decoder_input_ids)")
LABELS_AS_IDS = fact("labels-as-ids", "the tensor fed as ids is the labels (named so, or passed as labels "
                                      "in the same call)")
LABELS_IN_CALL = fact("labels-in-call", "the same call passes the same tensor as `labels` too")
SAME_AS_LABELS = fact("same-as-labels", "the ids tensor is the very object the labels are (one tensor, two "
                                        "names)")
OWN_VOCAB = fact("own-vocab", "no tokenizer, config or other cause explains the ids: the user numbers tokens "
                              "themselves")
WRITTEN = fact("written-here", "the user's code writes the negative value into the ids (or a name sharing "
                               "their storage) in place")
ALIASED_WRITE = fact("aliased-write", "the negative value was written through a second name bound to the "
                                      "ids without a copy (`labels = input_ids`)")
NEGATIVE_PADDING = fact("negative-padding", "the ids were padded with a negative value (padding_value=-100)")
SINGLE_SEGMENT = fact("single-segment", "the model's type_vocab_size is 1: it knows only segment 0")
TWO_SEGMENTS = fact("two-segments", "the model's type_vocab_size is 2: segments 0 and 1")
EDIT_NO_SEGMENTS = fact("edit-no-segments", "the fix stops the tokenizer from returning token_type_ids")
EDIT_SEGMENTS_FROM_ZERO = fact("edit-segments-from-zero", "the segment ids are counted by `started` (numbered from 1): "
                                                          "the fix numbers `counter` from 0")
EDIT_SIZE_PER_PART = fact("edit-size-per-part", "the fix sizes the segment table of a model built from a config for "
                                                 "the parts the segment ids number (`size_expr`)")
EDIT_STALE_COPY = fact("edit-stale-copy", "the model's segments are given a copy (`copy_name`, line `copy_line`) made "
                                          "before the copied name was set again (`copied_name`, line `copied_again_line`)")
EDIT_WRAP_SEGMENTS = fact("edit-wrap-segments", "the fix wraps a running segment index into the model's segments")
EDIT_SIZE_SEGMENTS = fact("edit-size-segments", "the fix sizes the config or the table for every segment id")
SEGMENTS_CLASS_DEFAULT = fact("segments-class-default", "the model's type_vocab_size is read off a settings object "
                                                        "that keeps its class's default (`seg_read`, `seg_class`, `seg_default`, "
                                                        "line `seg_default_line`)")
EDIT_SEGMENTS_WRITTEN = fact("edit-segments-written", "sentence pairs are encoded for a model built from the user's "
                                                       "own config: its written `type_vocab_size` (in `seg_owner`, "
                                                       "line `seg_line`) is sized for them")
PADDED_WITH_PAD_ID = fact("padded-with-pad-id", "the segment ids were padded with the token pad id (`pad_id`) by the "
                                               "padding call at `pad_call` (line `pad_line`), which pads every key alike")
EDIT_CAP_SEGMENTS = fact("edit-cap-segments", "the fix caps a running count of separators at the model's last segment")
ODD_SLOT_SHAPE = fact("odd-slot-shape", "the tensor in the token_type_ids slot has another shape than the input ids")
SEGMENT_SLOT = fact("positional-slot", "the tensor filled the token_type_ids parameter by position although "
                                       "it is not segment ids")


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


@dataclass
class EmbeddingFailure:
    ids: TensorFacts | None          # the index tensor as the library saw it
    user_ids: TensorFacts | None     # the same tensor under the user's name
    num_embeddings: int | None
    name: str | None                 # attribute name of the table in its parent module
    role: str                        # "vocab" | "position" | "token_type"
    names: tuple[str, ...] = ()      # every user name of the table object (`embedding`, a parameter `emb`)
    seen: SeenCount | None = None    # a table with a row per value seen, the ids counted over every entity


def _counted_positions(ctx: Context, ids: TensorFacts) -> bool:
    """The looked-up ids are positions whatever the table is called: the user made them with `torch.arange`
    (`steps = torch.arange(x.size(0))`, also reshaped or expanded), or passed such a call directly."""
    from .maskroles import base
    user = ctx.user_name(ids)
    if user is None or not user.expr.isidentifier():
        node = ctx.user.node if ctx.user is not None else None
        if node and re.search(r"\(\s*torch\.arange\(", node):
            return True
        from .relative import distances
        return distances(ctx, ids) is not None
    return from_arange(ctx, ctx.frames[user.frame], user.expr, base, 0)


def from_arange(ctx: Context, frame, name: str, base, depth: int) -> bool:
    """`name` was made from `torch.arange` in `frame`: directly, or by arithmetic and indexing over names
    made from it (`rel = pos[None, :] - pos[:, None] + offset`, relative positions)."""
    import ast
    found = ctx.origin(name, frame) if depth < 3 else None
    value = base(found[2]) if found is not None and found[2] is not None else None
    if isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] == "arange":
        return True
    if not isinstance(value, (ast.BinOp, ast.Subscript)):
        return False
    while isinstance(value, ast.Subscript):
        value = value.value
    leaves = [n for n in ast.walk(value) if isinstance(n, ast.Name)] if isinstance(value, ast.BinOp) else (
        [value] if isinstance(value, ast.Name) else [])
    return any(n.id != name and from_arange(ctx, frame, n.id, base, depth + 1) for n in leaves)


def _in_embedding_forward(frame) -> bool:
    """The frame is nn.Embedding's own forward: its `self` is the table, whatever subclass a library made of it
    (`TrOCRScaledWordEmbedding`, which scales the rows it looks up)."""
    return frame.function == "forward" and frame.file.replace("\\", "/").endswith("torch/nn/modules/sparse.py")


def embedding_failure(ctx: Context) -> EmbeddingFailure | None:
    """The embedding lookup that raised, from the raising frames (F.embedding or nn.Embedding.forward)."""
    ids = num = None
    name = None
    module: ModuleFacts | None = None
    for f in ctx.raise_frames() or ([ctx.user] if ctx.user else []):
        if f is None:
            continue
        if f.function in ("embedding", "embedding_bag") and f.tensor("input") is not None:
            ids = ids or f.tensor("input")
            w = f.tensor("weight")
            if w is not None and w.shape:
                num = num or w.shape[0]
        for m in f.modules:
            if m.expr == "self" and (m.cls in ("Embedding", "EmbeddingBag") or m.cls.endswith("PositionalEmbedding")
                                     or _in_embedding_forward(f)) \
                    and module is None:  # (a model's own subclass: BART's learned positions, offset by 2)
                module = m
    if module is not None:
        num = num or module.attrs.get("num_embeddings")  # type: ignore[assignment]
        name = module.attrs.get("name")  # type: ignore[assignment]
    if ids is None and module is None:
        return None
    weight = next((f.tensor("weight") for f in ctx.raise_frames() if f.function in ("embedding", "embedding_bag")
                   and f.tensor("weight") is not None), None)
    if module is None and weight is not None:  # F.embedding(ids, W): the table is the weight the user passed
        held = ctx.user_name(weight)
        name = held.expr if held is not None else None
    if name is None and ctx.user is not None and ctx.user.node:
        m = re.search(r"(\w+)\s*\(", ctx.user.node)
        name = m.group(1) if m else None
    cfg = ctx.config()
    role = "vocab"
    counted = ids is not None and _counted_positions(ctx, ids)
    seen = seen_count(ctx, name) if counted and name and not _POSITION.search(name.rsplit(".", 1)[-1]) else None
    if counted and seen is None:
        role = "position"
    elif name and _POSITION.search(name.rsplit(".", 1)[-1]):
        role = "position"
    elif name and _TOKEN_TYPE.search(name.rsplit(".", 1)[-1]):
        role = "token_type"
    elif num is not None and isinstance(cfg.get("max_position_embeddings"), int) and num in (
            cfg["max_position_embeddings"], cfg["max_position_embeddings"] + 2) and num != cfg.get("vocab_size"):
        role = "position"
    elif num is not None and num == cfg.get("type_vocab_size") and num != cfg.get("vocab_size") and not (
            name and ids is not None and not _TOKEN_TYPE.search((ctx.user_name(ids) or ids).expr)):
        role = "token_type"  # (a table of the user's own, `self.speaker`, given `speaker_ids`: not by its size)
    user_ids = ctx.user_name(ids) if ids is not None else None
    if name:  # the user's own expression for the table, e.g. `self.char_emb`
        for f in ctx.user_frames():
            hit = next((m.expr for m in f.modules if m.expr.endswith("." + name) and m.cls.startswith("Embedding")),
                       None)
            if hit:
                name = hit
                break
    names = tuple(dict.fromkeys(m.expr for f in ctx.user_frames() for m in f.modules
                                if module is not None and m.ident == module.ident))
    return EmbeddingFailure(ids=ids, user_ids=user_ids, num_embeddings=int(num) if num else None,
                            name=name, role=role, names=names, seen=seen)


def _ids_exceed(fail: EmbeddingFailure) -> bool | None:
    t = fail.ids
    if t is None or t.max is None or fail.num_embeddings is None:
        return None
    return t.max >= fail.num_embeddings or (t.min is not None and t.min < 0)


def _table_finding(fail: EmbeddingFailure, default_ids: str) -> Finding:
    ids_expr = fail.user_ids.expr if fail.user_ids else default_ids
    f = Finding()
    f.values.update(ids=ids_expr, table=fail.name or "the embedding", num_embeddings=fail.num_embeddings,
                    last_valid=(fail.num_embeddings - 1) if fail.num_embeddings else "?",
                    max_id=fail.ids.max if fail.ids and fail.ids.max is not None else "?",
                    min_id=fail.ids.min if fail.ids and fail.ids.min is not None else "?")
    ev = evidence(fail.user_ids or fail.ids, ids_expr,
                  note=f"ids {f.values['min_id']}..{f.values['max_id']}" if fail.ids and fail.ids.max is not None
                  else None)
    if ev:
        f.evidence.append(ev)
    f.evidence.append(value_evidence(f"{fail.name or 'embedding'}.num_embeddings", fail.num_embeddings))
    f.hints["ids_root"] = re.split(r"[\[.]", ids_expr, maxsplit=1)[0]
    f.hints["ids_frame"] = fail.user_ids.frame if fail.user_ids else None
    f.hints.update(table=fail.name, num_embeddings=fail.num_embeddings,
                   max_id=fail.ids.max if fail.ids else None, table_names=[fail.name, *fail.names])
    return f


def _named_finding(ctx: Context, fail: EmbeddingFailure, default_ids: str) -> Finding:
    """The table finding with the ids named by the user call that passed them (`passed_as`), the parameter
    they filled when it is not the user's own name for them, and no `?` for a number that was not read."""
    passed = ctx.passed_as(fail.ids) if fail.ids is not None else None
    if passed is not None:
        fail.user_ids = passed[2]
    elif fail.user_ids is None and ctx.user is not None and fail.name and _callee(ctx.user.node) == fail.name \
            and len(ctx.user.call_args) == 1 and not ctx.user.call_args[0].text.startswith("*"):
        default_ids = ctx.user.call_args[0].text.strip()  # `emb(cats[:, j])`: a slice made in the call, unnamed
    f = _table_finding(fail, default_ids)
    for k in ("last_valid", "max_id", "min_id"):
        if f.values.get(k) == "?":
            f.values[k] = None
    if fail.ids is not None and fail.ids.max is not None:
        f.values["needed"] = int(fail.ids.max) + 1
    if passed is not None:
        frame, arg, user = passed
        param = arg.param or ""
        f.hints.update(passed_frame=frame.index, passed_param=param, passed_text=arg.text,
                       passed_position=arg.position)
        if param and param != "input" and not re.search(rf'(^|\.|\["){re.escape(param)}"?\]?$', user.expr):
            f.values["passed_as"] = param
            f.facts.add(PASSED_AS)
        f.values["callee"] = _callee(frame.node)
    f.hints["user_ids"] = fail.user_ids
    return f


def _callee(node: str | None) -> str | None:
    m = re.match(r"\s*([\w.]+)\s*\(", node or "")
    return m.group(1) if m else None


def _bucketed_by_user(ctx: Context, ids: str) -> bool:
    """The ids' name (`hour`, `batch["hour"]`) is filled from a user function that returns a number bucketed by
    arithmetic (`return (epoch_s % 86400) // 60`) or converted to units (`/ 3600.0`): the rows looked up are
    buckets of a quantity, and one past the table is a unit or a modulus of the user's, not a vocabulary that is
    too small."""
    key = re.split(r"[\[\].\"']+", ids.strip("]\"'"))[-1]
    if not key.isidentifier():
        return False
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        buckets = {fn.name for fn in src.nodes(tree, ast.FunctionDef) if any(
            isinstance(r, ast.Return) and isinstance(r.value, ast.BinOp) and (
                isinstance(r.value.op, (ast.FloorDiv, ast.Mod)) or _unit_conversion(r.value))
            for r in src.statements(fn))} if tree is not None else set()
        if not buckets:
            continue
        def bucketed(v: ast.AST) -> bool:  # the value or each element it is made of (`torch.tensor([f(r) ...])`)
            return any(isinstance(c, ast.Call) and src.call_name(c).split(".")[-1] in buckets for c in ast.walk(v))
        if any(bucketed(v) for v in src.keyed_values(tree, key)):
            return True
        for a in src.nodes(tree, ast.Assign):
            if len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and a.targets[0].id == key \
                    and bucketed(a.value):
                return True
    return False


def _map_built_per_split(ctx: Context, rows: int | None) -> bool:
    """A function of the user's that builds a map from rows is called on two sets of rows: once kept as a name
    whose length sizes the table (`unit_index = build_unit_index(TRAIN_ROWS)`, `len(unit_index)` of `rows` entries)
    and once more on other rows, its result handed on directly (`encode(TEST_ROWS, build_unit_index(TEST_ROWS))`):
    the second split's ids follow their own numbering, not the table's."""
    if rows is None:
        return False
    lengths = {k: v for fr in ctx.user_frames() for k, v in fr.lengths.items()}
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        defs = {fn.name for fn in src.nodes(tree, ast.FunctionDef)}
        sized = {n.args[0].id for n in src.calls(tree) if src.call_name(n) == "len" and n.args
                 and isinstance(n.args[0], ast.Name)}
        kept: dict[str, tuple[str, str]] = {}
        for a in src.nodes(tree, ast.Assign):
            if len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Call) \
                    and isinstance(a.value.func, ast.Name) and a.value.func.id in defs and a.value.args:
                kept[a.value.func.id] = (a.targets[0].id, ast.unparse(a.value))
        for call in src.calls(tree):
            name = call.func.id if isinstance(call.func, ast.Name) else None
            if name not in kept or ast.unparse(call) == kept[name][1] or not call.args:
                continue
            held, _ = kept[name]
            passed = any(isinstance(c, ast.Call) and call in c.args for c in src.calls(tree))
            if passed and held in sized and lengths.get(held) == rows:
                return True
    return False


def _unit_conversion(value: ast.BinOp) -> bool:
    """`(now - opened).total_seconds() / 3600.0`: a quantity divided by a number written in the source, a
    measurement converted to units (hours, kilobytes), whose integer part is a count of those units."""
    from .binned_values import number_over_one
    return isinstance(value.op, ast.Div) and number_over_one(value.right)


_DRAWS = ("randrange", "randint", "choice")


def _drawn_over_other_size(ctx: Context) -> bool:
    """The user's code writes random ids into a sequence item by item (`out[pos] = rng.randrange(len(
    self.char_vocab))`, `ids[i] = torch.randint(len(symbols), ())`) drawn up to the length of a collection that
    is not a tokenizer: the replacement ids count another inventory, which no vocabulary size mends."""
    from .idsource import tokenizer_like
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        for st in src.nodes(tree, ast.Assign) if tree is not None else ():
            if not (len(st.targets) == 1 and isinstance(st.targets[0], ast.Subscript) and isinstance(st.value, ast.Call)
                    and src.call_name(st.value).split(".")[-1] in _DRAWS and st.value.args):
                continue
            args = st.value.args
            torch_randint = src.call_name(st.value) == "torch.randint"
            bound = (args[1] if len(args) >= 3 else args[0]) if torch_randint else args[-1]
            if isinstance(bound, ast.BinOp) and isinstance(bound.op, ast.Sub) and isinstance(bound.right, ast.Constant):
                bound = bound.left  # `randint(0, len(symbols) - 1)`
            if isinstance(bound, ast.Call) and src.call_name(bound) == "len" and bound.args and not tokenizer_like(
                    src.segment(fr.file, bound.args[0])):
                return True
    return False


def _difference_looked_up(ctx: Context, table: str | None) -> bool:
    """The innermost user frame looks the failing table up with the difference of two tensors
    (`self.width_emb(span_ends - span_starts)`, or a local made so, also through a helper of the user's that
    buckets it: `self.dist_emb(bucket(b - a))`): the rows are widths or distances, not token ids, and a
    negative one is a pair taken in the other order, which no vocabulary size or resize mends."""
    from ..fixes import failing_statement
    frame = ctx.user
    found = failing_statement(frame) if frame is not None and table else None
    if found is None:
        return False
    tree, stmt = found

    scope = src.enclosing_scope(tree, frame.line)

    def difference(node: ast.AST, depth: int = 0) -> bool:
        while isinstance(node, ast.Call):  # `torch.tensor(b - a)`, `(b - a).long()`, `d.clamp(-k, k)`
            data = src.tensor_data(node)
            if data is not None:
                node = data
            elif isinstance(node.func, ast.Attribute) and (
                    node.func.attr in ("long", "int", "to") and not node.args or node.func.attr == "clamp"):
                node = node.func.value
            elif node.args and src.called_functions(tree, node) and depth < 3:
                node, depth = node.args[0], depth + 1  # `bucket(dist)`: the user's helper keeps the sign it is given
            else:
                break
        if isinstance(node, ast.Name) and depth < 3:  # a local made as such a difference before the line
            made = src.assignments(tree, node.id, scope, before=frame.line - 1)
            return any(difference(a.value, depth + 1) for a in made)
        return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) \
            and not isinstance(node.left, ast.Constant) and not isinstance(node.right, ast.Constant)

    return any(src.segment(frame.file, c.func) == table and len(c.args) == 1 and difference(c.args[0])
               for c in src.calls(stmt))


def _log_bucketed(ctx: Context, table: str | None) -> bool:
    """The innermost user frame looks the failing table up with what a function of the user's returns, and every
    return of it cuts a logarithm to an integer (`torch.floor(torch.log(gaps)).long()`): the rows are buckets of a
    log scale, whose count the base and the range decide, not ids of a vocabulary."""
    from ..fixes import failing_statement
    from .binned_values import rounds_log
    frame = ctx.user
    found = failing_statement(frame) if frame is not None and table else None
    if found is None:
        return False
    tree, stmt = found
    for c in src.calls(stmt):
        if src.segment(frame.file, c.func) != table or len(c.args) != 1 or not isinstance(c.args[0], ast.Call):
            continue
        for fn in src.called_functions(tree, c.args[0]):
            returned = [r.value for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value is not None]
            if returned and all(rounds_log(r) for r in returned):
                return True
    return False


_ENCODES = re.compile(r"(^|\.)(encode\w*|embed\w*)$")


def _encoded_items(ctx: Context, fail: EmbeddingFailure) -> bool:
    """`F.embedding(ids, W)` where `W` is a tensor of the user's made by encoding a collection of items
    (`clause_emb = encoder.encode(clauses, ...)`): one row per item, and the ids are item positions, not token ids
    a vocabulary or a tokenizer gives."""
    if fail.name is None or not fail.name.isidentifier():
        return False
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        made = src.last_assignment(tree, fail.name, fr.line) if tree is not None else None
        value = made.value if made is not None else None
        if isinstance(value, ast.Call) and _ENCODES.search(src.call_name(value)) and value.args and not \
                isinstance(value.args[0], (ast.Constant, ast.JoinedStr)):
            return True
    return False


@analyzer("vocab-ids-exceed-table")
def vocab_overflow(ctx: Context) -> Finding | None:
    fail = embedding_failure(ctx)
    if fail is None or fail.role != "vocab" or _ids_exceed(fail) is False:
        return None
    if _encoded_items(ctx, fail):
        return None  # a table of encoded items (`encoder.encode(docs)`), looked up by item positions: no vocabulary
    f = _named_finding(ctx, fail, "input_ids")
    from .growing_map import GROWS_ON_LOOKUP, UNK_KEY, growing_map
    grows = growing_map(ctx)
    if grows is not None:  # `vocab[w]` on a `defaultdict(lambda: len(vocab))` after the model was sized with it
        tree = src.tree_of(grows.file)
        f.facts.add(GROWS_ON_LOOKUP)
        f.values.update(growing=grows.name, growing_line=grows.made.lineno, growing_made=src.segment(
            grows.file, grows.made.value), sized_by=next((f"{k.arg}={src.segment(grows.file, k.value)}" for k in src.nodes(
                tree, ast.keyword) if k.value is grows.sized and k.arg), src.segment(grows.file, grows.sized)),
            sized_line=grows.sized.lineno,
            lookup=src.segment(grows.file, grows.lookups[0]), lookup_line=grows.lookups[0].lineno,
            lookup_in=getattr(src.enclosing_scope(tree, grows.lookups[0].lineno), "name", "a lambda"))
        if grows.unk is not None:
            f.facts.add(UNK_KEY)
            f.values["unk_key"] = repr(grows.unk)
        f.hints["growing_map"] = grows
    from .not_this_batch import batch_key, entry_copied_from
    key = batch_key(ctx, fail.user_ids or fail.ids)
    if key is not None and entry_copied_from(ctx, key):
        return None  # the batch's entry repeats another key's value: it reads another field, not a wrong id
    from .swapped_args import ids_for_another_table
    if ids_for_another_table(ctx, fail.ids, fail.name, fail.num_embeddings):
        return None  # two id tensors, each fitting the other's table: given in each other's places
    from .field_order import entry_read_from_other_field
    named = ctx.user_name(fail.ids) if fail.ids is not None else None
    if named is not None and named.expr.isidentifier() and entry_read_from_other_field(ctx, named.expr):
        return None  # the entry of that name is read from another field of the records than its own
    from .swapped_args import ids_fill_sibling_table
    if ids_fill_sibling_table(ctx, fail.ids, fail.name, fail.num_embeddings):
        return None  # the ids are another entity's, read from its column
    from .offset_twice import offset_added_twice
    twice = offset_added_twice(ctx) if fail.ids is not None and fail.ids.max is not None else None
    if twice is not None and fail.ids.max - fail.num_embeddings + 1 == twice:
        return None  # the offset past the table's last row: an id map numbered from it, read with it added again
    from .swapped_args import table_sized_by_swapped_argument
    width = next((m.attrs.get("embedding_dim") for fr in ctx.frames for m in fr.modules if m.expr == fail.name
                  and m.cls.startswith("Embedding")), None)
    if table_sized_by_swapped_argument(ctx, fail.name, fail.ids.max if fail.ids is not None else None,
                                       fail.num_embeddings, width if isinstance(width, int) else None):
        return None  # the module was built with its size arguments in each other's places
    if fail.ids is not None and fail.ids.min is not None and fail.ids.min < 0 and _difference_looked_up(ctx, fail.name):
        return None  # a width or distance between two positions, negative where the pair is in the other order
    if _log_bucketed(ctx, fail.name):
        return None  # buckets of a log scale cut to integers: the base and range decide them, not a vocabulary
    if _drawn_over_other_size(ctx):
        return None  # random replacement ids drawn up to the size of another collection than the tokenizer
    if _map_built_per_split(ctx, fail.num_embeddings):
        return None  # ids of one split numbered by a map built again on that split, the table sized by another
    named_ids = ctx.user_name(fail.ids) if fail.ids is not None else None
    if named_ids is not None and _bucketed_by_user(ctx, named_ids.expr):
        return None  # a number the user's code buckets (`(t % 86400) // 60`): its units, not a vocabulary
    from .swapped_args import positions_in_other_list
    if positions_in_other_list(ctx, named.expr if named is not None else None, fail.name, fail.num_embeddings):
        return None  # positions in one list looked up in a table with a row per item of another list
    cfg = ctx.config()
    if _no_id_a_row(fail, cfg):
        return None  # raw values (a year, a database id), none of them a row of the user's table: not a vocabulary
    from .map_grew_after_table import MAP_GREW_AFTER_TABLE, facts_of, map_grew_after_table
    grew = map_grew_after_table(ctx, fail.num_embeddings, fail.ids.max if fail.ids is not None else None)
    seen = fail.seen
    if seen is not None:
        counted_over(ctx, fail.ids, seen)
        seen = seen if seen.all_count else None
    if grew is not None:  # numbered by a map that met more keys after it sized the table: a vocabulary
        f.facts.add(MAP_GREW_AFTER_TABLE)
        f.values.update(facts_of(grew))
        f.hints["map_grew_after_table"] = grew
    elif seen is not None:  # a table with a row per value seen, ids counted over every one
        f.facts.add(SIZED_BY_SEEN)
        f.values.update(facts_of_seen(seen))
        f.hints["seen_count"] = seen
    elif _one_attribute_per_example(fail, named or _argument_of(ctx, fail.name), cfg):
        numbered = _numbering_map(ctx, fail, named or _argument_of(ctx, fail.name))
        from .idsource import _len_as_default
        bucket = fail.ids is not None and fail.ids.max == fail.num_embeddings and _len_as_default(ctx) is not None
        from .ids_from_one import NUMBERED_FROM_ONE, ids_from_one
        one = ids_from_one(ctx, fail.ids, fail.num_embeddings, (named.expr if named is not None else "")
                           or (fail.ids.expr if fail.ids is not None else ""), named or fail.user_ids) \
            if numbered is None else None
        if numbered is None and not bucket and one is None:
            return None  # one value of an attribute per example (a task, a weekday, a rank) in its own table
        if one is not None:  # `{t: i for i, t in enumerate(names, start=1)}` looked up in `len(map)` rows
            f.facts.add(NUMBERED_FROM_ONE)
            f.values.update(id_map=one.name, id_map_len=one.length, id_map_start=one.start, id_map_line=one.line)
        if numbered is not None:  # (else the map's own length is the id of a missing key: an unknown bucket)
            f.facts.add(NUMBERED_BY_MAP)  # ids numbered by a map of the user's with more entries than the table
            f.values.update(id_map=numbered[0], id_map_len=numbered[1])
            f.hints["id_map"] = numbered
    if "vocab_size" in cfg and fail.num_embeddings in (None, cfg["vocab_size"]):  # the config sizes this table
        f.values["vocab_size"] = cfg["vocab_size"]
        f.evidence.append(value_evidence("config.vocab_size", cfg["vocab_size"]))
        f.facts.add(CONFIG_FIELD)
    ids = fail.ids
    negative = ids is not None and ids.min is not None and ids.min < 0
    too_big = ids is not None and ids.max is not None and fail.num_embeddings is not None and (
        ids.max >= fail.num_embeddings)
    f.hints.update(table=fail.name, num_embeddings=fail.num_embeddings, negative=negative)
    decided = False
    if negative:
        f.facts.add(NEGATIVE)
        if ids is not None and ids.min == -100:
            f.facts.add(IGNORE_INDEX)
        decided = _negative_story(ctx, f, fail)
    elif too_big:
        f.facts.add(TOO_LARGE)
        decided = _too_large_story(ctx, f, fail)
    f.confidence = "high" if _ids_exceed(fail) and decided else "medium"
    return f


_TOKENISH = re.compile(r"(?i)tok|word|char|piece|vocab|byte|residue|symbol|lexic|subword|^(input_?ids|ids|id|x|inp|"
                       r"inputs?|src|tgt|seq|text|embed|emb|embedding|embeddings|lookup|table|bag|emb_layer|wte|"
                       r"shared|encoder)$")


def _argument_of(ctx: Context, table: str | None):
    """The ids as the user's failing line writes them, `triples[:, 0]` of `self.rel_table(triples[:, 0])`, for
    ids no frame holds under a name of the user's (a slice made on the line), as an object with `.expr`."""
    node = ctx.user.node if ctx.user is not None else None
    if not node or not table:
        return None
    try:
        parsed = ast.parse(node.strip(), mode="eval")
    except SyntaxError:
        return None
    args = [c.args[0] for c in ast.walk(parsed) if isinstance(c, ast.Call) and c.args and
            ast.unparse(c.func).endswith(table.rpartition(".")[2])]
    return SimpleNamespace(expr=ast.unparse(args[0])) if len(args) == 1 else None


def _one_attribute_per_example(fail: EmbeddingFailure, named, cfg: dict) -> bool:
    """A table of the user's own (not the one a model's config sizes) looked up with one id per example (a 1-D
    tensor), where neither the ids' name nor the table's speaks of tokens (`task_embedding[task_id]`,
    `day_table[weekday]`, `reporter_emb[reporter_kind]`): an attribute of each example, numbered by the user's
    code.  Which numbering was meant (an off-by-one weekday, a rank before a cut, an index into another list)
    is decided there, not by the table's size, which the user chose for the attribute's values."""
    ids, rows = fail.ids, fail.num_embeddings
    if ids is None or rows is None or len(ids.shape) != 1 or ("vocab_size" in cfg and rows == cfg["vocab_size"]):
        return False
    id_name = re.sub(r"\[[^\]\"']*\]$", "", (named.expr if named is not None else ids.expr) or "")  # `x[:, 0]` → x
    leaf = re.split(r"[.\[\]\"']+", id_name.strip("]\"'"))[-1] if id_name else ""
    table = (fail.name or "").rpartition(".")[2]
    return bool(leaf and table) and not _TOKENISH.search(leaf) and not _TOKENISH.search(table) and not any(
        _TOKENISH.search(n.rpartition(".")[2]) for n in fail.names)


NUMBERED_BY_MAP = fact("numbered-by-map", "the ids are numbered by the user's map `id_map` (`id_map_len` entries, "
                                          "named for them), which holds more entries than the table has rows")


def _numbering_map(ctx: Context, fail: EmbeddingFailure, named) -> tuple[str, int] | None:
    """The one map of a user frame named for the ids (`sku_to_idx` for `sku`), used to look entries up, with more
    entries than the table has rows and one for the largest id: the ids are its numbers, so the table is sized
    too small for it (sized by another count), not given a value of another attribute."""
    ids, rows = fail.ids, fail.num_embeddings
    expr = (named.expr if named is not None else ids.expr if ids is not None else "") or ""
    leaf = re.split(r"[.\[\]\"']+", re.sub(r"\[[^\]\"']*\]$", "", expr).strip("]\"'"))[-1]
    if ids is None or ids.max is None or rows is None or len(leaf) < 2:
        return None
    from .classes import _uses
    found = {}
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        for name, n in fr.lengths.items():
            if name != leaf and leaf in name and n > rows and ids.max < n and tree is not None \
                    and "maps" in _uses(tree, name):
                found[name] = n
    if len(found) > 1:  # `sku_to_idx` beside `sku_dept`: the one named as a numbering
        found = {k: v for k, v in found.items() if re.search(r"(?i)(idx|index|ids?$|2id|_to_i|vocab|stoi)", k)}
    return next(iter(found.items())) if len(found) == 1 else None


def _no_id_a_row(fail: EmbeddingFailure, cfg: dict) -> bool:
    """Every id looked up in a table of the user's own (not the one a model's config sizes) is past its last
    row: `speaker_emb` of 4 rows given 3107..5021, `year_emb` of 25 rows given 1996..2011.  Ids numbered by a
    vocabulary that is too small or another tokenizer's still hit rows of the table (the padding id, the
    common words); values none of which is a row are raw quantities or identifiers of the user's data, whose
    mapping to rows is missing: no size of the table is the mistake."""
    ids, rows = fail.ids, fail.num_embeddings
    if ids is None or ids.min is None or rows is None or ids.numel < 2:
        return False
    own = not ("vocab_size" in cfg and rows == cfg["vocab_size"])
    return own and ids.min >= rows


def _negative_story(ctx: Context, f: Finding, fail: EmbeddingFailure) -> bool:
    """Why the ids are negative: the labels fed as ids, one tensor under two names, a negative written in
    place or used as padding.  True when a line of the user's code is found that put the value there."""
    user = fail.user_ids
    if user is not None:
        twin = labels_twin(ctx, user)
        if twin is not None:
            f.values["labels_name"] = twin.expr
            f.facts.add(SAME_AS_LABELS)
            e = evidence(twin, note="the same tensor")
            if e:
                f.evidence.append(e)
        if re.search(r"label|target", user.expr.rsplit("[", 1)[-1], re.I):
            f.facts.add(LABELS_AS_IDS)
    frame_index, text = f.hints.get("passed_frame"), f.hints.get("passed_text")
    if isinstance(frame_index, int) and text:
        frame = ctx.frames[frame_index]
        if any(a.param == "labels" and a.text.strip() == text.strip() for a in frame.call_args):
            f.facts |= {LABELS_IN_CALL, LABELS_AS_IDS}
    if "decoder" in str(f.values.get("passed_as", "")):
        f.facts.add(DECODER_INPUTS)
    found = negative_source(ctx, [t for t in [user, *ctx.all_user_names(fail.ids)] if t is not None]
                            if fail.ids is not None else [])
    if found is not None:
        f.values.update(found.values)
        f.facts |= found.facts
        f.hints.update(found.hints)
        return True
    return LABELS_IN_CALL in f.facts or SAME_AS_LABELS in f.facts


def _too_large_story(ctx: Context, f: Finding, fail: EmbeddingFailure) -> bool:
    """Why the ids are too large: tokens added to the tokenizer, a config sized from `tokenizer.vocab_size`,
    an unknown id equal to the table's size, ids from `ord()`; else the user's own numbering."""
    own_table = "vocab_size" in ctx.config() and CONFIG_FIELD not in f.facts  # not the table the config sizes
    story = tokenizer_story(ctx, f.values.get("max_id"), fail.num_embeddings) if not own_table else None
    if story is None:
        story = growing_vocab(ctx, [fail.name, *fail.names])
    if story is None:
        story = one_short_source(ctx, [fail.name, *fail.names], fail.num_embeddings, f.values.get("max_id"))
    if story is None and f.hints.get("user_ids") is not None:
        story = unbounded_maker(ctx, f.hints["user_ids"])
    if story is not None:
        f.values.update(story.values)
        f.facts |= story.facts
        f.hints.update(story.hints)
        from .idsource import ONE_SHORT
        return story.facts != {ONE_SHORT}  # an id one past the table, whatever made it, decides nothing
    if not (ctx.config() or _uses_tokenizer(ctx)):
        f.facts.add(OWN_VOCAB)
    return False


def text_facts(ctx: Context, f: Finding) -> None:
    """What a pasted traceback still tells about a word-embedding failure: the id the message names (negative,
    -100, or past the table) and, when the user's file is readable here, the tokens it adds to a tokenizer."""
    value = ctx.int_group("value")
    if value is not None:
        f.facts.add(NEGATIVE if value < 0 else TOO_LARGE)
        if value == -100:
            f.facts.add(IGNORE_INDEX)
    story = tokenizer_story(ctx, None, None)
    if story is not None:
        f.values.update(story.values)
        f.facts |= story.facts & {"added-tokens", "tokenizer"}


def _uses_tokenizer(ctx: Context) -> bool:
    """Whether the user's files make or call a tokenizer."""
    return any(src.mentions(f, _NAMES_TOKENIZER) for f in dict.fromkeys(fr.file for fr in ctx.user_frames()))


def _user_token_ids(ctx: Context) -> TensorFacts | None:
    lib = ctx.library_tensor("input_ids")
    u = ctx.user_name(lib) if lib is not None else None
    if u is not None:
        return u
    cands = [t for f in ctx.user_frames() for t in f.tensors
             if t.is_integer and len(t.shape) == 2 and re.search(r"ids|tok|input|src|x\b", t.expr, re.I)]
    return max(cands, key=lambda t: t.shape[-1]) if cands else None


@analyzer("token-type-ids-exceed-table")
def token_type_overflow(ctx: Context) -> Finding | None:
    fail = embedding_failure(ctx)
    if fail is None or fail.role != "token_type" or _ids_exceed(fail) is False:
        return None
    f = _named_finding(ctx, fail, "token_type_ids")
    cfg = ctx.config()
    if "type_vocab_size" in cfg:
        f.values["type_vocab_size"] = cfg["type_vocab_size"]
        f.facts.add(CONFIG_FIELD)
        f.facts |= {1: {SINGLE_SEGMENT}, 2: {TWO_SEGMENTS}}.get(cfg["type_vocab_size"], set())  # type: ignore[call-overload]
    ids = fail.ids
    if ids is not None and ids.min is not None and ids.min < 0:
        f.facts.add(NEGATIVE)
    elif ids is not None and ids.max is not None:
        f.facts.add(TOO_LARGE)
    padded = _padded_with_pad_id(ctx, f, ids, cfg.get("type_vocab_size"), cfg.get("pad_token_id"))
    slot = _positional_slot(ctx, f) if not padded else False
    f.confidence = "high" if _ids_exceed(fail) else "medium"
    if slot and "labels" not in str(f.values.get("ids")) and f.values.get("intended") is None:
        f.confidence = "medium"
    return f


def _padded_with_pad_id(ctx: Context, f: Finding, ids: TensorFacts | None, types: object, pad_id: object) -> bool:
    """The largest segment id is the token pad id (the config's, or a pad-named number of the script), at least
    the number of segments, and a padding call of the script pads the segment ids with a value other than 0."""
    from .pad_values import pad_site
    if ids is None or ids.max is None or not isinstance(types, int) or ids.max < types:
        return False
    if ids.max != pad_id and not any("pad" in n.lower() for n in ctx.scalar_names(int(ids.max))):
        return False
    site = pad_site(ctx, "token_type_ids")
    if site is None:
        return False
    f.facts.add(PADDED_WITH_PAD_ID)
    f.values.update(pad_id=int(ids.max), pad_value=src.segment(site.file, site.value), pad_line=site.stmt.lineno,
                    pad_call=" ".join(src.segment(site.file, site.call).split()))
    f.hints["pad_site"] = site
    return True


def _positional_slot(ctx: Context, f: Finding) -> bool:
    """A tensor given by position that filled `token_type_ids` although it is not segment ids: its shape
    differs from the input ids' of the same call (labels are one value per example), or its name says what
    it is.  Sets `intended` to `labels` when the callee takes labels and the tensor holds one value per example
    or is named so (`b_labels`)."""
    position, param = f.hints.get("passed_position"), f.hints.get("passed_param")
    frame_index = f.hints.get("passed_frame")
    if position is None or param != "token_type_ids" or not isinstance(frame_index, int):
        return False
    frame = ctx.frames[frame_index]
    user = f.hints.get("user_ids")
    ids_arg = next((a for a in frame.call_args if a.param == "input_ids"), None)
    ids_t = frame.tensor(ids_arg.text) if ids_arg is not None else None
    odd_shape = user is not None and ids_t is not None and user.shape != ids_t.shape
    named = re.search(r"label|target|\by\b|_y\b|class", f.hints.get("passed_text") or "", re.I)
    if not (odd_shape or named):
        return False
    f.facts.add(SEGMENT_SLOT)
    f.values["position"] = _ORDINALS[position] if position < len(_ORDINALS) else f"#{position + 1}"
    f.values["slot_arg"] = f.hints.get("passed_text")
    per_example = odd_shape and user is not None and ids_t is not None and len(user.shape) == 1 and (
        user.shape[0] == ids_t.shape[0])  # one value per example, as labels are
    named_label = re.search(r"(labels?|targets?)", f.hints.get("passed_text") or "", re.I)
    if (per_example or named_label) and any("labels" in fr.params for fr in ctx.raise_frames()):
        f.values["intended"] = "labels"
    if odd_shape and user is not None and ids_t is not None:
        f.values.update(slot_shape=shape_text(user.shape), ids_shape=shape_text(ids_t.shape))
        f.facts.add(ODD_SLOT_SHAPE)
    return True
