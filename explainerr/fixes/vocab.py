"""Fixes for ids that do not fit their table, derived from where the bad values were made
(analyzers/idsource.py): a copy for labels that share the ids' storage, the pad id instead of a negative
padding value, no decoder inputs when the model shifts the labels itself, the tokenizer's full length for the
vocabulary, one more row for an unknown id equal to the table's size, code points mapped into the table; for
token types, segments a model has, or the keyword a positional argument was meant for.  A clamp or a fill at
the point of use is only offered, marked as a band-aid, when no line that made the values was found."""
from __future__ import annotations

import ast
import re
from types import SimpleNamespace

from .. import source as src
from ..analyzers import BAND_AID, Finding, fact
from ..analyzers.idsource import table_constructor
from ..facts import Context
from ..model import Edit
from .checks import bound_names
from .count_beside import count_beside_list
from .len_without_offset import len_without_offset
from .offset_left_out import offset_left_out
from .seen_count import count_all
from .quantized_past_count import quantized_past_count
from . import (
    Located,
    edits_of,
    frame_at,
    locator,
    model_with_config,
)

HASHED_OFFSET = fact("hashed-offset", "the user's code makes ids as an offset plus a value modulo the expression that "
                                      "sizes the table (`offset_made`, `offset`, `size`, `offset_where`)")
LOOKUP_OFFSET = fact("lookup-offset", "the user's code makes ids as an entry of the map whose length sizes the table "
                                      "plus an offset of reserved ids (`offset_made`, `offset`, `size`, `offset_where`)")
FILTERED_ROWS = fact("filtered-rows", "the table's rows come from a comprehension over the vocabulary with an `if` filter "
                                      "(`filtered`, `filter_cond`, `filtered_where`, `table_call`)")
FILTERED_OVER_LEN = fact("filtered-over-len", "the length of the collection the filtered comprehension walks is "
                                              "known (`filtered_over`, `filtered_over_len`)")
NUMBERING_VOCAB = fact("numbering-vocab", "a builtin dict/list on the ids' provenance lines holds more entries than the "
                                          "table has rows (`vocab_name`, `vocab_len`)")
VOCAB_MADE_BY = fact("vocab-made-by", "that vocabulary was assigned from a call (`vocab_maker`)")
EDIT_UNK_ENTRY = fact("edit-unk-entry", "the fix makes the negative fallback id `unk_const` an entry of `unk_vocab`")
EDIT_UTF8_BYTES = fact("edit-utf8-bytes", "the fix gives a byte table the text's UTF-8 bytes (`bounded`) where the ids were "
                                          "made with `ord()`")
CONFIG_FROM_TOKENIZER = fact("config-from-tokenizer", "the fix sizes the model's config with `len(tokenizer)`, the "
                                                      "one tokenizer in the frames (`tokenizer`)")
CONFIG_FROM_VOCAB_FILE = fact("config-from-vocab-file", "the fix sizes the model's config with `len(vocab_list)`, the list "
                                                        "the same function writes to the tokenizer's vocabulary file "
                                                        "(`vocab_size_was`, line `vocab_size_line`)")
CONFIG_FROM_ID_MAP = fact("config-from-id-map", "the fix sizes the model's config with `len(id_map)`, the map of the "
                                                "object whose other attribute sized it (`vocab_size_was`, line "
                                                "`vocab_size_line`) that numbers the ids")
CONFIG_BEFORE_ADDS = fact("config-before-adds", "the config built after tokens were added is sized by a name that does "
                                                "not count them (`vocab_size_was`, line `vocab_size_line`): the fix "
                                                "sizes it with `len(tokenizer)`")
RESIZED_AFTER_LOAD = fact("resized-after-load", "the model is rebuilt from a saved config dict and its saved weights "
                                                  "loaded: the fix resizes its embeddings to `len(tokenizer)` after that "
                                                  "(`model_resized`, line `resize_line`)")
SPECIAL_PAST_SIZE = fact("special-past-size", "the largest id is `special`, an id the user's code writes into the ids "
                                              "(`special_write`), numbered past the size the table was given "
                                              "(`size_name`, line `size_line`, `size_was`): the fix sizes it "
                                              "`special + 1`")
EDIT_PAD_DECODER_INPUTS = fact("edit-pad-decoder-inputs", "the decoder inputs are made as `dec_made` (line "
                                                          "`dec_line`) from labels padded with -100: the fix puts "
                                                          "the pad id `dec_pad` there")
EDIT_SHIFT_UNMASKED = fact("edit-shift-unmasked", "decoder inputs are shifted by hand from labels whose padding "
                                                    "was set to -100 (`shifted`, line `shift_line`): the fix "
                                                    "shifts the ids before that (`unmasked`)")


@locator("ctc-head")
def ctc_head(ctx: Context, f: Finding) -> Located:
    """CTC labels past the head: the config's `vocab_size=` takes `len(tokenizer)`, the one tokenizer in the
    frames, in the file that builds the config."""
    from ..analyzers.classes import user_files
    for file in user_files(ctx):
        tree = src.tree_of(file)
        made = _config_sized_apart(ctx, f, file, tree) if tree is not None else []
        if made:
            f.facts.add("tokenizer")
            return made, None
    return [], None


def _read_without_adding(ctx: Context, f: Finding) -> Located:
    """`vocab[w]` read in a function after the model was sized with `len(vocab)` → `vocab.get(w, vocab["<unk>"])`,
    when the code writes a key for unknown words; no edit otherwise (the words say what to do)."""
    grows = f.hints.get("growing_map")
    if grows is None or (grows.unk is None and grows.unk_const is None):
        return [], None
    edits: list[Edit] = []
    for sub in grows.lookups:
        stmt = src.statement_at(src.tree_of(grows.file), sub.lineno)
        if stmt is None:
            continue
        key, holder = src.segment(grows.file, sub.slice), src.segment(grows.file, sub.value)
        unknown = grows.unk_const or f"{holder}[{grows.unk!r}]"
        edits += edits_of(src.LineEditor.for_node(grows.file, stmt).replace(sub, f"{holder}.get({key}, {unknown})"))
    return edits, None


@locator("vocab")
def vocab(ctx: Context, f: Finding) -> Located:
    """The edit at the line that made the bad ids; else a band-aid at the use, said to be one."""
    for build in (_quantized, _seen_count, _offset_left_out, _len_without_offset, _read_without_adding, _clone_alias,
                  _drop_decoder_inputs, _shift_unmasked, _pad_decoder_inputs, _pad_instead,
                  _negative_fallback, _tokenizer_vocab,
                  _filtered_rows, _close_vocab, _encode_before_table, _special_past_size, _specials_past_config_size,
                  count_beside_list, _grow_table, _config_numbering, _built_before_vocab, _ranges_past_offset,
                  _bound_maker):
        made = build(ctx, f)
        if made[0] or made[1]:
            return made
    ids, pad = f.values.get("ids"), _pad_id(ctx)
    frame = ctx.user  # the code is shown for the failing line: its names must be bound there
    if "negative" not in f.facts or not ids or not re.fullmatch(r"[\w.]+", str(ids)) or frame is None:
        return [], None
    from .checks import undefined_in_code
    code = f"{ids} = {ids}.masked_fill({ids} < 0, {pad})  # hides the negative ids; find where they are made"
    if undefined_in_code(code, frame.file, frame.line):
        return [], None
    f.facts.add(BAND_AID)
    return [], code


def _seen_count(ctx: Context, f: Finding) -> Located:
    """`num_nodes = len(sensors_seen)` sizing a table looked up with `torch.arange(cfg.n_sensors)`."""
    return count_all(ctx, f), None


def _offset_left_out(ctx: Context, f: Finding) -> Located:
    """`vocab=len(WORDS)` beside `other_vocab=len(OTHER) + 4`: the reserved ids left out of this count."""
    top = f.values.get("max_id")
    return offset_left_out(ctx, f, f.values.get("num_embeddings"), top + 1 if type(top) is int else None), None


def _len_without_offset(ctx: Context, f: Finding) -> Located:
    """`__len__` returning `len(self.tokens)` of a class numbering them from `len(SPECIALS)`."""
    return len_without_offset(ctx, f), None


def _quantized(ctx: Context, f: Finding) -> Located:
    """`vel * BINS // 127` gives bin BINS at the largest value: the id one past a table that counts BINS bins."""
    return quantized_past_count(ctx, f, f.values.get("max_id"), f.values.get("num_embeddings")), None


def _shift_unmasked(ctx: Context, f: Finding) -> Located:
    """Decoder inputs shifted by hand from labels whose padding was already replaced by -100
    (`targets = ids.masked_fill(pad, -100)`, then `torch.cat([start, targets[:, :-1]], 1)`): the shift reads the
    ids as they were before the -100s (`ids[:, :-1]`), so the decoder sees the pad id where the loss ignores."""
    if "negative" not in f.facts:
        return [], None
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for a in src.nodes(tree, ast.Assign) if tree is not None else ():
            v = a.value
            if not (len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and isinstance(v, ast.Call)
                    and isinstance(v.func, ast.Attribute) and v.func.attr == "masked_fill" and len(v.args) == 2
                    and isinstance(v.args[1], ast.UnaryOp) and isinstance(v.args[1].operand, ast.Constant)
                    and v.args[1].operand.value == 100):
                continue
            name, before = a.targets[0].id, src.segment(file, v.func.value)
            scope = src.enclosing_scope(tree, a.lineno)
            for sub in (n for n in ast.walk(scope) if isinstance(n, ast.Subscript) and n.lineno > a.lineno
                        and isinstance(n.value, ast.Name) and n.value.id == name and src.cuts_last_position(n.slice)):
                found.append((file, sub, before))
    if len(found) != 1:
        return [], None
    file, sub, before = found[0]
    stmt = src.statement_at(src.tree_of(file), sub.lineno)
    f.facts.add(EDIT_SHIFT_UNMASKED)
    f.values.update(shifted=src.segment(file, sub.value), unmasked=before, shift_line=sub.lineno)
    return edits_of(src.LineEditor.for_node(file, stmt).replace(sub.value, before)), None


def _pad_decoder_inputs(ctx: Context, f: Finding) -> Located:
    """Decoder inputs taken as a shift of labels whose padding is -100 (`dec_in = title_targets[:, :-1]`, the
    -100s written in another function) and passed as `decoder_input_ids`: where they are made, the -100s become
    the model's pad id (`.masked_fill(... == -100, model.config.pad_token_id)`), which the decoder can look up;
    the labels keep -100 for the loss."""
    if "ignore-index" not in f.facts or "decoder-inputs" not in f.facts:
        return [], None
    frame, text = frame_at(ctx, f.hints.get("passed_frame")), f.hints.get("passed_text")
    if frame is None or not isinstance(text, str) or not text.isidentifier():
        return [], None
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, text, frame.line) if tree is not None else None
    value = made.value if made is not None else None
    if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and src.cuts_last_position(value.slice)):
        return [], None
    callee = str(f.values.get("callee") or "")
    model = next((m for m in frame.modules if m.expr == callee and m.config.get("pad_token_id") is not None), None)
    pad = f"{callee}.config.pad_token_id" if model is not None else _pad_id(ctx)
    shifted = src.segment(frame.file, value)
    f.facts.add(EDIT_PAD_DECODER_INPUTS)
    f.values.update(dec_made=shifted, dec_line=made.stmt.lineno, dec_pad=pad)
    new = f"{shifted}.masked_fill({shifted} == -100, {pad})"
    return edits_of(src.LineEditor.for_node(frame.file, made.stmt).replace(value, new)), None


def _negative_fallback(ctx: Context, f: Finding) -> Located:
    """A negative module constant used as the id of words a vocabulary lookup misses (`stoi.get(w, UNK)` with
    `UNK = -1`), with the table sized `len(stoi)` after that constant is set: the constant becomes a real entry,
    `UNK = stoi.setdefault("<unk>", len(stoi))`, so unknown words get a row."""
    if "negative" not in f.facts:
        return [], None
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        consts = {a.targets[0].id: a for a in (tree.body if tree is not None else []) if isinstance(a, ast.Assign)
                  and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.UnaryOp)
                  and isinstance(a.value.op, ast.USub) and isinstance(a.value.operand, ast.Constant)}
        for call in src.calls(tree) if consts else ():
            if not (isinstance(call.func, ast.Attribute) and call.func.attr == "get" and len(call.args) == 2
                    and isinstance(call.func.value, ast.Name) and isinstance(call.args[1], ast.Name)
                    and call.args[1].id in consts):
                continue
            vocab, stmt = call.func.value.id, consts[call.args[1].id]
            sized_after = any(src.segment(file, a) == f"len({vocab})" and a.lineno > stmt.lineno
                              for c in src.calls(tree) for a in c.args)
            if sized_after:
                found.append((file, stmt, vocab))
    if len({(fl, st.lineno) for fl, st, _ in found}) != 1:
        return [], None
    file, stmt, vocab = found[0]
    f.values.update(unk_const=stmt.targets[0].id, unk_vocab=vocab)
    f.facts.add("edit-unk-entry")
    return edits_of(src.LineEditor.for_node(file, stmt).replace(stmt.value, f'{vocab}.setdefault("<unk>", len({vocab}))')), None


def _pad_id(ctx: Context) -> str:
    from ..analyzers.ragged import _pad_constant
    return _pad_constant(ctx) or "0"


def _clone_alias(ctx: Context, f: Finding) -> Located:
    """`labels = input_ids` then `labels[~m] = -100`: the second name gets its own copy."""
    hit = f.hints.get("alias")
    if not hit:
        return [], None
    file, stmt = hit
    if not isinstance(stmt, ast.Assign):
        return [], None
    value = src.segment(file, stmt.value)
    simple = isinstance(stmt.value, (ast.Name, ast.Attribute, ast.Subscript, ast.Call))
    new = f"{value}.clone()" if simple else f"({value}).clone()"
    f.values["alias_fixed"] = " ".join(src.segment(file, stmt).replace(value, new, 1).split())
    return edits_of(src.LineEditor.for_node(file, stmt).replace(stmt.value, new)), None


def _drop_decoder_inputs(ctx: Context, f: Finding) -> Located:
    """`model(..., decoder_input_ids=batch["labels"], labels=batch["labels"])` on a transformers model: the
    model shifts the labels into decoder inputs itself (the pad id replacing -100), so the keyword goes."""
    if not {"decoder-inputs", "labels-in-call"} <= f.facts or not ctx.config():
        return [], None
    frame = frame_at(ctx, f.hints.get("passed_frame"))
    param = f.hints.get("passed_param")
    tree = src.tree_of(frame.file) if frame is not None else None
    stmt = src.statement_at(tree, frame.line) if tree is not None and frame is not None else None
    if stmt is None or frame is None:
        return [], None
    for call in src.calls(stmt):
        kws = call.keywords
        for i, kw in enumerate(kws):
            if kw.arg != param:
                continue
            if i + 1 < len(kws):  # up to the next argument
                nxt = kws[i + 1]
                span = SimpleNamespace(lineno=kw.lineno, col_offset=kw.col_offset, end_lineno=nxt.lineno,
                                       end_col_offset=nxt.col_offset)
            else:  # the last one: from the end of the previous argument
                prev = (call.args + [k.value for k in kws[:i]])
                if not prev:
                    continue
                last = max(prev, key=lambda n: (n.end_lineno, n.end_col_offset))
                span = SimpleNamespace(lineno=last.end_lineno, col_offset=last.end_col_offset,
                                       end_lineno=kw.end_lineno, end_col_offset=kw.end_col_offset)
            e = src.LineEditor.for_node(frame.file, stmt).replace(span, "")  # type: ignore[arg-type]
            return edits_of(e), None
    return [], None


def _pad_instead(ctx: Context, f: Finding) -> Located:
    """`padding_value=IGNORE_INDEX` (or a negative fill) where the input ids were made → the pad id."""
    hit = f.hints.get("pad_node")
    if not hit:
        return [], None
    file, stmt, node = hit
    pad = _pad_id(ctx)
    f.values["pad_id"] = pad
    return edits_of(src.LineEditor.for_node(file, stmt).replace(node, pad)), None


_TABLE_FROM_ROWS = re.compile(r"(Embedding|Embeddings|from_pretrained|Parameter|copy_)$")


def _filtered_rows(ctx: Context, f: Finding) -> Located:
    """The table's rows built by a filtered comprehension over the vocabulary (`[vectors[w] for w in vocab if w in
    vectors]`) and handed to a table (`nn.Embedding.from_pretrained(...)`, `WordEmbeddings(tok, ...)`,
    `.weight.data.copy_(...)`): every word the filter drops shifts the rows after it and leaves the table short.
    One row per word, the dropped ones zero."""
    num = f.hints.get("num_embeddings")
    if "too-large" not in f.facts or not isinstance(num, int):
        return [], None
    width = next((m.attrs.get("embedding_dim") for fr in ctx.frames for m in fr.modules
                  if m.attrs.get("num_embeddings") == num and isinstance(m.attrs.get("embedding_dim"), int)), None)
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for comp in src.nodes(tree, ast.ListComp, ast.GeneratorExp) if tree is not None else ():
            gen = comp.generators[0] if len(comp.generators) == 1 else None
            table_call = _feeds_table(tree, comp) if gen is not None and len(gen.ifs) == 1 else None
            if gen is None or table_call is None:
                continue
            kept = _kept_row(file, tree, comp.elt, gen.ifs[0], width)
            if kept is None:
                continue
            stmt = src.statement_at(tree, comp.lineno)
            if stmt is None:
                continue
            loop = f"for {src.segment(file, gen.target)} in {src.segment(file, gen.iter)}"
            new = f"[{kept} {loop}]" if isinstance(comp, ast.ListComp) else f"({kept} {loop})"
            shown = src.segment(file, stmt) if isinstance(stmt, ast.Assign) else src.segment(file, comp)
            f.values.update(table_call=table_call, filtered=" ".join(shown.split()), filter_cond=src.segment(file, gen.ifs[0]),
                            filtered_where=_where_in(file, comp.lineno))
            f.facts.add(FILTERED_ROWS)
            over = src.segment(file, gen.iter)
            length = next((fr.lengths[over] for fr in ctx.user_frames() if over in fr.lengths), None)
            if length is not None:
                f.values.update(filtered_over=over, filtered_over_len=length)
                f.facts.add(FILTERED_OVER_LEN)
            return edits_of(src.LineEditor.for_node(file, stmt).replace(comp, new)), None
    return [], None


def _feeds_table(tree: ast.Module, comp: ast.AST) -> str | None:
    """The comprehension's value reaches a table-building call: directly, through a wrapping call
    (`np.stack(...)`, `torch.tensor(...)`), or through the name it is assigned to: that call's name."""
    path = src.path_to(tree, comp.lineno)  # type: ignore[attr-defined]
    stmt = next((n for n in reversed(path) if isinstance(n, ast.stmt) and src.contains(n, comp.lineno)), None)
    calls = [n for n in ast.walk(stmt) if isinstance(n, ast.Call)] if stmt is not None else []
    direct = next((src.call_name(c) for c in calls if _TABLE_FROM_ROWS.search(src.call_name(c))), None)
    if direct is not None:
        return direct
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    return _name_reaches_table(tree, stmt.targets[0].id, src.enclosing_scope(tree, stmt.lineno), stmt.lineno)


def _name_reaches_table(tree: ast.Module, name: str, scope: ast.AST, after: int, depth: int = 0) -> str | None:
    """`name` is passed, after line `after` of `scope`, to a table-building call, or to one of the file's own
    functions or classes whose parameter in that place reaches one (one call deep): that call's name."""
    defs = {d.name: d for d in src.nodes(tree, ast.FunctionDef, ast.ClassDef)}
    for c in src.nodes(scope, ast.Call):
        if getattr(c, "lineno", 0) <= after:
            continue
        places = [(i, None) for i, a in enumerate(c.args) if _uses(a, name)]
        places += [(None, k.arg) for k in c.keywords if _uses(k.value, name)]
        if not places:
            continue
        if _TABLE_FROM_ROWS.search(src.call_name(c)):
            return src.call_name(c)
        target, params = _callee(defs, c)
        if target is None or depth:
            continue
        for index, keyword in places:
            param = keyword if keyword else params[index] if index is not None and index < len(params) else None
            found = _name_reaches_table(tree, param, target, target.lineno, depth + 1) if param else None
            if found:
                return found
    return None


def _callee(defs: dict[str, ast.AST], call: ast.Call) -> tuple[ast.FunctionDef | None, list[str]]:
    """The file's own function (or class `__init__`) a call runs, and its parameters without `self`."""
    target = defs.get(src.call_name(call).split(".")[-1])
    if isinstance(target, ast.ClassDef):
        target = next((n for n in target.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if not isinstance(target, ast.FunctionDef):
        return None, []
    params = [a.arg for a in target.args.args]
    return target, params[1:] if params[:1] == ["self"] else params


def _uses(node: ast.AST, name: str) -> bool:
    return any(isinstance(a, ast.Name) and a.id == name for a in ast.walk(node))


def _kept_row(file: str, tree: ast.Module, elt: ast.AST, cond: ast.AST, width: int | None) -> str | None:
    """The element with a zero row where the filter said no: `vectors.get(w, zero)` for `vectors[w] ... if w in
    vectors`, else `elt if cond else zero`.  The zero row has the table's width, in the file's own array library."""
    if width is None:
        return None
    text = src.segment(file, tree)
    zero = (f"np.zeros({width}, dtype=np.float32)" if re.search(r"^import numpy as np\b", text, re.M)
            else f"torch.zeros({width})" if re.search(r"^import torch\b", text, re.M) else None)
    if zero is None:
        return None
    if (isinstance(elt, ast.Subscript) and isinstance(cond, ast.Compare) and len(cond.ops) == 1
            and isinstance(cond.ops[0], ast.In) and ast.dump(cond.left) == ast.dump(elt.slice)
            and ast.dump(cond.comparators[0]) == ast.dump(elt.value)):
        return f"{src.segment(file, elt.value)}.get({src.segment(file, elt.slice)}, {zero})"
    return f"{src.segment(file, elt)} if {src.segment(file, cond)} else {zero}"


def _close_vocab(ctx: Context, f: Finding) -> Located:
    """A defaultdict vocabulary that numbers unseen words, and a table sized with its length: right after the
    line that sizes the table, unseen words get the unknown-word id from then on."""
    hit, unk = f.hints.get("growing"), f.hints.get("unk")
    if hit and f.hints.get("closer"):  # the vocabulary's own method that stops numbering new words
        file, stmt, _ = hit
        edit = src.insert_after(file, stmt, f.hints["closer"])
        return ([edit] if edit else []), None
    if not hit or not unk:
        return [], None
    file, stmt, vocab = hit
    edit = src.insert_after(file, stmt, f"{vocab}.default_factory = lambda: {unk}  # words seen from now on map to {unk}")
    return ([edit] if edit else []), None


def _encode_before_table(ctx: Context, f: Finding) -> Located:
    """The statement that ran the self-numbering map over more data after the table was sized with its length
    moved before the table's construction, when every name it reads is bound there."""
    grew = f.hints.get("map_grew_after_table")
    if grew is None:
        return [], None
    from .label_range import _filled_first
    return _filled_first(grew), None


def _special_past_size(ctx: Context, f: Finding) -> Located:
    """The largest id is a special id the user's code writes into the ids (`corrupted[hide] = MASK_ID`, a mask,
    start or end marker numbered after the vocabulary) and the table was sized by a name set before that id was
    counted (`item_vocab = n_skus + 1` handed on as `vocab_size=`/`num_embeddings`): that name is set to
    `MASK_ID + 1`, so every id up to the special one has a row."""
    from ..provenance import origins
    from .checks import bound_names
    num, top, ids = f.hints.get("num_embeddings"), f.hints.get("max_id"), str(f.values.get("ids") or "")
    if "too-large" not in f.facts or not isinstance(num, int) or not isinstance(top, int) or top < num:
        return [], None
    tensors = [t for fr in ctx.user_frames() for t in fr.tensors if t.expr == ids]
    steps = [o.source for o in origins(ctx, tensors[:1])] if tensors else []
    writes = [(m.group(1), step) for step in steps for m in [re.search(r"\]\s*=\s*([A-Za-z_]\w*)\s*$", step)] if m]
    specials = {name: step for name, step in writes
                if any(fr.scalars.get(name) == top and type(fr.scalars.get(name)) is int for fr in ctx.user_frames())}
    if len(specials) != 1:
        return [], None
    special, step = next(iter(specials.items()))
    from ..analyzers.classes import static_int
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for a in src.nodes(tree, ast.Assign) if tree is not None else ():
            if len(a.targets) != 1 or not isinstance(a.targets[0], ast.Name) or a.targets[0].id == special \
                    or static_int(ctx, tree, a.value) != num or _uses(a.value, special):
                continue
            scope = src.enclosing_scope(tree, a.lineno)
            if _name_sizes_table(tree, a.targets[0].id, scope, a.lineno) and special in (bound_names(file, a.lineno) or ()):
                found.append((file, a))
    if len(found) != 1:
        return [], None
    file, a = found[0]
    f.values.update(special=special, special_write=step.strip(), size_name=a.targets[0].id, size_line=a.lineno,
                    size_was=src.segment(file, a.value))
    f.facts.add(SPECIAL_PAST_SIZE)
    return edits_of(src.LineEditor.for_node(file, a).replace(a.value, f"{special} + 1")), None


SPECIALS_PAST_CONFIG = fact("specials-past-config-size", "the config that sizes the table also names special "
                                                        "token ids (`special_kw`) numbered at or past its "
                                                        "`vocab_size`: the largest bad id is one of them")


def _specials_past_config_size(ctx: Context, f: Finding) -> Located:
    """`GPT2Config(vocab_size=quant.n_bins, eos_token_id=quant.eos_id, pad_token_id=quant.pad_id)` with the special
    ids numbered after the bins (the largest bad id is the largest of them): `vocab_size` counts them too, as
    `len(quant)` when the object's class defines `__len__` as the size plus that many, else `<largest> + 1`."""
    num, top = f.hints.get("num_embeddings"), f.hints.get("max_id")
    cfg = ctx.config()
    if "too-large" not in f.facts or not isinstance(num, int) or not isinstance(top, int) or top < num \
            or cfg.get("vocab_size") != num:
        return [], None
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in (c for c in src.calls(tree) if src.is_config_call(c)) if tree is not None else ():
            size = src.keyword(call, "vocab_size")
            specials = {k.arg: k for k in call.keywords if k.arg and k.arg.endswith("_token_id")
                        and type(cfg.get(k.arg)) is int and cfg[k.arg] >= num}
            if size is None or not specials or max(cfg[k] for k in specials) != top:
                continue
            stmt = src.statement_at(tree, call.lineno)
            largest = max(specials.values(), key=lambda k: cfg[k.arg])
            value = _counted_by_len(tree, size.value, num, top) or f"{src.segment(file, largest.value)} + 1"
            f.facts.add(SPECIALS_PAST_CONFIG)
            f.values.update(special_kw=", ".join(f"{k}={src.segment(file, v.value)} ({cfg[k]})"
                                                 for k, v in specials.items()),
                            size_was=src.segment(file, size.value), size_fixed=value, size_line=size.value.lineno)
            return edits_of(src.LineEditor.for_node(file, stmt).replace(size.value, value)), None
    return [], None


def _counted_by_len(tree: ast.Module, size: ast.AST, num: int, top: int) -> str | None:
    """`len(quant)` for `quant.n_bins` when `quant`'s class (built by `quant = PriceQuantizer(...)` in the file)
    defines `__len__` as `self.n_bins + k` with room for `top`."""
    if not (isinstance(size, ast.Attribute) and isinstance(size.value, ast.Name)):
        return None
    made = [a for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
            and a.targets[0].id == size.value.id and isinstance(a.value, ast.Call)]
    classes = {c.name: c for c in src.nodes(tree, ast.ClassDef)}
    cls = classes.get(src.call_name(made[0].value)) if len(made) == 1 else None
    fn = next((n for n in (cls.body if cls else []) if isinstance(n, ast.FunctionDef) and n.name == "__len__"), None)
    ret = next((r.value for r in src.nodes(fn, ast.Return)), None) if fn is not None else None
    if not (isinstance(ret, ast.BinOp) and isinstance(ret.op, ast.Add) and isinstance(ret.right, ast.Constant)
            and type(ret.right.value) is int and isinstance(ret.left, ast.Attribute) and ret.left.attr == size.attr):
        return None
    return f"len({size.value.id})" if num + ret.right.value > top else None


_SIZE_KEYWORDS = ("vocab_size", "num_embeddings", "n_vocab", "vocab", "num_tokens", "n_tokens", "num_items", "n_items")


def _name_sizes_table(tree: ast.Module, name: str, scope: ast.AST, after: int, depth: int = 0) -> bool:
    """`name` is given, after line `after` of `scope`, as a table's size: `nn.Embedding(name, ...)`, a
    `vocab_size=`-like keyword, or a parameter of the file's own class or function that is (one call deep)."""
    defs = {d.name: d for d in src.nodes(tree, ast.FunctionDef, ast.ClassDef)}
    for c in src.nodes(scope, ast.Call):
        if getattr(c, "lineno", 0) <= after:
            continue
        direct = any(isinstance(k.value, ast.Name) and k.value.id == name and k.arg in _SIZE_KEYWORDS for k in c.keywords)
        if direct or (src.call_name(c).split(".")[-1] == "Embedding" and c.args and isinstance(c.args[0], ast.Name)
                      and c.args[0].id == name):
            return True
        target, params = _callee(defs, c)
        if target is None or depth:
            continue
        given = [params[i] for i, x in enumerate(c.args) if isinstance(x, ast.Name) and x.id == name and i < len(params)]
        given += [k.arg for k in c.keywords if isinstance(k.value, ast.Name) and k.value.id == name and k.arg]
        if any(_name_sizes_table(tree, p, target, target.lineno, depth + 1) for p in given):
            return True
    return False


def _grow_table(ctx: Context, f: Finding) -> Located:
    """The table's size where it is given (the constructor's argument, or the class's call site when that is a
    parameter of `__init__`): `offset + size` for ids hashed past reserved ids, `len(vocab)` for the vocabulary
    that numbered the ids, else, one or two rows short of the largest id, `+ 1` / `+ 2`."""
    num, top = f.hints.get("num_embeddings"), f.hints.get("max_id")
    if not isinstance(num, int) or not isinstance(top, int) or top < num:
        return [], None
    made = table_constructor(ctx, f.hints.get("table_names") or [f.hints.get("table")])
    if made is None:
        return [], None
    file, n = made
    stmt, size = n, n.value.args[0]  # type: ignore[attr-defined]
    if isinstance(size, ast.Name):  # a parameter of the class's __init__: grown where the class is built
        from ..analyzers.classes import _argument_site
        tree = src.tree_of(file)
        site = _argument_site(ctx, file, tree, n.value, size.id, num) if tree is not None else None
        if site is not None and site.kind == "argument" and site.node is not None:
            stmt, size = site.stmt, site.node
    text = src.segment(file, size)
    new = _offset_size(ctx, f, text, num) or _numbering_vocab(ctx, f, file, stmt.lineno, top, num)
    numbered = f.hints.get("id_map")
    if numbered is not None and numbered[0] in (bound_names(file, stmt.lineno) or set()):
        new = f"len({numbered[0]})"  # the map that numbered the ids, one row per entry
    if new is None and 0 < top - num + 1 <= 2:
        new = f"{text} + {top - num + 1}" if not isinstance(size, ast.Constant) else str(top + 1)
    if new is None:
        return [], None
    return edits_of(src.LineEditor.for_node(file, stmt).replace(size, new)), None


def _config_numbering(ctx: Context, f: Finding) -> Located:
    """A model built here from a `*Config(vocab_size=...)` call whose table is smaller than the user's own
    vocabulary that numbered the ids (`_numbering_vocab`): `vocab_size=len(vocab)` at that call."""
    num, top = f.hints.get("num_embeddings"), f.hints.get("max_id")
    if "config-field" not in f.facts or not isinstance(num, int) or not isinstance(top, int) or top < num:
        return [], None
    found = [(file, tree, kw.value) for file in dict.fromkeys(fr.file for fr in ctx.user_frames())
             for tree in [src.tree_of(file)] if tree is not None for call in src.calls(tree)
             if src.is_config_call(call)
             for kw in [src.keyword(call, "vocab_size")] if kw is not None]
    site = src.sole_site(found, 2)
    if site is None:
        return [], None
    (file, _, value), stmt = site
    new = _offset_size(ctx, f, src.segment(file, value), num, (file, stmt.lineno)) or \
        _numbering_vocab(ctx, f, file, stmt.lineno, top, num)
    if new is None:
        return [], None
    return edits_of(src.LineEditor.for_node(file, stmt).replace(value, new)), None


def _numbering_vocab(ctx: Context, f: Finding, file: str, line: int, top: int, num: int) -> str | None:
    """A plain dict or list that numbered the ids (its name is on a line the ids were made by, not one that only
    hands a dataset to a loader) and holds more entries than the table has rows, at least one per id seen: the
    table is sized with its length.  Its length is read from the frames (`len` of builtin containers only) and
    the name must be bound where the table's size is given."""
    from ..provenance import origins
    from .checks import bound_names
    ids = str(f.values.get("ids") or "")
    tensors = [t for fr in ctx.user_frames() for t in fr.tensors if t.expr == ids] or [
        t for fr in ctx.frames for t in fr.tensors if t.expr == ids]  # a batch a library collated
    found = list(origins(ctx, tensors[:1])) if tensors else []
    if not found and re.fullmatch(r"\w+", ids):  # a batch a library collated: the Dataset's lines for that key
        from ..batches import dataset_origin
        found = dataset_origin(ctx, ids)
    steps = " ".join(o.source for o in found if not re.search(r"\bDataLoader\(|\.prepare\(", o.source))
    bound = bound_names(file, line) or set()
    for fr in ctx.user_frames():
        for name, length in fr.lengths.items():
            if (num < length <= num + 8 and length >= top + 1 and name in bound
                    and re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", steps)):
                f.values.update(vocab_name=name, vocab_len=length)
                made = src.last_assignment(src.tree_of(file), name, line) if src.tree_of(file) is not None else None
                value = getattr(made, "value", None) if made is not None else None
                if isinstance(value, ast.Call):
                    f.values["vocab_maker"] = src.call_name(value)
                    f.facts.add(VOCAB_MADE_BY)
                f.facts.add(NUMBERING_VOCAB)
                f.values["needed"] = length
                return f"len({name})"
    return None


BUILT_BEFORE_VOCAB = fact("built-before-vocab", "`built_stmt` (line `built_line`) sizes the table with `len(old_vocab)` "
                                                "({num_embeddings}) before `new_vocab` is made from it (line `new_line`), "
                                                "with {new_len} entries; the ids are numbered by `new_vocab`")


def _built_before_vocab(ctx: Context, f: Finding) -> Located:
    """`model = make_model(len(base_vocab), ...)`, then `remi_vocab = extend(base_vocab, ...)` in the same function,
    and the ids numbered by `remi_vocab` (on their lines, with at least one entry per id seen): the model is built
    after the larger vocabulary is made, from its length (moved, when nothing between reads the model)."""
    from ..provenance import origins
    num, top = f.hints.get("num_embeddings"), f.hints.get("max_id")
    ids = str(f.values.get("ids") or "")
    if type(num) is not int or type(top) is not int or top < num:
        return [], None
    tensors = [t for fr in ctx.user_frames() for t in fr.tensors if t.expr == ids]
    steps = " ".join(o.source for o in (origins(ctx, tensors[:1]) if tensors else ()))
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        scope = src.enclosing_scope(tree, fr.line) if tree is not None else None
        for st in getattr(scope, "body", []) if not isinstance(scope, ast.Module) else []:
            sized = _sized_by_len(st, fr.lengths, num)
            if sized is None:
                continue
            old = sized
            for a in (x for x in getattr(scope, "body", []) if isinstance(x, ast.Assign) and x.lineno > st.lineno
                      and len(x.targets) == 1 and isinstance(x.targets[0], ast.Name)):
                new = a.targets[0].id
                length = fr.lengths.get(new)
                if length is None or length <= top or not re.search(rf"(?<![\w.]){re.escape(new)}(?!\w)", steps) \
                        or old not in src.names_in(a.value):
                    continue
                model = st.targets[0].id if isinstance(st, ast.Assign) and isinstance(st.targets[0], ast.Name) else None
                between = [x for x in scope.body if st.lineno < x.lineno <= a.lineno]
                if model is None or any(model in src.names_in(x) for x in between):
                    return [], None
                moved_text = src.with_name_replaced(fr.file, st, old, new)  # the whole statement, one line
                f.facts.add(BUILT_BEFORE_VOCAB)
                f.values.update(built_stmt=" ".join(src.segment(fr.file, st).split()), built_line=st.lineno,
                                old_vocab=old, new_vocab=new, new_line=a.lineno, new_len=length, needed=length)
                moved = [src.remove_statement(fr.file, st), src.insert_after(fr.file, a, moved_text)] if moved_text else []
                return ([m for m in moved if m is not None] if moved and all(moved) else []), None
    return [], None


def _sized_by_len(st: ast.stmt, lengths, num: int) -> str | None:
    """X of a statement `m = build(len(X), ...)` whose `len(X)` is the table's size."""
    if not (isinstance(st, ast.Assign) and isinstance(st.value, ast.Call)):
        return None
    for arg in [*st.value.args, *(k.value for k in st.value.keywords)]:
        if isinstance(arg, ast.Call) and src.call_name(arg) == "len" and len(arg.args) == 1 and isinstance(
                arg.args[0], ast.Name) and lengths.get(arg.args[0].id) == num:
            return arg.args[0].id
    return None


def _where_in(file: str, line: int) -> str:
    scope = src.scope_name(file, line)
    return f"line {line} in `{scope}`" if scope else f"line {line}"


def _sized_alike(file: str, tree: ast.Module, node: ast.AST, size: str) -> bool:
    """`node` is the table's size expression `size`: the same text, or `self.attr` set in `__init__` from a
    parameter that the class is built with `size` for (`Hasher(NUM_BUCKETS)` ... `self.buckets = buckets`)."""
    if src.segment(file, node) == size:
        return True
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"):
        return False
    owner = src.enclosing_class(tree, node.lineno)
    init = next((n for n in owner.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None) \
        if owner is not None else None
    if init is None or owner is None:
        return False
    params = [a.arg for a in init.args.args][1:]
    for a in src.nodes(init, ast.Assign):
        t = a.targets[0]
        if (isinstance(t, ast.Attribute) and t.attr == node.attr and isinstance(a.value, ast.Name)
                and a.value.id in params):
            param, index = a.value.id, params.index(a.value.id)
            for call in src.calls(tree):
                if src.call_name(call).split(".")[-1] != owner.name:
                    continue
                given = next((k.value for k in call.keywords if k.arg == param), None)
                if given is None and index < len(call.args):
                    given = call.args[index]
                if given is not None and src.segment(file, given) == size:
                    return True
    return False


def _offset_size(ctx: Context, f: Finding, size: str, num: int, at: tuple[str, int] | None = None) -> str | None:
    """Ids made as `offset + h % size` (a hashing trick past reserved ids) reach `offset + size - 1`: the table
    needs `offset + size` rows, not one more than the largest id seen.  Likewise ids looked up in the map whose
    length sizes the table and shifted past reserved ids (`KMER_TO_ID[k] + offset` for `len(KMER_TO_ID)`); a
    local offset is written as its value (`len(SPECIAL)`) when only that is readable where the size is (`at`)."""
    lookup = re.fullmatch(r"len\((\w+)\)", size)
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for n in src.nodes(tree, ast.BinOp) if tree is not None else ():
            if not isinstance(n.op, ast.Add):
                continue
            for mod, other in ((n.right, n.left), (n.left, n.right)):
                looked_up = lookup is not None and isinstance(mod, ast.Subscript) and isinstance(mod.value, ast.Name) \
                    and mod.value.id == lookup.group(1)
                if looked_up or (isinstance(mod, ast.BinOp) and isinstance(mod.op, ast.Mod)
                                 and _sized_alike(file, tree, mod.right, size)):
                    offset = src.segment(file, other)
                    if looked_up and at is not None:
                        offset = _readable_offset(tree, other, n.lineno, at)
                        if offset is None:
                            continue
                    value = next((fr.scalars[offset] for fr in ctx.user_frames()
                                  if type(fr.scalars.get(offset)) is int), None)
                    if isinstance(other, ast.Constant):
                        value = other.value
                    top = f.hints.get("max_id")
                    if isinstance(value, int) and isinstance(top, int) and not num <= top < num + value:
                        continue  # the offset does not account for the ids seen
                    if isinstance(value, int) and value > 0:
                        f.values["needed"] = num + value
                    f.values.update(offset=offset, size=size, offset_made=src.segment(file, n),
                                    offset_where=_where_in(file, n.lineno))
                    f.facts.add(LOOKUP_OFFSET if looked_up else HASHED_OFFSET)
                    return f"{offset} + {size}"
    return None


def _readable_offset(tree: ast.Module, other: ast.AST, line: int, at: tuple[str, int]) -> str | None:
    """The offset's text where the table's size is given (`at`): a number, a name bound there, or the value a
    local name was given (`offset = len(SPECIAL)`) when every name of that value is bound there."""
    from .checks import bound_names
    bound = bound_names(*at) or set()
    if isinstance(other, ast.Constant) and type(other.value) is int:
        return str(other.value)
    if isinstance(other, ast.Name) and other.id not in bound:
        made = src.assignments(tree, other.id, src.enclosing_scope(tree, line), before=line)
        if len(made) != 1 or made[0].augmented:
            return None
        other = made[0].value
    names = {n.id for n in ast.walk(other) if isinstance(n, ast.Name)} - {"len", "max", "min"}
    return ast.unparse(other) if names <= bound else None


RANGES_PAST_OFFSET = fact("ranges-past-offset", "the table is sized `size_name` = `size_sum` (line `size_line`), "
                                                "the sum of the id ranges, while the ids of the last range start at "
                                                "`range_offset` ({offset_value}), past ids reserved before the first "
                                                "range: `size_fixed` ({needed}) rows hold them")
SIZE_MOVED = fact("size-moved-after-offset", "the fix moves the size's definition after the offset it reads")
_OFFSET_WORD = re.compile(r"OFFSET|START|BASE|FIRST|BEGIN")


def _ranges_past_offset(ctx: Context, f: Finding) -> Located:
    """`VOCAB_SIZE = N_NOTE_ON + N_NOTE_OFF + N_VELOCITY` (module constants) sizing the table, while each range's
    ids start at its own offset constant (`VELOCITY_OFFSET = TIME_SHIFT_OFFSET + N_TIME_SHIFT`, the first one past
    reserved ids): the table needs the last range's offset plus its count.  The size is set so where it is
    defined, moved after that offset when the offset comes later in the file."""
    num, top = f.hints.get("num_embeddings"), f.hints.get("max_id")
    if type(num) is not int or type(top) is not int or top < num:
        return [], None
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        defs = _module_assigns(tree) if tree is not None else {}
        for name, a in defs.items():
            terms = src.signed_terms(a.value) if isinstance(a.value, ast.BinOp) else []
            if _module_int(tree, defs, a.value) != num or len(terms) < 2 or any(
                    sign < 0 or not isinstance(t, ast.Name) or t.id not in defs for sign, t in terms):
                continue
            last = max(((t.id, o) for _, t in terms for o in _offsets_of(defs, t.id)),
                       key=lambda p: _module_int(tree, defs, defs[p[1]].value) or -1, default=None)
            if last is None:
                continue
            count, offset = last
            start = _module_int(tree, defs, defs[offset].value)
            size = _module_int(tree, defs, defs[count].value)
            if start is None or size is None or not top < start + size or start + size <= num:
                continue
            fixed = f"{offset} + {count}"
            f.facts.add(RANGES_PAST_OFFSET)
            f.values.update(size_name=name, size_sum=" ".join(src.segment(file, a.value).split()), size_line=a.lineno,
                            range_offset=offset, offset_value=start, size_fixed=fixed, needed=start + size)
            made = defs[offset]
            if made.lineno < a.lineno:
                return edits_of(src.LineEditor.for_node(file, a).replace(a.value, fixed)), None
            if _read_at_module_level(tree, name, a.lineno, made.lineno):
                return [], None
            f.facts.add(SIZE_MOVED)
            moved = [src.remove_statement(file, a), src.insert_after(file, made, f"{name} = {fixed}")]
            return ([e for e in moved if e is not None] if all(moved) else []), None
    return [], None


def _module_assigns(tree: ast.Module) -> dict[str, ast.Assign]:
    """`NAME = value` statements of the module's top level, one target each, by name (the last one wins)."""
    return {st.targets[0].id: st for st in tree.body if isinstance(st, ast.Assign) and len(st.targets) == 1
            and isinstance(st.targets[0], ast.Name)}


def _module_int(tree: ast.Module, defs: dict[str, ast.Assign], node: ast.AST, depth: int = 0) -> int | None:
    """The int a module-level expression of constants holds: literals, `len(<literal collection>)`, names of
    such constants, + - * // of them."""
    from ..analyzers.classes import static_len
    if depth > 20:
        return None
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Name) and node.id in defs:
        return _module_int(tree, defs, defs[node.id].value, depth + 1)
    if isinstance(node, ast.Call) and src.call_name(node) == "len" and len(node.args) == 1:
        arg = node.args[0]
        value = defs[arg.id].value if isinstance(arg, ast.Name) and arg.id in defs else arg
        return static_len(value, {k: v for k, v in defs.items()})[0]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)):
        a, b = _module_int(tree, defs, node.left, depth + 1), _module_int(tree, defs, node.right, depth + 1)
        if a is None or b is None or (isinstance(node.op, ast.FloorDiv) and not b):
            return None
        return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}.get(type(node.op), a // b if b else 0)
    return None


def _offsets_of(defs: dict[str, ast.Assign], count: str) -> list[str]:
    """The offset constants named after the range `count` counts (`VELOCITY_OFFSET` for `N_VELOCITY`)."""
    stem = re.sub(r"^(NUM_|N_|NB_)|(_COUNT|_SIZE|_N|S)$", "", count)
    return [n for n in defs if n != count and stem and stem in n and _OFFSET_WORD.search(n.replace(stem, ""))]


def _read_at_module_level(tree: ast.Module, name: str, after: int, before: int) -> bool:
    """A top-level statement between the two lines reads `name` (moving its definition past them breaks it)."""
    return any(after < st.lineno <= before and any(isinstance(n, ast.Name) and n.id == name and isinstance(
        n.ctx, ast.Load) for n in ast.walk(st)) for st in tree.body if not isinstance(
        st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))


def _bound_maker(ctx: Context, f: Finding) -> Located:
    """`ord(ch)` where ids are made, for a table of N rows → `min(ord(ch), N - 1)`: characters past the
    table share its last row (the table's size named as the user names it when that name is bound there)."""
    hit, num = f.hints.get("maker"), f.hints.get("num_embeddings")
    if not hit or not isinstance(num, int):
        return [], None
    file, stmt, call = hit
    comp = _code_points_of(stmt, call) if 256 <= num <= 264 else None
    if comp is not None:  # a byte table: the text's UTF-8 bytes, every one of them a row
        f.facts.add(EDIT_UTF8_BYTES)
        f.values["bounded"] = f'list({src.segment(file, comp.generators[0].iter)}.encode("utf-8"))'
        return edits_of(src.LineEditor.for_node(file, stmt).replace(comp, f.values["bounded"])), None
    from .checks import bound_names
    bound = bound_names(file, stmt.lineno) or set()
    names = [n for n in ctx.scalar_names(num) if n in bound and n.isupper()]
    limit = f"{names[0]} - 1" if names else str(num - 1)
    f.values["bounded"] = f"min({src.segment(file, call)}, {limit})"
    return edits_of(src.LineEditor.for_node(file, stmt).replace(call, f.values["bounded"])), None


def _adds_after(tree: ast.Module, add: ast.Call, config: ast.Call) -> ast.stmt | None:
    """The statement of the config's scope that adds the tokens after the config is built: the add sits in a
    function (or a class's `__init__`) of the file that this scope calls only after the config's line."""
    fn = src.enclosing_scope(tree, add.lineno)
    scope = src.enclosing_scope(tree, config.lineno)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn is scope:
        return None
    calls = [c for c in src.callers_of(tree, fn) if src.enclosing_scope(tree, c.lineno) is scope]
    if not calls or any(c.lineno <= config.lineno for c in calls):
        return None
    return src.statement_at(tree, min(c.lineno for c in calls))


def _resize_after(file: str, tree: ast.Module, config: ast.Call, later: ast.stmt, tok: str) -> list[Edit]:
    """`model.resize_token_embeddings(len(tok))` after `later`, for the one model built from the config's name
    in the same scope."""
    from .checks import undefined_in_code
    cfg = src.statement_at(tree, config.lineno)
    names = [t.id for t in getattr(cfg, "targets", []) if isinstance(t, ast.Name)]
    scope = src.enclosing_scope(tree, config.lineno)
    models = [
        s.targets[0].id for s in src.statements(scope) if isinstance(s, ast.Assign) and len(s.targets) == 1
        and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Call) and config.lineno < s.lineno
        < later.lineno and any(isinstance(a, ast.Name) and a.id in names for a in s.value.args)]
    if len(models) != 1:
        return []
    line = f"{models[0]}.resize_token_embeddings(len({tok}))"
    if undefined_in_code(line, file, later.lineno + 1):
        return []
    e = src.insert_after(file, later, line)
    return [e] if e else []


def _code_points_of(stmt: ast.stmt, call: ast.Call) -> ast.ListComp | None:
    """`[ord(ch) for ch in text]` holding `call` as its element: every character of a text, by code point."""
    for n in ast.walk(stmt):
        if (isinstance(n, ast.ListComp) and n.elt is call and len(n.generators) == 1 and not n.generators[0].ifs
                and isinstance(n.generators[0].target, ast.Name) and len(call.args) == 1
                and isinstance(call.args[0], ast.Name) and call.args[0].id == n.generators[0].target.id):
            return n
    return None


def _tokenizer_vocab(ctx: Context, f: Finding) -> Located:
    """Size the model from len(tokenizer), or resize its embeddings once both model and added tokens exist."""
    from ..analyzers.idsource import base_size_handed, handed_in, setting_copied, tokenizer_like
    if "too-large" not in f.facts or ("vocab_size" in ctx.config() and "config-field" not in f.facts):
        return [], None  # (the failing table is the user's own, not the one the model's config sizes)
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        added = [c for c in src.calls(tree) if src.call_name(c).endswith((".add_tokens", ".add_special_tokens"))]
        last_add = max(added, key=lambda c: c.lineno) if added else None
        for call in src.calls(tree):
            kw = src.keyword(call, "vocab_size")
            if kw is not None and src.is_config_call(call) and _resized_later(tree, call):
                continue  # that model's embeddings are resized after it is built: another model failed
            if kw is not None and src.is_config_call(call):
                m = re.fullmatch(r"(.+)\.vocab_size", src.segment(file, kw.value))
                named = setting_copied(tree, file, kw.value.id) if isinstance(kw.value, ast.Name) else None
                if named is None and isinstance(kw.value, ast.Subscript):
                    named = _stored_size(tree, file, kw.value)  # `meta["vocab_size"]` stored as `tok.vocab_size`
                if named is not None:  # `vocab = tokenizer.vocab_size` read by the config: set from the tokenizer there
                    stmt, value, tok = named
                    return edits_of(src.LineEditor.for_node(file, stmt).replace(value, f"len({tok})")), None
                if m and not tokenizer_like(m.group(1)):  # `CFG.vocab_size`: a setting, set from the tokenizer
                    copied = setting_copied(tree, file, src.segment(file, kw.value))
                    if copied is not None:
                        stmt, value, tok = copied
                        return edits_of(src.LineEditor.for_node(file, stmt).replace(value, f"len({tok})")), None
                elif m and last_add is not None and (later := _adds_after(tree, last_add, call)) is not None:
                    resized = _resize_after(file, tree, call, later, m.group(1))
                    if resized:  # the tokens are added by a call made after the config is built
                        return resized, None
                elif m and (last_add is None or call.lineno > last_add.lineno
                            or handed_in(tree, call, m.group(1), last_add)):
                    return edits_of(_sized_alike_too(file, call, kw, f"len({m.group(1)})")), None
                elif not m and (counted := _counted_before_adds(f, file, tree, call, kw.value, last_add)):
                    return counted, None
                elif not m and (counted := _list_counted_at_caller(ctx, f, file, tree, call, kw.value, last_add)):
                    return counted, None
        for call in src.calls(tree) if last_add is not None else ():
            handed = base_size_handed(tree, call, last_add)  # `Model(cfg, vocab_size=dm.tokenizer.vocab_size)`
            stmt = src.statement_at(tree, call.lineno) if handed is not None else None
            if stmt is not None:
                value, tok = handed
                return edits_of(src.LineEditor.for_node(file, stmt).replace(value, f"len({tok})")), None
        if last_add is None:
            sized = _config_sized_apart(ctx, f, file, tree) or _saved_config_resized(ctx, f, file, tree) or \
                _factory_sized_apart(ctx, f, file, tree) or \
                _config_beside_vocab_file(f, file, tree) or _config_by_other_attribute(f, file, tree) or \
                _resized_to_tokenizer(f, file, tree)
            if sized:
                return sized, None
        if last_add is None or any(src.call_name(c).endswith("resize_token_embeddings") for c in src.calls(tree)):
            continue
        tok = src.call_name(last_add).rsplit(".", 1)[0]
        from ..analyzers.idsource import config_reads_holder
        held = config_reads_holder(tree, file, last_add, tok)
        if held is not None:  # `vocab_size=ctx["base_vocab_size"]` beside `ctx["tokenizer"] = tok`
            call, value, kept = held
            return edits_of(src.LineEditor.for_node(file, call).replace(value, f"len({kept})")), None
        returned = [r for r in src.nodes(tree, ast.Return) if r.value is not None
                    and src.segment(file, r.value) == f"{tok}.vocab_size"]
        if len(returned) == 1:  # `def vocab_size(self): return self.tokenizer.vocab_size`: the size handed on
            r = returned[0]
            return edits_of(src.LineEditor.for_node(file, r).replace(r.value, f"len({tok})")), None
        alias = src.last_assignment(tree, tok, last_add.lineno) if tok.isidentifier() else None
        owned = f"{src.segment(file, alias.value.value)}.tokenizer" if alias is not None and isinstance(
            alias.value, ast.Attribute) and alias.value.attr == "tokenizer" else tok  # `tok = encoder.tokenizer`
        target = _tokenizer_owner_model(ctx, tree, owned, last_add.lineno) or _model_made_beside(
            tree, file, last_add) or model_with_config(ctx)
        if not target:
            continue
        line = f"{target}.resize_token_embeddings(len({tok}))"
        model_def = _made_in_holder(ctx, tree, file, target)
        add_stmt = src.statement_at(tree, last_add.lineno)
        from .checks import undefined_in_code
        if add_stmt is not None and model_def is not None and src.enclosing_scope(tree, add_stmt.lineno) is not \
                src.enclosing_scope(tree, model_def.stmt.lineno) and not undefined_in_code(line, file, add_stmt.lineno + 1):
            anchor = add_stmt  # added in a helper that reaches the model: resized right there, whenever it runs
        else:
            anchors = [s for s in (model_def.stmt if model_def else None, add_stmt) if s is not None]
            anchor = max(anchors, key=lambda s: s.lineno) if anchors else None
        if anchor is None:
            continue
        if undefined_in_code(line, file, anchor.lineno + 1):
            named = _returned_as(tree, last_add, tok)
            line = f"{target}.resize_token_embeddings(len({named}))" if named else line
        if undefined_in_code(line, file, anchor.lineno + 1):
            return [], None  # the tokens are added where the model is not in reach: said in words only
        e = src.insert_after(file, anchor, line)
        return ([e], line) if e else ([], None)  # (the line alone would be shown where its names are not bound)
    return [], None


def _returned_as(tree: ast.Module, add: ast.Call, tok: str) -> str | None:
    """The name the caller gives the tokenizer a helper adds tokens to and returns (`tok` of `def
    build_tokenizer(...)` that ends `return tok`, called once as `tokenizer = build_tokenizer(path)`)."""
    fn = src.enclosing_scope(tree, add.lineno)
    if not isinstance(fn, ast.FunctionDef) or not tok.isidentifier():
        return None
    returns = [r for r in src.nodes(fn, ast.Return) if r.value is not None]
    if not returns or not all(isinstance(r.value, ast.Name) and r.value.id == tok for r in returns):
        return None
    calls = [c for c in src.calls(tree) if isinstance(c.func, ast.Name) and c.func.id == fn.name]
    if len(calls) != 1:
        return None
    stmt = src.statement_at(tree, calls[0].lineno)
    if isinstance(stmt, ast.Assign) and stmt.value is calls[0] and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return None


def _sized_alike_too(file: str, call: ast.Call, kw: ast.keyword, new: str) -> src.LineEditor:
    """The config's `vocab_size` replaced by `new`, and every other vocabulary size of the same call given the
    same value (`decoder_vocab_size=tok.vocab_size` of a MarianConfig): the tables it sizes take the same ids."""
    e = src.LineEditor.for_node(file, call).replace(kw.value, new)
    text = src.segment(file, kw.value)
    for other in call.keywords:
        if other is not kw and other.arg and "vocab" in other.arg and src.segment(file, other.value) == text:
            e.replace(other.value, new)
    return e


def _stored_size(tree: ast.Module, file: str, read: ast.Subscript) -> tuple[ast.stmt, ast.expr, str] | None:
    """(statement, value, tokenizer) of the one dict literal of the file that gives the key a config reads
    (`vocab_size=meta["vocab_size"]`) a tokenizer's `vocab_size` (`{"vocab_size": tok.vocab_size, ...}`, saved
    with json.dump or kept in a settings dict): the count that leaves the added tokens out, set where it is
    stored."""
    from ..analyzers.idsource import tokenizer_like
    if not (isinstance(read.slice, ast.Constant) and isinstance(read.slice.value, str)):
        return None
    found = []
    for value in src.keyed_values(tree, read.slice.value):
        m = re.fullmatch(r"(.+)\.vocab_size", src.segment(file, value))
        stmt = src.statement_at(tree, value.lineno) if m and tokenizer_like(m.group(1)) else None
        if stmt is not None:
            found.append((stmt, value, m.group(1)))
    return found[0] if len(found) == 1 else None


def _model_made_beside(tree: ast.Module, file: str, added: ast.Call) -> str | None:
    """The one model the function that adds the tokens builds itself (`encoder = BertModel(BertConfig(...))`,
    `model = AutoModel.from_pretrained(...)`), under a plain name: resized there, in the same scope."""
    scope = src.enclosing_scope(tree, added.lineno)
    if scope is tree:
        return None
    made = [n for n in src.statements(scope, nested=True) if isinstance(n, ast.Assign) and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.Call)
            and re.search(r"(Model|For[A-Z]\w*|\.from_pretrained)$", src.call_name(n.value))
            and not re.search(r"Tokenizer|Config", src.call_name(n.value))]
    return made[0].targets[0].id if len(made) == 1 else None


def _made_in_holder(ctx: Context, tree: ast.Module, file: str, target: str) -> src.Assignment | None:
    """The assignment that made the model `target` in the scope of a user frame that holds it (the frame that
    built it, not one it was passed to), else at module level."""
    base = target.split(".", 1)[0]
    for fr in ctx.user_frames():
        if fr.file == file and any(m.expr == target for m in fr.modules):
            made = src.assignments(tree, base, src.enclosing_scope(tree, fr.line), before=fr.line)
            if made:
                return made[-1]
    return src.last_assignment(tree, base, 10 ** 9)


def _tokenizer_owner_model(ctx: Context, tree: ast.Module, tok: str, line: int) -> str | None:
    """`word_model.auto_model` for tokens added to `word_model.tokenizer`, where `word_model` is built (before
    `line`) by a library module class that holds both the tokenizer and the transformers model (a
    sentence-transformers `Transformer`): its child with a config, seen on a module of that class in the frames."""
    owner = tok.rsplit(".", 1)[0] if tok.endswith(".tokenizer") else None
    if not owner:
        return None
    made = src.last_assignment(tree, owner, line) if owner.isidentifier() else None
    if made is not None and isinstance(made.value, ast.Call):
        cls = src.call_name(made.value).split(".")[-1]
    else:  # `encoder[0].tokenizer`: the module the frames show under that path
        path = re.sub(r"\[(\d+)\]", r".\1", owner.replace("._first_module()", "[0]"))
        cls = next((m.cls for fr in ctx.user_frames() for m in fr.modules if m.expr == path), None)
        if cls is None and path.endswith(".0") and any(
                m.expr == path[:-2] and m.cls == "SentenceTransformer" for fr in ctx.user_frames() for m in fr.modules):
            cls = "Transformer"  # a SentenceTransformer's first module, whose children the frames do not list
        if cls is None:
            return None
    child = _config_child(ctx, cls, depth=2)
    return f"{owner}{child}" if child is not None else None


def _config_child(ctx: Context, cls: str, depth: int) -> str | None:
    """The code path (`.auto_model`, `[0].model`) from a module of class `cls` to its child that has a config,
    read from the modules the frames show (a user frame's, or the `self` of the library's own forward); a
    child listed without its own children (a SentenceTransformer's `0`) is followed through its class."""
    for fr in ctx.frames:
        for m in (m for m in fr.modules if m.cls == cls):
            kids = [(c, _as_code_path(c.expr[len(m.expr) + 1:])) for c in fr.modules if c.expr.startswith(m.expr + ".")]
            found = next((path for c, path in kids if c.config and path), None)
            if found is not None:
                return found
            for c, path in kids:
                deeper = _config_child(ctx, c.cls, depth - 1) if depth > 1 and path and "." not in path[1:] else None
                if deeper is not None:
                    return path + deeper
    return None


def _as_code_path(rel: str) -> str | None:
    """`.auto_model` for the module path `auto_model`, `[0]` for `0`, `[0].auto_model` for `0.auto_model` (a
    child of a Sequential-like container reached by index); None for anything deeper."""
    parts = rel.split(".")
    if len(parts) == 1:
        return f".{parts[0]}" if parts[0].isidentifier() else f"[{parts[0]}]" if parts[0].isdigit() else None
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isidentifier():
        return f"[{parts[0]}].{parts[1]}"
    return None


def _written_list(fn: ast.AST) -> str | None:
    """The list a function writes to a file one entry per line: `fh.write("\n".join(vocab) ...)`, or a `for w
    in vocab:` loop around a `.write(...)`."""
    found = set()
    for c in src.calls(fn):
        if not (isinstance(c.func, ast.Attribute) and c.func.attr == "write" and c.args):
            continue
        for j in ast.walk(c.args[0]):
            if isinstance(j, ast.Call) and isinstance(j.func, ast.Attribute) and j.func.attr == "join" and j.args \
                    and isinstance(j.args[0], ast.Name):
                found.add(j.args[0].id)
        for loop in (n for n in ast.walk(fn) if isinstance(n, ast.For) and isinstance(n.iter, ast.Name)):
            if any(w is c for w in ast.walk(loop)):
                found.add(loop.iter.id)
    return found.pop() if len(found) == 1 else None


def _config_beside_vocab_file(f: Finding, file: str, tree: ast.Module) -> list:
    """The one `...Config(vocab_size=<expr>)` of a function that also writes the tokenizer's vocabulary file
    from a list (`fh.write("\n".join(vocab))`) and sizes the config otherwise than by that list: the model was
    sized apart from the vocabulary its tokenizer reads; it takes `len(list)`."""
    calls = [c for c in src.calls(tree) if src.is_config_call(c) and src.keyword(c, "vocab_size")]
    if len(calls) != 1:
        return []
    call = calls[0]
    fn = src.enclosing_scope(tree, call.lineno)
    listed = _written_list(fn) if fn is not tree else None
    kw = src.keyword(call, "vocab_size")
    if listed is None or listed in src.names_in(kw.value) or not src.assignments(tree, listed, fn, before=call.lineno):
        return []
    f.facts.add(CONFIG_FROM_VOCAB_FILE)
    f.values.update(vocab_list=listed, vocab_size_was=" ".join(src.segment(file, kw.value).split()),
                    vocab_size_line=kw.value.lineno)
    return edits_of(src.LineEditor.for_node(file, call).replace(kw.value, f"len({listed})"))


RESIZED_TO_TOKENIZER = fact("resized-to-tokenizer", "the model is built from a config sized by `vocab_size_was` "
                                                    "(line `vocab_size_line`), apart from the one tokenizer of the "
                                                    "file, `tokenizer_name`, whose ids it is given")


def _resized_to_tokenizer(f: Finding, file: str, tree: ast.Module) -> list:
    """The one `...Config(vocab_size=<expr>)` of the file reads no tokenizer, the file builds exactly one tokenizer
    (`tok = BertTokenizer(path)`) and one model from that config (`model = build_model(CFG)`, or the class
    called with it) where the tokenizer's name is bound: the model's embeddings are resized to `len(tok)` right
    after it is built (its weights are the config's random ones, nothing is lost)."""
    from ..analyzers.idsource import tokenizer_like
    calls = [c for c in src.calls(tree) if src.is_config_call(c) and src.keyword(c, "vocab_size")]
    toks = [a for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
            and isinstance(a.value, ast.Call) and re.search(r"Tokenizer(Fast)?$|^AutoTokenizer\.from_pretrained$|"
                                                             r"Tokenizer(Fast)?\.from_pretrained$", src.call_name(a.value))]
    loads = any(src.call_name(c).split(".")[-1] in ("load_state_dict", "from_pretrained") and "Tokenizer" not in
                src.call_name(c) for c in src.calls(tree))
    own = {c.name for c in src.nodes(tree, ast.ClassDef)}
    if len(calls) != 1 or len(toks) != 1 or loads or src.call_name(toks[0].value).split(".")[0] in own:
        return []  # (weights loaded into the model are not the config's; the user's own tokenizer class has no len)
    kw, tok = src.keyword(calls[0], "vocab_size"), toks[0].targets[0].id
    if any(tokenizer_like(n) or n == tok for n in src.names_in(kw.value)):
        return []
    config_fn = src.enclosing_scope(tree, calls[0].lineno)
    builders = {config_fn.name} if isinstance(config_fn, ast.FunctionDef) else set()
    built = [a for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
             and isinstance(a.value, ast.Call) and (src.call_name(a.value) in builders or
                                                    (not builders and calls[0] in list(ast.walk(a.value))))
             and a.lineno > toks[0].lineno and src.enclosing_scope(tree, a.lineno) is src.enclosing_scope(tree, toks[0].lineno)]
    if len(built) != 1:
        return []
    model = built[0].targets[0].id
    made = src.insert_after(file, built[0], f"{model}.resize_token_embeddings(len({tok}))")
    if made is None:
        return []
    f.facts.add(RESIZED_TO_TOKENIZER)
    f.values.update(vocab_size_was=" ".join(src.segment(file, kw.value).split()), vocab_size_line=kw.value.lineno,
                    tokenizer_name=tok, model_name=model, model_line=built[0].lineno)
    return [made]


def _config_by_other_attribute(f: Finding, file: str, tree: ast.Module) -> list:
    """The one `...Config(vocab_size=X.attr)` of the file reads a setting of an object of a user class
    (`vec.max_features`, a cap on the words kept) whose class numbers the ids itself in one map attribute
    (`self.vocab_ = {tok: i for i, tok in enumerate(...)}`): the table takes `len(X.<map>)`, every id the map
    gives (special tokens included)."""
    calls = [c for c in src.calls(tree) if src.is_config_call(c) and src.keyword(c, "vocab_size")]
    if len(calls) != 1:
        return []
    kw = src.keyword(calls[0], "vocab_size")
    node = kw.value
    counted = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" \
        and len(node.args) == 1  # `len(codec.charset)`: a count of one list of the object
    attr = node.args[0] if counted else node
    if not (isinstance(attr, ast.Attribute) and isinstance(attr.value, ast.Name)):
        return []
    made = src.last_assignment(tree, attr.value.id, calls[0].lineno)
    made_all = [made] if made is not None else src.assignments(tree, attr.value.id)  # a parameter: every binding
    built = set()
    for m in made_all:
        call = m.value
        while isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value,
                                                                                                  ast.Call):
            call = call.func.value  # `TextVectorizer(...).fit(texts)`: the constructor
        built.add(src.call_name(call) if isinstance(call, ast.Call) else None)
    cls = next((c for c in tree.body if isinstance(c, ast.ClassDef) and built == {c.name}), None)
    if cls is None:
        return []
    numbering = [(t.attr, a.value) for a in src.nodes(cls, ast.Assign) for t in a.targets
                 if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
                 and _numbers_items(a.value)]
    maps = {name for name, _ in numbering}
    numbered = {ast.unparse(v.generators[0].iter.args[0]) for _, v in numbering if v.generators[0].iter.args}
    if len(maps) != 1 or attr.attr in maps or (counted and f"self.{attr.attr}" in numbered):
        return []  # (the count of the very list the map numbers is every id it gives)
    id_map = f"{attr.value.id}.{maps.pop()}"
    f.facts.add(CONFIG_FROM_ID_MAP)
    f.values.update(id_map=id_map, vocab_size_was=src.segment(file, node), vocab_size_line=node.lineno)
    return edits_of(src.LineEditor.for_node(file, calls[0]).replace(node, f"len({id_map})"))


def _numbers_items(value: ast.AST) -> bool:
    """`{tok: i for i, tok in enumerate(words)}`: a dict comprehension numbering items by their place."""
    if not (isinstance(value, ast.DictComp) and len(value.generators) == 1):
        return False
    g = value.generators[0]
    return isinstance(g.iter, ast.Call) and src.call_name(g.iter) == "enumerate" and isinstance(g.target, ast.Tuple) \
        and isinstance(value.value, ast.Name) and value.value.id == ast.unparse(g.target.elts[0])


def _factory_sized_apart(ctx: Context, f: Finding, file: str, tree: ast.Module) -> list:
    """The config takes its vocab_size from a parameter of the function that builds the model (`def
    gpt2_nano(vocab_size=22): ... Config(vocab_size=vocab_size)`), and the failing function builds the model by
    calling such a function (by name, or looked up in a registry: every such function has the same parameter)
    while a tokenizer is in reach there: the call passes `vocab_size=len(tokenizer)`."""
    params: dict[str, str] = {}
    for call in src.calls(tree):
        kw = src.keyword(call, "vocab_size") if src.is_config_call(call) else None
        if kw is None or not isinstance(kw.value, ast.Name):
            continue
        fn = next((n for n in reversed(src.path_to(tree, call.lineno)) if isinstance(n, ast.FunctionDef)), None)
        if fn is None or kw.value.id not in {a.arg for a in fn.args.args + fn.args.kwonlyargs}:
            return []  # a config sized from a local value: not the factory's parameter
        params[fn.name] = kw.value.id
    if not params or len(set(params.values())) != 1:
        return []
    param = next(iter(params.values()))
    model = model_with_config(ctx)
    frame = next((fr for fr in ctx.user_frames() if fr.file == file and any(m.expr == model for m in fr.modules)), None)
    toks = [o.expr for o in frame.objects if o.kind == "tokenizer" and o.expr.isidentifier()] if frame else []
    made = src.last_assignment(tree, model, frame.line) if frame and model and model.isidentifier() else None
    if made is None or len(toks) != 1:
        return []
    for call in src.calls(made.stmt):
        by_name = isinstance(call.func, ast.Name) and call.func.id in params
        looked_up = isinstance(call.func, ast.Subscript) and len(params) > 1
        if (by_name or looked_up) and src.keyword(call, param) is None:
            f.facts.add(CONFIG_FROM_TOKENIZER)
            f.values["tokenizer"] = toks[0]
            return edits_of(src.LineEditor.for_node(file, made.stmt).add_keywords(call, f"{param}=len({toks[0]})"))
    return []


def _resized_later(tree: ast.Module, call: ast.Call) -> bool:
    """The function that builds a config calls `resize_token_embeddings` after it (the teacher of a pair, resized
    where it is built): the embeddings of the model made from it follow the tokenizer already."""
    scope = src.enclosing_scope(tree, call.lineno)
    return scope is not tree and any(src.call_name(c).endswith(".resize_token_embeddings") and c.lineno > call.lineno
                                     for c in src.calls(scope))


def _counted_before_adds(f: Finding, file: str, tree: ast.Module, call: ast.Call, value: ast.expr,
                         last_add: ast.Call | None) -> list:
    """Tokens added to a tokenizer, then, later in the same function, a `...Config(vocab_size=<a name>)` whose
    size is not taken from that tokenizer (`vocab_size=n_vocab`, the lines of the vocabulary file): the count
    leaves out the added tokens, so the config takes `len(tokenizer)`, which counts them."""
    from .checks import bound_names
    if last_add is None or not isinstance(value, ast.Name) or call.lineno <= last_add.lineno:
        return []
    tok = src.call_name(last_add).rsplit(".", 1)[0]
    if not tok.isidentifier() or src.enclosing_scope(tree, call.lineno) is not src.enclosing_scope(tree, last_add.lineno):
        return []
    if tok in src.names_in(value) or tok not in (bound_names(file, call.lineno) or set()):
        return []
    f.facts.add(CONFIG_BEFORE_ADDS)
    f.values.update(tokenizer=tok, vocab_size_was=value.id, vocab_size_line=call.lineno)
    return edits_of(src.LineEditor.for_node(file, call).replace(value, f"len({tok})"))


LIST_COUNTED_AT_CALLER = fact("list-counted-at-caller", "the config's vocab_size is the parameter `size_param` of "
                                                        "`builder`, given `len(vocab_list)` by its call (line "
                                                        "`caller_line`): the list `tokenizer` was built from, without "
                                                        "the tokens added to `tokenizer` since")


def _list_counted_at_caller(ctx: Context, f: Finding, file: str, tree: ast.Module, call: ast.Call, value: ast.expr,
                            last_add: ast.Call | None) -> list:
    """`BertConfig(vocab_size=n_tokens)` in `build_model(n_tokens)`, called as `build_model(len(move_vocab))`, or
    `vocab_size=len(vocab)` in `make_model(vocab)` (which reads `vocab` only for its length), called as
    `make_model(opcode_vocab)`, where a tokenizer made from that list is bound (`tokenizer =
    make_tokenizer(move_vocab)`, or from the vocabulary file written from it): the call gives the tokenizer,
    whose length counts every token it makes (added tokens, the special tokens of its file)."""
    fn = src.enclosing_scope(tree, call.lineno)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return []
    counted = value.args[0] if isinstance(value, ast.Call) and src.call_name(value) == "len" and len(value.args) == 1 \
        and isinstance(value.args[0], ast.Name) else None
    if counted is not None:  # `len(vocab)` of a parameter read for nothing else: the caller's list is given whole
        reads = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == counted.id]
        given = src.sole_argument(tree, fn, counted.id) if len(reads) == 1 else None
        listed = given.id if isinstance(given, ast.Name) else None
        replaced, new = given, "{tok}"
    elif isinstance(value, ast.Name) and last_add is not None:
        given = src.sole_argument(tree, fn, value.id)
        ok = isinstance(given, ast.Call) and src.call_name(given) == "len" and len(given.args) == 1 \
            and isinstance(given.args[0], ast.Name)
        listed = given.args[0].id if ok else None
        replaced, new = given, "len({tok})"
    else:
        return []
    if listed is None or replaced is None:
        return []
    toks = {o.expr for fr in ctx.user_frames() for o in fr.objects if o.kind == "tokenizer" and o.expr.isidentifier()}
    scope = src.enclosing_scope(tree, replaced.lineno)
    made = [t for t in toks for a in src.assignments(tree, t, scope, before=replaced.lineno)[-1:]
            if _made_from(tree, scope, a.value, listed, replaced.lineno)]
    stmt = src.statement_at(tree, replaced.lineno)
    if len(made) != 1 or stmt is None:
        return []
    tok = made[0]
    f.facts.add(LIST_COUNTED_AT_CALLER)
    f.values.update(size_param=(counted or value).id, builder=fn.name, vocab_list=listed, caller_line=replaced.lineno,
                    tokenizer=tok)
    return edits_of(src.LineEditor.for_node(file, stmt).replace(replaced, new.format(tok=tok)))


def _made_from(tree: ast.Module, scope: ast.AST, value: ast.AST, listed: str, line: int) -> bool:
    """`value` reads `listed`, or a name whose last assignment before `line` does (`vocab_path =
    write_vocab(tmp, listed)` for `BertTokenizer(vocab_path)`)."""
    names = src.names_in(value)
    if listed in names:
        return True
    for n in names:
        made = src.assignments(tree, n, scope, before=line)
        if made and listed in src.names_in(made[-1].value):
            return True
    return False


def _config_sized_apart(ctx: Context, f: Finding, file: str, tree: ast.Module) -> list:
    """No tokens added, and a `...Config(vocab_size=<a number or constant>)` built in the user's file while
    exactly one tokenizer is in the frames under a name bound there: the config takes `len(tokenizer)`."""
    toks = {o.expr for fr in ctx.user_frames() for o in fr.objects if o.kind == "tokenizer" and o.expr.isidentifier()}
    calls = [c for c in src.calls(tree) if src.is_config_call(c) and src.keyword(c, "vocab_size")]
    if not toks and len(calls) == 1:  # the tokenizer is a local of a builder that has returned: made beside it
        scope = src.enclosing_scope(tree, calls[0].lineno)
        toks = {s.targets[0].id for s in src.statements(scope) if isinstance(s, ast.Assign) and len(s.targets) == 1
                and isinstance(s.targets[0], ast.Name) and s.lineno < calls[0].lineno and isinstance(s.value, ast.Call)
                and re.search(r"Tokenizer(Fast)?(\.from_pretrained)?$", src.call_name(s.value))}
    if len(toks) != 1 or len(calls) != 1:
        return []
    tok, call = toks.pop(), calls[0]
    kw = src.keyword(call, "vocab_size")
    from .checks import bound_names
    if tok in src.names_in(kw.value) or tok not in (bound_names(file, call.lineno) or set()):
        return []
    f.facts.add(CONFIG_FROM_TOKENIZER)
    f.values["tokenizer"] = tok
    return edits_of(src.LineEditor.for_node(file, call).replace(kw.value, f"len({tok})"))


def _saved_config_resized(ctx: Context, f: Finding, file: str, tree: ast.Module) -> list:
    """No tokens added, and the model rebuilt from a saved config dict (`BertConfig.from_dict(ckpt["config"])`)
    while one tokenizer is in the frames (a vocabulary grown since the checkpoint was saved): the rebuilt model's
    embeddings are resized to `len(tok)` once its saved weights are loaded, since a config sized first would
    make those weights not fit."""
    from .checks import bound_names, undefined_in_code
    toks = {o.expr for fr in ctx.user_frames() for o in fr.objects if o.kind == "tokenizer" and o.expr.isidentifier()}
    saved = [c for c in src.calls(tree) if src.call_name(c).endswith(".from_dict") and "Config" in src.call_name(c)]
    if len(toks) != 1 or len(saved) != 1:
        return []
    tok, made = toks.pop(), src.statement_at(tree, saved[0].lineno)
    held = {t.id for t in getattr(made, "targets", ()) if isinstance(t, ast.Name)} \
        if getattr(made, "value", None) is saved[0] else set()  # `cfg = BertConfig.from_dict(...)`, then the model
    scope = src.enclosing_scope(tree, saved[0].lineno)
    models = [s for s in scope.body if isinstance(s, ast.Assign) and len(s.targets) == 1
              and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Call) and s.lineno >= made.lineno
              and any(a is saved[0] or isinstance(a, ast.Name) and a.id in held for a in s.value.args)]
    if len(models) != 1:
        return []
    model = models[0].targets[0].id
    loads = [s for s in scope.body if s.lineno > models[0].lineno and any(
        src.call_name(c) == f"{model}.load_state_dict" for c in src.calls(s))]
    anchor = loads[0] if loads else models[0]
    line = f"{model}.resize_token_embeddings(len({tok}))"
    if tok not in (bound_names(file, anchor.lineno) or set()) or undefined_in_code(line, file, anchor.lineno + 1):
        return []
    e = src.insert_after(file, anchor, line)
    if e is None:
        return []
    f.facts.add(RESIZED_AFTER_LOAD)
    f.values.update(model_resized=model, tokenizer=tok, resize_line=anchor.lineno)
    return [e]
