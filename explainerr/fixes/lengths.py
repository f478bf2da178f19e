"""Fixes for lengths: truncate a sequence longer than the position table, pad ragged rows into one batch,
bound a loop by the tensor it indexes."""
from __future__ import annotations

import ast
import re
from typing import Any

from .. import files
from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.cut_option import length_left_out
from ..analyzers.tables import param_position
from ..facts import Context
from ..model import Edit, FrameFacts
from .cut_beyond_table import table_for_cut
from .length_past_table import length_past_table
from .shifted_pair import shifted_pair
from ..analyzers.stft_frames import unfold_frames
from .option_elsewhere import length_option_given_elsewhere
from .split_measured import measured_on_one_split
from . import (
    Located,
    _cuts_text,
    edits_of,
    failing_statement,
    frame_at,
    imported_before,
    locator,
    statement_of,
    tokenizer_call_for,
)
from .checks import bound_names, later_writes
from .collate import loader_collate
from .kept_by_helper import kept_by_helper_too
from .trimmed_by_helper import trimmed_by_helper_too
from .pad_option import pad_key_left_out
from .settings import env_variable, set_edits


WALK_KEPT = fact("walk-kept", "the indexed tensor was made from a filtered copy (`kept`, line `kept_line`) of the "
                              "sequence the loop walks (`whole`): the fix walks the kept items")


@locator("truncate")
def truncate(ctx: Context, f: Finding) -> Located:
    if {"prefixed-window", "budget-fills-limit", "prefix-embedded"} & f.facts:
        return _room_for_added(f), None
    if "floor-chunks" in f.facts:
        file, stmt, floor, ceiling = f.hints["floor_chunks"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(floor, ceiling)), None
    limit = f.values.get("max_positions")
    if not isinstance(limit, int):
        return [], None
    setting = f.hints.get("length_setting")
    if setting is not None and _within(ctx, setting, limit):
        setting = None  # a cut already within the limit (`clip_words(t, 64)` in words): the tokens are not cut
    if setting is not None:  # a length the user asked for (`max_seq_length=64`) above the model's limit
        file, stmt, node = setting
        tree = src.tree_of(file)
        owner = (src.statement_at(tree, node.lineno) if tree is not None else None) or stmt  # a dict's item: whole
        read = _env_read(tree, node)
        if read is not None:  # `max_len = int(os.getenv("MAX_LEN", "64"))`: its defaults set to the limit
            return set_edits(file, tree, read, str(limit)), None
        limit = f.hints.get("length_setting_value", limit)  # room left for the tokens added around the cut
        value = f"min({src.segment(file, node)}, {limit})" if f.hints.get("length_setting_capped") else str(limit)
        return edits_of(src.LineEditor.for_node(file, owner).replace(node, value)), None
    given = length_option_given_elsewhere(ctx, f, limit)
    if given:  # `tokenize(test, vocab)` beside `tokenize(train, vocab, max_len=CONTEXT)`: the option given here too
        return given, None
    measured = measured_on_one_split(ctx, f)
    if measured:  # `max(... for u in train_set)` sizes the positions: measured over every split
        return measured, None
    hit = tokenizer_call_for(ctx, f.hints.get("ids_root"), frame_at(ctx, f.hints.get("ids_frame")))
    if hit is not None and src.call_name(hit[1]).split(".")[-1][:1].isupper():
        hit = None  # `BertTokenizer(vocab_file)` builds a tokenizer; it does not tokenize
    if hit is None:  # `inputs = chunk` beside `targets = chunk[1:]`: the inputs drop the window's last step
        paired = shifted_pair(ctx, f)
        if paired:
            return paired, None
    if hit is None and "config-field" in f.facts:  # embedded inputs to a model built here: the table grown
        grown = _grow_config_positions(ctx, f)
        if grown:
            return grown, None
    if hit is None:
        collated = _collator_length(ctx, limit) or _constructed_without_length(ctx, limit,
                                                                                 f.values.get("option_given"))
        if collated:
            return collated, None
        sliced = _slice_ids(ctx, f, limit)
        bound = _bound_name(ctx, limit, f.values.get("positions_site"))
        return sliced if sliced[0] else (_cut_dataset_items(ctx, bound), None)
    file, call = hit
    trunc, maxlen = src.keyword(call, "truncation"), src.keyword(call, "max_length")
    if maxlen is not None and isinstance(maxlen.value, ast.Attribute) and isinstance(maxlen.value.value, ast.Name) \
            and maxlen.value.value.id == "self":  # the collator's own setting: given where the collator is built
        collated = _collator_length(ctx, limit)
        if collated:
            return collated, None
    if trunc is not None and isinstance(trunc.value, ast.Constant) and trunc.value.value is True and maxlen is not None:
        from ..analyzers.classes import static_int
        given = static_int(ctx, src.tree_of(file), maxlen.value)
        if isinstance(given, int) and given <= limit:
            return [], None  # the call already truncates within the limit: rewriting it would change nothing
    named = _limit_name(ctx, file, call, limit)
    edits = _truncated(file, call, named)
    return edits + _same_tokenizer_untruncated(ctx, file, call, named) if edits else [], None


POSITIONS_GROWN = fact("positions-grown", "the model is built from its config in the user's code (nothing loads a "
                                          "checkpoint) and gets `inputs_embeds`: the position table is given "
                                          "`seq_len` positions where its size is written, `grown_site`")


def _grow_config_positions(ctx: Context, f: Finding) -> list[Edit]:
    """Already-embedded inputs (`encoder(inputs_embeds=tokens)`: patches, frames) for a model built from a
    config of the user's (`BertConfig(..., max_position_embeddings=mcfg["max_position_embeddings"])`, no
    `from_pretrained` anywhere): cutting them would drop part of the signal, and the table is the user's to
    size, so the number is raised where it is written (the literal of the settings dict the class is given)."""
    need = f.values.get("seq_len")
    if not isinstance(need, int):
        return []
    found, embedded = [], False
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            name = src.call_name(call)
            if name.endswith("from_pretrained"):
                return []
            embedded = embedded or src.keyword(call, "inputs_embeds") is not None
            kw = src.keyword(call, "max_position_embeddings")
            if kw is not None and src.is_config_call(call):
                found.append((file, tree, kw.value))
    if not embedded or len(found) != 1:
        return []
    file, tree, node = found[0]
    written = _literal_behind(tree, node)
    if written is None:
        return _grow_computed_positions(f, file, tree, node, need)
    f.facts.add(POSITIONS_GROWN)
    crop = _crop_bound(ctx, need)
    if crop is not None:  # the sequences are cut to a longer bound where they are made: a later batch can reach it
        f.facts.add(CROPPED_LONGER)
        need = crop[1]
        f.values.update(crop_name=crop[0], crop_read=crop[2], crop_line=crop[3])
    f.values["grown_to"] = need
    stmt = src.statement_at(tree, written.lineno)
    line = files.line(file, written.lineno).split("#")[0].strip().rstrip(",")
    f.values["grown_site"] = f"`{line}` (line {written.lineno})" if len(line) < 80 else f"line {written.lineno}"
    return edits_of(src.LineEditor.for_node(file, stmt).replace(written, str(need))) if stmt is not None else []


CROPPED_LONGER = fact("cropped-longer", "the sequences are cut to `crop_name` = `grown_to` items where they are made "
                                      "(`crop_read`, line `crop_line`), more than this batch's `seq_len`")


def _crop_bound(ctx: Context, need: int) -> tuple[str, int, str, int] | None:
    """(name, value, the slice as written, line) of the one bound the user's files cut sequences to, `x[:name]`,
    when a live frame of the user's holds `name` as an integer larger than `need`.  Only a cut made where an
    item is prepared counts (a parameter of a helper cut, `kp[:max_frames]`, or a cut in `__getitem__` or a
    collate function), not a split of a dataset (`rows[:n_train]`)."""
    found = {}
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for n in src.nodes(tree, ast.Subscript) if tree is not None else ():
            s = n.slice
            if not (isinstance(s, ast.Slice) and s.lower is None and s.step is None and isinstance(s.upper, ast.Name)):
                continue
            fn = src.enclosing_scope(tree, n.lineno)
            if not isinstance(fn, ast.FunctionDef) or not (
                    fn.name == "__getitem__" or "collate" in fn.name
                    or isinstance(n.value, ast.Name) and n.value.id in {a.arg for a in fn.args.args}):
                continue
            values = {v for fr in ctx.user_frames() for v in [fr.scalars.get(s.upper.id)] if type(v) is int}
            if len(values) == 1 and next(iter(values)) > need:
                found.setdefault(s.upper.id, (s.upper.id, next(iter(values)), src.segment(file, n), n.lineno))
    return next(iter(found.values())) if len(found) == 1 else None


def _grow_computed_positions(f: Finding, file: str, tree: ast.Module, node: ast.expr, need: int) -> list[Edit]:
    """`max_position_embeddings=MAX_POSITIONS` of `MAX_POSITIONS = SEGMENT_SAMPLES // HOP + 1`, a module constant
    computed from others: the missing positions added where it is computed (`+ 1` → `+ 2`)."""
    from ..analyzers.classes import module_defs
    have = f.values.get("max_positions")
    made = module_defs(tree).get(node.id) if isinstance(node, ast.Name) else None
    if made is None or not isinstance(have, int) or not 0 < need - have <= 4 or isinstance(made.value, ast.Constant):
        return []
    k, value = need - have, made.value
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and isinstance(value.right, ast.Constant) \
            and type(value.right.value) is int:
        text = f"{src.segment(file, value.left)} + {value.right.value + k}"
    else:
        text = f"{src.segment(file, value)} + {k}"
    f.facts.add(POSITIONS_GROWN)
    f.values.update(grown_to=need, grown_site=f"`{node.id} = {text}` (line {made.lineno})")
    return edits_of(src.LineEditor.for_node(file, made).replace(value, text))


def _literal_behind(tree: ast.Module, node: ast.expr) -> ast.Constant | None:
    """The int literal a setting's expression reads: itself, a module constant, or `P["key"]` / `P.key` where `P`
    is a parameter of the class (or function) around it, built once with a module-level dict or settings name."""
    from ..analyzers.classes import module_defs
    defs = module_defs(tree)
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node
    if isinstance(node, ast.Name) and node.id in defs:
        return _literal_behind(tree, defs[node.id].value)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.value, ast.Name):
        holder = _handed_name(tree, node.value, defs)
        value = defs[holder].value if holder in defs else None
        item = src.dict_item(value, node.slice.value) if isinstance(value, ast.Dict) else None
        return item if isinstance(item, ast.Constant) and type(item.value) is int else None
    return None


def _handed_name(tree: ast.Module, name: ast.Name, defs: dict) -> str | None:
    """The module-level name `name` stands for: itself, or what the one construction of the class (or call of the
    function) whose parameter it is hands it."""
    if name.id in defs:
        return name.id
    fn = src.enclosing_scope(tree, name.lineno)
    if not isinstance(fn, ast.FunctionDef):
        return None
    params = [a.arg for a in fn.args.args]
    owner = next((c for c in src.nodes(tree, ast.ClassDef) if fn in c.body), None)
    callee = owner.name if owner is not None and fn.name == "__init__" else fn.name
    if name.id not in params:
        return None
    pos = params.index(name.id) - (1 if owner is not None else 0)
    calls = [c for c in src.calls(tree) if src.call_name(c).split(".")[-1] == callee]
    if len(calls) != 1:
        return None
    kw = src.keyword(calls[0], name.id)
    arg = kw.value if kw is not None else calls[0].args[pos] if 0 <= pos < len(calls[0].args) else None
    return arg.id if isinstance(arg, ast.Name) and arg.id in defs else None


def _truncated(file: str, call: ast.Call, limit: str) -> list[Edit]:
    """The tokenizer call with `truncation=True, max_length=<limit>` (set or added)."""
    trunc, maxlen = src.keyword(call, "truncation"), src.keyword(call, "max_length")
    e = src.LineEditor.for_node(file, call)
    if trunc is not None:
        e.replace(trunc.value, "True")
    if maxlen is not None:
        e.replace(maxlen.value, limit)
    add = ([] if trunc is not None else ["truncation=True"]) + ([] if maxlen is not None else [f"max_length={limit}"])
    if add:
        e.add_keywords(call, ", ".join(add))
    return edits_of(e)


def _limit_name(ctx: Context, file: str, call: ast.Call, limit: int) -> str:
    """The one upper-case name holding the model's limit and bound where the tokenizer is called (`MAX_SEQ`,
    which also sized the model), else the number."""
    bound = bound_names(file, call.lineno) or set()
    names = [c for c in ctx.scalar_names(limit) if c.isidentifier() and c.isupper() and c in bound]
    return names[0] if len(names) == 1 else str(limit)


def _same_tokenizer_untruncated(ctx: Context, file: str, call: ast.Call, limit: str) -> list[Edit]:
    """The other tokenizer calls in the file that make tensors (`return_tensors=`) and do not truncate (an
    evaluation batch, the same tokenizer under another name in a collator): they give the model the same
    too-long inputs once this call is fixed."""
    tree = src.tree_of(file)
    func = src.segment(file, call.func)
    out: list[Edit] = []
    for other in src.calls(tree) if tree is not None else ():
        trunc = src.keyword(other, "truncation")
        same = src.segment(file, other.func) == func or _cuts_text(other, ctx, tree)  # `self.tok(...)`, `tokenizer(...)`
        if other is call or not same or src.keyword(other, "return_tensors") is None \
                or (trunc is not None and not (isinstance(trunc.value, ast.Constant) and not trunc.value.value)):
            continue
        out += _truncated(file, other, limit)
    return out


def _within(ctx: Context, setting: tuple, limit: int) -> bool:
    """The length setting's own value is a plain int no larger than the model's limit."""
    from ..analyzers.classes import static_int
    file, _, node = setting
    tree = src.tree_of(file)
    value = static_int(ctx, tree, node) if tree is not None else None
    return isinstance(value, int) and value <= limit


def _env_read(tree: ast.Module | None, node: ast.AST) -> ast.expr | None:
    """The environment read a length setting is (`int(os.getenv("MAX_LEN", "64"))`), itself or as the one
    value its name was given in the function, or in the module for a global read in a function."""
    if tree is None:
        return None
    if env_variable(node) is not None:
        return node  # type: ignore[return-value]
    if isinstance(node, ast.Name):
        scope = src.binding_scope(tree, node)  # a local, or the module's `MAX_LEN` read in a method
        made = src.assignments(tree, node.id, scope, before=node.lineno if scope is not tree else None)
        if len(made) == 1 and not made[0].augmented and env_variable(made[0].value) is not None:
            return made[0].value
    return None




def _collator_length(ctx: Context, limit: int) -> list[Edit]:
    """A DataLoader's `collate_fn` that is an object of the user's class (`collate = LyricsCollator(tok)`, or
    `collate_fn=TicketCollator(tok)`) whose
    `__init__` takes a maximum length (`max_length=None`) the construction leaves out: the construction
    passes the model's limit, so the collator truncates every batch to it."""
    from ..analyzers.classes import user_files
    from ..analyzers.collators import collate_def
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for loader in (c for c in src.calls(tree) if src.call_name(c).endswith("DataLoader")) if tree else ():
            kw = src.keyword(loader, "collate_fn")
            if kw is None or collate_def(tree, loader) is not None:
                continue
            if isinstance(kw.value, ast.Call):  # `collate_fn=TicketCollator(tok)`: built right there
                call, stmt = kw.value, src.statement_at(tree, loader.lineno)
            elif isinstance(kw.value, ast.Name):  # `collate = LyricsCollator(tok)` before the loader
                made = src.last_assignment(tree, kw.value.id, loader.lineno)
                call, stmt = (made.value, made.stmt) if made is not None else (None, None)
            else:
                continue
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)) or stmt is None:
                continue
            cls = next((n for n in src.nodes(tree, ast.ClassDef) if n.name == call.func.id), None)
            param = length_left_out(cls, call) if cls is not None else None
            if param is not None:
                found.append((file, stmt, call, param))
    if len(found) != 1:
        return []
    file, stmt, call, param = found[0]
    return edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, f"{param}={limit}"))


def _constructed_without_length(ctx: Context, limit: int, named: str | None = None) -> list[Edit]:
    """Every construction of the user class whose `__init__` takes a maximum length that defaults to None
    (`TextVectorizer(lowercase=True)` of `def __init__(self, lowercase=True, max_length=None)`), read by its
    methods, when all of them leave it out (cut_option): with no length the class keeps every token (or pads to
    the longest text), so each construction passes the model's limit, by the setting that sized the table
    (`named`, `cfg.max_len`) where that name is bound at the call."""
    from ..analyzers.cut_option import length_option_left_out
    out = []
    for file, stmt, call, param in length_option_left_out(ctx):
        bound = bound_names(file, call.lineno) or set()
        given = named if named and src.root_name(ast.parse(named, mode="eval").body) in bound else str(limit)
        out += edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, f"{param}={given}"))
    return out


def _made_per_key(frame: FrameFacts, stmt: ast.stmt) -> bool:
    """`out[key] = torch.tensor(values)` inside `for key in ...`: the statement makes one tensor per field."""
    tree = src.tree_of(frame.file)
    loops = [n for n in src.path_to(tree, stmt.lineno) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)] \
        if tree is not None else []
    keys = {loop.target.id for loop in loops}
    return isinstance(stmt, ast.Assign) and any(
        isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Name) and t.slice.id in keys for t in stmt.targets)


def _pad_before_cat(frame: FrameFacts, stmt: ast.stmt, call: ast.Call, dim: int) -> src.LineEditor:
    """`torch.cat(outs)` → `torch.cat([F.pad(t, (..., 0, longest - t.size(dim))) for t in outs])`."""
    items = src.segment(frame.file, call.args[0])
    first = frame.tensor(f"{items}[0]")
    ndim = len(first.shape) if first is not None else dim + 1
    zeros = "0, 0, " * (ndim - 1 - dim)
    longest = f"max(x.size({dim}) for x in {items})"
    padded = f"[torch.nn.functional.pad(t, ({zeros}0, {longest} - t.size({dim}))) for t in {items}]"
    return src.LineEditor.for_node(frame.file, stmt).replace(call.args[0], padded)


@locator("positions")
def positions(ctx: Context, f: Finding) -> Located:
    """A table of the user's own grown where its module is built; else the input truncated to it."""
    if {"prefixed-window", "budget-fills-limit"} & f.facts:
        return _room_for_added(f), None
    if "floor-chunks" in f.facts:
        file, stmt, floor, ceiling = f.hints["floor_chunks"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(floor, ceiling)), None
    if "added-before-positions" in f.facts:  # `max_position_embeddings=cfg["max_frames"]` → `... + 1`
        added = f.hints["added_before_positions"]
        return edits_of(src.LineEditor.for_node(added.file, added.stmt).replace(added.size, f.values["table_fixed"])), None
    if "added-in-module" in f.facts:  # `nn.Embedding(cfg.max_len, d)` → `cfg.max_len + 1` for the module's [CLS]
        table = f.hints["table"]
        return edits_of(src.LineEditor.for_node(table.frame.file, table.stmt).replace(table.size,
                                                                                        f.values["table_fixed"])), None
    past = shifted_pair(ctx, f) or length_past_table(ctx, f)
    if past:  # the sequences are made the table's own size plus the overshoot: a larger table grows them too
        f.facts.discard("grow-table")
        return past, None
    rows = f.values.get("num_embeddings") or f.values.get("max_positions")
    given = length_option_given_elsewhere(ctx, f, rows) if isinstance(rows, int) else []
    if given:  # `encode(check)` beside `encode(fit, cap=SPAN)`: the cut the other call asks for, the table kept
        f.facts.discard("grow-table")
        return given, None
    if "grow-table" in f.facts:
        return _grow_table(ctx, f), None
    if "table-other-unit" in f.facts:  # the setting given the table in the data's unit, as the script converts it
        file, stmt, value, text = f.hints["table_other_unit"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(value, text)), None
    if "grows-in-loop" in f.facts:
        from .windows import last_positions
        return last_positions(ctx, f), None
    cut = table_for_cut(ctx, f)
    if cut:  # the inputs are cut to another setting of the same object: the table follows that cut
        return cut, None
    if "embedded-sequence" in f.facts:
        return [], None  # patches or frames: cutting them drops part of the input; said in words
    return truncate(ctx, f)


def _room_for_added(f: Finding) -> list[Edit]:
    """`max_length = model.config.n_positions` → `... - 1` when one token is added to every window."""
    span, fixed = f.hints["prefixed_window"]
    return edits_of(src.LineEditor.for_node(span.file, span.stmt).replace(span.value, fixed))


TABLE_GROWN_ALONE = fact("table-grown-alone", "the setting that sizes the table (`setting_read`) is also given to "
                                              "`setting_call` (line `setting_call_line`), so the table alone is grown")
_READS_ONLY = re.compile(r"(^|\.)(print|format|info|debug|warning|log|write|append)$")


def _setting_feeds_data(ctx: Context, table) -> tuple[str, ast.Call] | None:
    """The table's size setting (`cfg.num_frames`, a constant `MAX_LEN`) is also an argument of another call of
    the user's files than the table's (`Sampler(cfg.num_frames, stride)`), one that is not a print or a log:
    growing the setting would grow what that call makes too.  Returns (file, that call)."""
    from ..analyzers.classes import user_files
    size = table.size
    key = (size.attr if isinstance(size, ast.Attribute) else size.id if isinstance(size, ast.Name) else None)
    if key is None:
        return None
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            if call is getattr(table.stmt, "value", None) or _READS_ONLY.search(src.call_name(call)):
                continue
            for a in [*call.args, *(k.value for k in call.keywords)]:
                if a is size:
                    continue
                if (isinstance(a, ast.Attribute) and a.attr == key and isinstance(size, ast.Attribute)) or (
                        isinstance(a, ast.Name) and a.id == key and isinstance(size, ast.Name)):
                    return file, call
    return None


def _grow_table(ctx: Context, f: Finding) -> list[Edit]:
    """`Encoder(vocab)` → `Encoder(vocab, max_length=40)` for a table sized by an `__init__` parameter; the
    constant or the number itself when the table is sized by one."""
    table, needed = f.hints.get("table"), f.values.get("needed")
    if table is None or not isinstance(needed, int):
        return []
    if table.kind == "param":
        edits: list[Edit] = []
        pos = param_position(table.cls, table.name)
        for file, call in table.builds:
            stmt = statement_of_file(file, call)
            if stmt is None:
                continue
            e = src.LineEditor.for_node(file, stmt)
            kw = src.keyword(call, table.name)
            if kw is not None:
                e.replace(kw.value, str(needed))
            elif pos is not None and len(call.args) > pos and not any(isinstance(a, ast.Starred) for a in call.args):
                e.replace(call.args[pos], str(needed))
            else:
                e.add_keywords(call, f"{table.name}={needed}")
            edits += edits_of(e)
        return edits
    fed = _setting_feeds_data(ctx, table) if table.kind in ("constant", "field") else None
    if fed is not None:
        over = needed - (f.values.get("num_embeddings") or needed)
        if over <= 0:
            return []  # (the setting also sizes the data: growing it would grow the sequences with the table)
        f.facts.add(TABLE_GROWN_ALONE)
        f.values.update(setting_read=src.segment(table.frame.file, table.size),
                        setting_call=" ".join(src.segment(fed[0], fed[1]).split()), setting_call_line=fed[1].lineno)
        return edits_of(src.LineEditor.for_node(table.frame.file, table.stmt).replace(
            table.size, f"{src.segment(table.frame.file, table.size)} + {over}"))
    if table.kind == "constant":
        tree = src.tree_of(table.frame.file)
        made = [n for n in (tree.body if tree else []) if isinstance(n, ast.Assign) and len(n.targets) == 1
                and isinstance(n.targets[0], ast.Name) and n.targets[0].id == table.name
                and isinstance(n.value, ast.Constant)]
        if made:
            return edits_of(src.LineEditor.for_node(table.frame.file, made[-1]).replace(made[-1].value, str(needed)))
        return []
    if table.kind == "literal":
        return edits_of(src.LineEditor.for_node(table.frame.file, table.stmt).replace(table.size, str(needed)))
    if table.kind == "field" and f.hints.get("table_field"):  # the settings class's default for the size
        file, default = f.hints["table_field"]
        return edits_of(src.LineEditor.for_node(file, default).replace(default, str(needed)))
    if table.kind == "settings-text":  # `max_positions: 64` in the settings text the script parses
        from ..settings_text import setting_edit
        edit = setting_edit(table.frame.file, table.name, f.values.get("num_embeddings") or 0, needed)
        return [edit] if edit is not None else []
    return []


def _indexes_only(loop: ast.For, var: str) -> bool:
    """Every read of `var` in the loop's body is an index (`grid[:, var]`, `grid[b, var, t]`)."""
    reads = [n for st in loop.body for n in ast.walk(st) if isinstance(n, ast.Name) and n.id == var
             and isinstance(n.ctx, ast.Load)]
    indexes = {id(e) for st in loop.body for s in ast.walk(st) if isinstance(s, ast.Subscript)
               for e in ([s.slice] + (list(s.slice.elts) if isinstance(s.slice, ast.Tuple) else []))}
    return bool(reads) and all(id(n) in indexes for n in reads)


def statement_of_file(file: str, node: ast.AST) -> ast.stmt | None:
    tree = src.tree_of(file)
    return src.statement_at(tree, node.lineno) if tree is not None else None  # type: ignore[attr-defined]


def _slice_ids(ctx: Context, f: Finding, limit: int) -> Located:
    """No tokenizer call: cut the ids where they are made, to the model's number of positions; when later
    lines write into them past that width (`ids[i, :n] = ...`), cut them after the last such line."""
    ids = f.values.get("ids")
    frame = frame_at(ctx, f.hints.get("ids_frame"))
    if not isinstance(ids, str) or not ids.isidentifier() or frame is None:
        return [], None
    tensor = frame.tensor(ids)
    origin = ctx.origin(ids, frame)
    if origin is None or origin[2] is None:
        return [], None
    oframe, text, node = origin
    stmt = statement_of(oframe, node)
    if stmt is None:
        return [], None
    if isinstance(stmt, ast.Assign) and node is stmt.value and any(isinstance(t, (ast.Tuple, ast.List))
                                                                   for t in stmt.targets):
        # `inputs, targets = mask_tokens(ids)`: the call's result is unpacked, not one tensor; a helper that pads
        # the rows to the longest of the sequences it is given gets its sequences cut, whatever it returns
        return (_cut_in_padding_helper(ctx, oframe.file, node, limit) if isinstance(node, ast.Call) else []), None
    bound = _bound_name(ctx, limit, f.values.get("positions_site"))
    if any(isinstance(n, ast.Call) and src.call_name(n).split(".")[-1] == "arange" for n in ast.walk(node)):
        # positions counted from the input's length: cutting them leaves the input as long; cut the token
        # lists where the user's code encodes them
        return _cut_where_encoded(ctx, bound), None
    cut = f"[:{bound}]" if tensor is None or len(tensor.shape) <= 1 else f"[:, :{bound}]"
    writes = later_writes(oframe.file, ids, stmt.lineno)
    if writes:
        tree = src.tree_of(oframe.file)
        scope = src.enclosing_scope(tree, stmt.lineno) if tree is not None else None
        body = getattr(scope, "body", [])
        last = next((n for n in body if src.contains(n, writes[-1])), None)
        if last is None:
            return [], None
        made = src.insert_after(oframe.file, last, f"{ids} = {ids}{cut}")
        return ([made] if made else []), None
    simple = isinstance(node, (ast.Name, ast.Subscript, ast.Attribute, ast.Call))
    new = f"{text}{cut}" if simple else f"({text}){cut}"
    e = src.LineEditor.for_node(oframe.file, stmt).replace(node, new)
    beside = _given_beside(oframe, stmt, node, tensor.shape[-1] if tensor is not None and tensor.shape else None)
    for other in beside:
        e.replace(other, f"{src.segment(oframe.file, other)}{cut}")  # the mask handed with the ids: cut the same
    if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Tuple) and any(e_ is node for e_ in stmt.value.elts):
        for other in stmt.value.elts:  # `tgt_in, tgt_out = tgt[:, :-1], tgt[:, 1:]`: the shifted pair cut alike
            if other is not node and src.root_name(other) == src.root_name(node) and src.root_name(node):
                e.replace(other, f"{src.segment(oframe.file, other)}{cut}")
    return edits_of(e) + _same_call_cut(oframe.file, stmt, node, [node, *beside], cut), None


def _same_call_cut(file: str, stmt: ast.stmt, node: ast.AST, cut_args: list[ast.AST], cut: str) -> list[Edit]:
    """The other calls of the file to the same callee with the same argument texts (`ranker(b["input_ids"], ...)`
    again for the evaluation batch): they get the same cut, or the script fails there next."""
    tree = src.tree_of(file)
    call = next((c for c in ast.walk(stmt) if isinstance(c, ast.Call) and any(a is node for a in c.args)), None)
    if tree is None or call is None or not src.call_name(call):
        return []
    texts = {src.segment(file, a) for a in cut_args}
    out: list[Edit] = []
    for other in src.calls(tree):
        held = src.statement_at(tree, other.lineno)
        if other is call or held is None or held is stmt or src.call_name(other) != src.call_name(call):
            continue
        args = [a for a in [*other.args, *(k.value for k in other.keywords)] if src.segment(file, a) in texts]
        if args:
            e = src.LineEditor.for_node(file, held)
            for a in args:
                e.replace(a, f"{src.segment(file, a)}{cut}")
            out += edits_of(e)
    return out


def _bound_name(ctx: Context, limit: int, site: object = None) -> str:
    """The constant that names the model's number of positions: the one that sized the table
    (`max_position_embeddings=CLIP_FRAMES`, `site`), else one named for it (`MAX_LEN`, `BLOCK_SIZE`), else the
    number: a constant that only equals it (`STRIDE`) is not named."""
    given = str(site).partition("=")[2] if site else ""
    consts = [c for c in ctx.scalar_names(limit) if c.isupper() and c.isidentifier()
              and (c == given or re.search(r"LEN|POS|MAX|SEQ|CONTEXT|CTX|TOKEN|BLOCK", c))]
    consts.sort(key=lambda c: c != given)
    return consts[0] if consts else str(limit)


_TO_TENSOR = ("tensor", "LongTensor", "as_tensor")


def _cut_dataset_items(ctx: Context, bound: str) -> list[Edit]:
    """The user's one Dataset returns `self.<items>[i]` from `__getitem__`, a list its code fills with one
    `self.<items>.append(seq)`: each sequence is cut to `bound` where it is added (`torch.tensor(tokens[:bound])`),
    so every batch padded from them stays within the model's positions."""
    from ..batches import user_datasets
    found = user_datasets(ctx)
    if len(found) != 1:
        return []
    file, cls = found[0]
    get = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__getitem__"), None)
    returns = [r for r in src.statements(get) if isinstance(r, ast.Return)] if get is not None else []
    value = returns[0].value if len(returns) == 1 else None
    if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Attribute)
            and isinstance(value.value.value, ast.Name) and value.value.value.id == "self"):
        return _cut_where_item_is_read(file, get, value, bound) if get is not None and value is not None else []
    attr = value.value.attr
    added = []
    for fn in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
        for stmt in src.statements(fn):
            call = stmt.value if isinstance(stmt, ast.Expr) else None
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "append" \
                    and len(call.args) == 1 and not call.keywords and src.segment(file, call.func.value) == f"self.{attr}":
                added.append((stmt, call.args[0]))
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and src.segment(file, stmt.targets[0]) == \
                    f"self.{attr}" and isinstance(stmt.value, ast.ListComp):  # `self.items = [(enc(x), y) for ...]`
                added.append((stmt, stmt.value.elt))
    if len(added) != 1:
        return []
    stmt, seq = added[0]
    if isinstance(seq, ast.Tuple):  # `(vocab.encode(plies), res)`: the one item the item's sequence is made by
        made = [e for e in seq.elts if isinstance(e, ast.Call)]
        if len(made) != 1:
            return []
        seq = made[0]
    if isinstance(seq, ast.Call) and src.call_name(seq).split(".")[-1] in _TO_TENSOR and len(seq.args) == 1 \
            and isinstance(seq.args[0], (ast.Name, ast.Subscript, ast.Attribute)):
        seq = seq.args[0]  # `torch.tensor(tokens)`: the list cut before it becomes a tensor
    elif not isinstance(seq, (ast.Name, ast.Subscript, ast.Attribute, ast.Call)):
        return []
    return edits_of(src.LineEditor.for_node(file, stmt).replace(seq, f"{src.segment(file, seq)}[:{bound}]"))


def _cut_where_item_is_read(file: str, get: ast.FunctionDef, returned: ast.expr, bound: str) -> list[Edit]:
    """`__getitem__` reads its item once (`keypoints, gloss = self.items[idx]`) and returns a sequence made from one
    of the names read (`return feats.flatten(1), gloss`, `feats` made from `keypoints`): that name is cut to
    `bound` right where it is read (`keypoints = keypoints[:CLIP_FRAMES]`), before anything is made from it."""
    reads = [st for st in get.body if isinstance(st, ast.Assign) and len(st.targets) == 1
             and isinstance(st.value, ast.Subscript) and isinstance(st.value.value, ast.Attribute)
             and isinstance(st.value.value.value, ast.Name) and st.value.value.value.id == "self"]
    if len(reads) != 1:
        return []
    read = reads[0]
    target = read.targets[0]
    names = [target.id] if isinstance(target, ast.Name) else [e.id for e in target.elts if isinstance(e, ast.Name)] \
        if isinstance(target, ast.Tuple) else []
    first = returned.elts[0] if isinstance(returned, ast.Tuple) and returned.elts else returned
    if isinstance(target, ast.Name) and first is not returned:
        return []  # one item read whole, several things returned: which part is the sequence is not written
    made_from = set(src.names_in(first))
    later = [st for st in get.body if isinstance(st, ast.Assign) and st.lineno > read.lineno]
    for st in reversed(later):  # what the returned sequence is made from, back to the read
        if any(t in made_from for tgt in st.targets for t in src.names_in(tgt)):
            made_from |= set(src.names_in(st.value))
    cut = [n for n in names if n in made_from]
    if len(cut) != 1:
        return []
    made = src.insert_after(file, read, f"{cut[0]} = {cut[0]}[:{bound}]")
    return [made] if made else []


def _cut_in_padding_helper(ctx: Context, file: str, call: ast.Call, limit: int) -> list[Edit]:
    """The helper `call` runs pads its rows to the longest of a list it is given (`longest = max(len(s) for s in
    seqs)`): the list is cut to the model's number of positions where the helper starts (`seqs = [s[:WINDOW]
    for s in seqs]`), so the ids and everything made beside them (labels, masks) keep one width."""
    tree = src.tree_of(file)
    fns = src.called_functions(tree, call) if tree is not None else []
    if len(fns) != 1 or not fns[0].body:
        return []
    fn = fns[0]
    params = {a.arg for a in fn.args.args + fn.args.posonlyargs + fn.args.kwonlyargs}
    longest = {p for n in ast.walk(fn) if isinstance(n, ast.Call) and src.call_name(n) == "max"
               for p in [_lengths_of(n)] if p}
    padded = longest & params
    if not padded and len(longest) == 1:
        return _cut_local_sequences(ctx, file, fn, longest.pop(), limit)
    if len(padded) != 1:
        return []
    seqs = padded.pop()
    module_level = {t for st in tree.body if isinstance(st, (ast.Assign, ast.AnnAssign))
                    for t in src.names_in(st.targets[0] if isinstance(st, ast.Assign) else st.target)}
    bound = next((n for n in ctx.scalar_names(limit) if n in module_level and n not in params
                  and not any(isinstance(x, ast.Name) and x.id == n and isinstance(x.ctx, ast.Store)
                              for x in ast.walk(fn))), str(limit))
    at_source = _cut_source_list(file, tree, fn, call, seqs, bound)
    if at_source is not None:
        return [at_source]
    first = fn.body[1] if len(fn.body) > 1 and isinstance(fn.body[0], ast.Expr) and isinstance(
        getattr(fn.body[0], "value", None), ast.Constant) else fn.body[0]
    item = "s" if "s" not in {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)} | {seqs, bound} else "seq_"
    made = src.insert_before(file, first, f"{seqs} = [{item}[:{bound}] for {item} in {seqs}]")
    return [made] if made else []


def _cut_local_sequences(ctx: Context, file: str, fn: ast.FunctionDef, seqs: str, limit: int) -> list[Edit]:
    """The helper pads to the longest of a list it makes itself, once, by a comprehension of calls (`seqs =
    [self.encode(q, c) for q, c in zip(queries, contexts)]`): each sequence is cut where it is made
    (`self.encode(q, c)[:48]`), so the batch it pads never outgrows the model's positions."""
    made = [st for st in src.statements(fn) if isinstance(st, ast.Assign) and len(st.targets) == 1
            and isinstance(st.targets[0], ast.Name) and st.targets[0].id == seqs]
    if len(made) != 1 or not isinstance(made[0].value, ast.ListComp) or not isinstance(made[0].value.elt, ast.Call):
        return []
    elt = made[0].value.elt
    bound = _bound_name(ctx, limit)
    return edits_of(src.LineEditor.for_node(file, made[0]).replace(elt, f"{src.segment(file, elt)}[:{bound}]"))


def _cut_source_list(file: str, tree: ast.Module, fn: ast.FunctionDef, call: ast.Call, seqs: str,
                     bound: str) -> Edit | None:
    """The module-level list the helper's sequences are taken from (`chunk = [encoded[i] for i in order[a:b]]`,
    `encoded[a:b]`), cut once where it and the bound both exist (`encoded = [s[:history_window] for s in
    encoded]`): every later batch of it, the helper's and any other, keeps within the table."""
    names = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    if seqs not in names or call.keywords or len(call.args) != len(names) or any(
            isinstance(a, ast.Starred) for a in call.args):
        return None
    arg = call.args[names.index(seqs)]
    scope = src.enclosing_scope(tree, call.lineno)
    value = src.assigned_value(tree, scope, arg, call.lineno) if isinstance(arg, ast.Name) else arg
    if value is None:
        return None
    items = value.elt if isinstance(value, (ast.ListComp, ast.GeneratorExp)) else value  # not the indexes walked
    roots = {n.value.id for n in ast.walk(items) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)}
    top = {st: names_of for st in tree.body if isinstance(st, ast.Assign)
           for names_of in [{t for tg in st.targets for t in src.names_in(tg)}]}
    made = [st for st, targets in top.items() if roots & targets and st.lineno < call.lineno]
    if len(roots) != 1 or not made:
        return None
    root = roots.pop()
    after = max([made[-1]] + [st for st, targets in top.items() if bound in targets and st.lineno < call.lineno],
                key=lambda st: st.lineno)
    stmt_of_call = src.top_statement(tree, call.lineno)
    if stmt_of_call is None or after.lineno >= stmt_of_call.lineno or not bound.isidentifier() and not bound.isdigit():
        return None
    item = "s" if root != "s" and bound != "s" else "seq_"
    return src.insert_after(file, after, f"{root} = [{item}[:{bound}] for {item} in {root}]")


def _lengths_of(call: ast.Call) -> str | None:
    """P for `max(len(s) for s in P)`, `max([len(s) for s in P])` and `max(map(len, P))`."""
    from ..analyzers.label_sources import is_max_len
    if not is_max_len(call) or call.keywords:
        return None
    arg = call.args[0]
    if isinstance(arg, (ast.GeneratorExp, ast.ListComp)):  # the length of each item itself, none left out
        gen = arg.generators[0] if len(arg.generators) == 1 else None
        whole = gen is not None and not gen.ifs and isinstance(gen.target, ast.Name) and isinstance(arg.elt, ast.Call) \
            and len(arg.elt.args) == 1 and isinstance(arg.elt.args[0], ast.Name) and arg.elt.args[0].id == gen.target.id
        walked = gen.iter if whole else None
    else:
        walked = arg.args[1] if isinstance(arg, ast.Call) and src.call_name(arg) == "map" and len(arg.args) == 2 else None
    return walked.id if isinstance(walked, ast.Name) else None


def _given_beside(frame, stmt: ast.stmt, node: ast.AST, length: int | None) -> list[ast.expr]:
    """The other arguments of the call that is given `node` whose tensor (or the tensor they index, `att[idx]`)
    has the ids' sequence length: a mask handed along with the ids, which must be cut with them."""
    call = next((c for c in ast.walk(stmt) if isinstance(c, ast.Call) and any(a is node for a in c.args)), None)
    if call is None or length is None:
        return []
    out = []
    for a in [*call.args, *(k.value for k in call.keywords)]:
        if a is node:
            continue
        root = a.value if isinstance(a, ast.Subscript) else a
        t = frame.tensor(src.segment(frame.file, a)) if isinstance(a, ast.Subscript) else None  # `b["mask"]`
        t = t or (frame.tensor(src.segment(frame.file, root)) if isinstance(root, (ast.Name, ast.Attribute)) else None)
        if t is not None and len(t.shape) >= 2 and t.shape[-1] == length and isinstance(a, (ast.Name, ast.Subscript)):
            out.append(a)
    return out


def _cut_where_encoded(ctx: Context, bound: str) -> list[Edit]:
    """The one function of the user's files that returns a list comprehension of vocabulary lookups
    (`return [vocab[t] for t in tokens]`, `[stoi.get(w, unk) for w in words]`): its list cut to `bound` items."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            for r in ast.walk(fn):
                if isinstance(r, ast.Return) and isinstance(r.value, ast.ListComp) and _vocab_lookup(r.value.elt):
                    found.append((file, r))
    if len(found) != 1:
        return []
    file, r = found[0]
    return edits_of(src.LineEditor.for_node(file, r).replace(r.value, f"{src.segment(file, r.value)}[:{bound}]"))


def _vocab_lookup(node: ast.AST) -> bool:
    return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name))


def _token_classification_collator(f: Finding) -> list[Edit]:
    file, call, _ = f.hints["collator"]
    return token_classification_collator(file, call)


def token_classification_collator(file: str, call: ast.Call, keywords: str = "") -> list[Edit]:
    """`DataCollatorWithPadding(tokenizer)` → `DataCollatorForTokenClassification(tokenizer)` (with `keywords`
    added), imported on the edited statement's first line."""
    stmt = statement_of_file(file, call)
    if stmt is None:
        return []
    e = src.LineEditor.for_node(file, stmt).replace(call.func, "DataCollatorForTokenClassification")
    if keywords:
        e.add_keywords(call, keywords)
    return imported_before(e.edit(), stmt, "DataCollatorForTokenClassification")


def _pad_like(f: Finding) -> list[Edit]:
    """The call that does not pad gets the padding keywords of the one that pads to max_length (and its
    max_length and truncation when it has none)."""
    file, call, pfile, pcall = f.hints["padded_unlike"]
    added = [f"padding={src.segment(pfile, src.keyword(pcall, 'padding').value)}"]
    for name in ("max_length", "truncation"):
        kw = src.keyword(pcall, name)
        if kw is not None and src.keyword(call, name) is None:
            added.append(f"{name}={src.segment(pfile, kw.value)}")
    e = src.LineEditor.for_node(file, call)
    e.add_keywords(call, ", ".join(added))
    return edits_of(e)


@locator("pad")
def pad(ctx: Context, f: Finding) -> Located:
    if "padded-unlike" in f.facts:
        return _pad_like(f), None
    if "padding-per-item" in f.facts:
        file, stmt, node = f.hints["padding_per_item"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, '"max_length"')), None
    if "pad-without-truncation" in f.facts:
        file, stmt, call = f.hints["untruncated"]
        return edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, "truncation=True")), None
    if "trainer-default-collator" in f.facts:
        file, stmt, call, keyword = f.hints["trainer_collator"]
        return edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, keyword)), None
    if f.hints.get("collator") is not None:
        found = _token_classification_collator(f)
        if found:
            return found, None
    if f.hints.get("loader") or f.hints.get("loader_call") or f.hints.get("loader_calls"):
        found = loader_collate(ctx, f)
        if found[0]:
            return found
    hit = tokenizer_call_for(ctx, None, ctx.user)
    if hit is not None and _made_elsewhere(ctx, hit[1]):
        hit = None  # the sequences joined on the failing line were not made by that tokenizer call
    if hit is not None:
        file, call = hit
        if src.keyword(call, "padding") is None:
            e = src.LineEditor.for_node(file, call)
            tree = src.tree_of(file)
            scope = src.enclosing_scope(tree, call.lineno) if tree else None
            per_sample = isinstance(scope, ast.FunctionDef) and scope.name in ("__getitem__", "encode", "tokenize",
                                                                               "preprocess", "convert_example")
            if src.keyword(call, "max_length") is not None:
                added = 'padding="max_length"'
            elif per_sample or src.keyword(call, "return_tensors") is None:
                width = max(int(x) for x in re.findall(r"\d+", f"{f.values.get('len_a')} {f.values.get('len_b')}") or [0])
                added = f'padding="max_length", truncation=True, max_length={max(width, 8)}'
            else:
                added = "padding=True"
            e.add_keywords(call, added)
            return edits_of(e) + _same_calls_padded(file, tree, call, added), None
    frame = ctx.user
    found = failing_statement(frame) if frame else None
    if frame is None or found is None:
        return [], None
    keyed = pad_key_left_out(ctx, f)
    if keyed:  # the collate pads only the keys of its table, and this one is not among them
        return keyed, None
    _, stmt = found
    if _made_per_key(frame, stmt):
        return [], None  # one tensor per field in a loop over the fields: padding every field alike would not fit
    for call in src.calls(stmt):
        name = src.call_name(call)
        if name.endswith(".cat") and call.args and isinstance(f.hints.get("pad_dim"), int):
            return edits_of(_pad_before_cat(frame, stmt, call, f.hints["pad_dim"])), None
        if name.endswith(("stack", ".tensor", "LongTensor")) and call.args:
            arg = src.segment(frame.file, call.args[0])
            pv = f.values.get("pad_value", "")
            if name.endswith("stack"):
                new = f"torch.nn.utils.rnn.pad_sequence({arg}, batch_first=True{pv})"
            elif isinstance(call.args[0], ast.ListComp):
                inner = src.segment(frame.file, call.args[0].elt)
                comp = arg[1:-1].replace(inner, f"torch.tensor({inner})", 1)
                new = f"torch.nn.utils.rnn.pad_sequence([{comp}], batch_first=True{pv})"
            else:
                new = f"torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in {arg}], batch_first=True{pv})"
            e = src.LineEditor.for_node(frame.file, stmt).replace(call, new)
            if name.endswith("stack"):  # `{"bases": stack(...), "qual": stack(...)}`: the same items' other fields
                for other, text in _stacks_beside(ctx, frame, stmt, call, pv):
                    e.replace(other, text)
            edits = edits_of(e)
            if name.endswith("stack"):
                edits += _sibling_stacks(ctx, frame, stmt, call, pv)
            return edits, None
    return [], None


def _items_of(ctx: Context, frame, node: ast.AST, tree: ast.Module, line: int) -> set[str]:
    """The names of the collections a list of per-item tensors is made from: a comprehension's iterables, or the
    arguments of the call that made a plain name (`encoder.encode(abstracts, ...)`)."""
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        return {n for g in node.generators for n in src.names_in(g.iter)}
    if isinstance(node, ast.Name):
        made = src.last_assignment(tree, node.id, line)
        if made is not None and isinstance(made.value, ast.Call) and made.value.args:
            return set(src.names_in(made.value.args[0]))
        if made is not None and isinstance(made.value, (ast.ListComp, ast.GeneratorExp)):
            return _items_of(ctx, frame, made.value, tree, line)
    return set()


def _stacks_beside(ctx: Context, frame, stmt: ast.stmt, call: ast.Call, pv: str) -> list[tuple[ast.Call, str]]:
    """The other `torch.stack` calls of the same statement over the same items whose entry the Dataset gives as a
    sequence (`"qual": torch.stack([b["qual"] for b in batch])` beside the failing `"bases"`), each with its
    padded text: they have the same lengths and fail next."""
    tree = src.tree_of(frame.file)
    items = _items_of(ctx, frame, call.args[0], tree, stmt.lineno) if tree is not None else set()
    out = []
    for c in src.calls(stmt) if items else ():
        if c is call or not src.call_name(c).endswith("stack") or not c.args or \
                not _items_of(ctx, frame, c.args[0], tree, stmt.lineno) & items:
            continue
        if _per_item_entry(ctx, c.args[0]) is not True and not _measured(stmt, c.args[0]):
            continue  # nothing says each example's entry is a sequence (the collate measuring its length does)
        out.append((c, _padded_stack(frame.file, tree, c.args[0], pv)))
    return out


def _measured(stmt: ast.stmt, items: ast.AST) -> bool:
    """The statement takes the length of each item's entry that `items` stacks (`len(b["qual"])` beside
    `torch.stack([b["qual"] for b in batch])`): the entry is a sequence."""
    elt = items.elt if isinstance(items, (ast.ListComp, ast.GeneratorExp)) else None
    text = ast.unparse(elt) if elt is not None else None
    return text is not None and any(isinstance(n, ast.Call) and src.call_name(n) == "len" and n.args
                                    and ast.unparse(n.args[0]) == text for n in ast.walk(stmt))


def _sibling_stacks(ctx: Context, frame, stmt: ast.stmt, call: ast.Call, pv: str) -> list[Edit]:
    """The next statements of the scope that stack per-item tensors of the same items (`targets =
    torch.stack([token_targets(a) for a in abstracts])` after `torch.stack(token_vectors)` of `abstracts`):
    padded too, or the script fails on them next."""
    tree = src.tree_of(frame.file)
    if tree is None:
        return []
    items = _items_of(ctx, frame, call.args[0], tree, stmt.lineno)
    if not items:
        return []
    scope = src.enclosing_scope(tree, stmt.lineno)
    later = sorted((s for s in src.statements(scope) if s.lineno > stmt.lineno), key=lambda s: s.lineno)[:3]
    out: list[Edit] = []
    for s in later:
        for c in src.calls(s):
            if src.call_name(c).endswith("stack") and c.args and _items_of(ctx, frame, c.args[0], tree, s.lineno) & items:
                if _per_item_entry(ctx, c.args[0]) is False:
                    continue  # one value per example (a label): stacked as it is
                out += edits_of(src.LineEditor.for_node(frame.file, s).replace(
                    c, _padded_stack(frame.file, tree, c.args[0], pv)))
    return out


def _padded_stack(file: str, tree: ast.Module, items: ast.AST, pv: str) -> str:
    """`pad_sequence(<items>, batch_first=True, ...)` for a stack of per-item tensors: padded with the loss's
    ignore index when they are its targets, else with the batch's pad value (`pv`)."""
    ignored = _ignored_target(tree, items)
    value = f", padding_value={ignored}" if ignored is not None else pv
    return f"torch.nn.utils.rnn.pad_sequence({src.segment(file, items)}, batch_first=True{value})"


def _ignored_target(tree: ast.Module, items: ast.AST) -> str | None:
    """For `[b["phases"] for b in batch]`: the `ignore_index` of a cross-entropy loss of the file that is given
    `...["phases"]` as its targets (as written; -100 when the loss keeps PyTorch's default), so the padded
    positions of the labels are left out of the loss."""
    from .collate import _ignore_index
    elt = items.elt if isinstance(items, (ast.ListComp, ast.GeneratorExp)) else None
    if not (isinstance(elt, ast.Subscript) and isinstance(elt.slice, ast.Constant) and isinstance(elt.slice.value, str)):
        return None
    key = elt.slice.value
    losses = {}
    for a in src.nodes(tree, ast.Assign):
        if len(a.targets) == 1 and isinstance(a.targets[0], (ast.Name, ast.Attribute)) and isinstance(a.value, ast.Call) \
                and src.call_name(a.value).split(".")[-1] == "CrossEntropyLoss":
            losses[ast.unparse(a.targets[0])] = _ignore_index(a.value)
    for c in src.nodes(tree, ast.Call):
        name = ast.unparse(c.func)
        given = _ignore_index(c) if name.split(".")[-1] == "cross_entropy" else losses.get(name)
        if given is not None and len(c.args) >= 2 and any(
                isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant) and n.slice.value == key
                for n in ast.walk(c.args[1])):
            return given
    return None


def _per_item_entry(ctx: Context, items: ast.AST) -> bool | None:
    """For `[s["flag"] for s in samples]`: whether the Dataset gives each example's `flag` as a sequence (True: a
    tensor made from a list or a comprehension, or drawn with a size), as one value (False: a tensor of a
    plain value, a reduction, arithmetic of such); None when the entry is not found or not plain."""
    from ..batches import item_entry
    elt = items.elt if isinstance(items, (ast.ListComp, ast.GeneratorExp)) else None
    if not (isinstance(elt, ast.Subscript) and isinstance(elt.slice, ast.Constant) and isinstance(elt.slice.value, str)):
        return None
    entry = item_entry(ctx, elt.slice.value)
    if entry is None:
        return None
    file, stmt, value = entry
    tree = src.tree_of(file)
    if isinstance(value, ast.Name) and tree is not None:  # `{"helpful": helpful}`: what the name was given there
        value = src.assigned_value(tree, src.enclosing_scope(tree, stmt.lineno), value, stmt.lineno) or value
    return _sequence_value(value)


_ONE_VALUE_CALLS = {"mean", "sum", "max", "min", "item", "float", "int", "norm", "std", "prod"}
_DRAWN = {"rand", "randn", "randint", "zeros", "ones", "arange", "full", "empty"}


def _sequence_value(value: ast.AST) -> bool | None:
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and not value.args \
            and value.func.attr not in _ONE_VALUE_CALLS:
        value = value.func.value  # `torch.tensor([...]).log1p()`
    if isinstance(value, ast.Constant):
        return False
    if isinstance(value, (ast.BinOp, ast.UnaryOp)):
        parts = [value.left, value.right] if isinstance(value, ast.BinOp) else [value.operand]
        kinds = {_sequence_value(p) for p in parts}
        return True if True in kinds else False if kinds <= {False} else None
    if not isinstance(value, ast.Call):
        return None
    name = src.call_name(value).split(".")[-1]
    if name in _ONE_VALUE_CALLS:
        return False
    if name == "from_numpy":  # an array: a sequence, as far as the source tells
        return True
    if name in _DRAWN:  # drawn with a size: a sequence, unless the size is `()`
        return not (value.args and isinstance(value.args[0], ast.Tuple) and not value.args[0].elts)
    if value.args:
        return isinstance(value.args[0], (ast.List, ast.ListComp, ast.GeneratorExp, ast.Tuple))
    return None


def _made_elsewhere(ctx: Context, tok_call: ast.Call) -> bool:
    """The failing line joins a name assigned from a call that neither is `tok_call` nor runs it (a user
    function whose body holds it): padding that tokenizer call would not change what is joined."""
    frame = ctx.user
    found = failing_statement(frame) if frame else None
    if found is None:
        return False
    tree = src.tree_of(frame.file)
    for call in src.calls(found[1]):
        if not (src.call_name(call).endswith(("stack", ".cat", ".tensor")) and call.args
                and isinstance(call.args[0], ast.Name)):
            continue
        origin = ctx.origin(call.args[0].id, frame)
        made = origin[2] if origin is not None else None
        if not isinstance(made, ast.Call) or made is tok_call:
            return False
        helper = next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
                       and n.name == src.call_name(made).split(".")[-1]), None) if tree is not None else None
        return not (helper is not None and src.contains(helper, tok_call.lineno))
    return False


def _collected_over_batches(f: Finding) -> list[Edit]:
    """`preds = <value>` in the batch loop → `preds.extend(<value>)`, with `preds = []` before the loop; none
    when the loop itself reads the batch's result after that line."""
    from ..analyzers.overwritten import read_in_loop
    file, assign, loop = f.hints["overwritten"]
    name = assign.targets[0].id
    if read_in_loop(loop, assign, name):
        return []
    first = files.line(file, assign.lineno)
    indent = first[: len(first) - len(first.lstrip())]
    value = src.segment(file, assign.value)
    if value is None:
        return []
    moved = Edit(file=file, start_line=assign.lineno, end_line=assign.end_lineno or assign.lineno,
                 replacement=f"{indent}{name}.extend({value})")
    header = files.line(file, loop.lineno).rstrip("\n")
    lead = header[: len(header) - len(header.lstrip())]
    made = Edit(file=file, start_line=loop.lineno, end_line=loop.lineno,
                replacement=f"{lead}{name} = []\n{header}")  # the header line kept whole, a line put before it
    return [made, moved]


def _helper_drop_last(file: str, stmt: ast.stmt, call: ast.Call, loader: ast.Call) -> list[Edit]:
    """A helper that builds its DataLoader with `drop_last=True`: it gets a `drop_last=True` parameter, passes
    it on, and the call that collects the outputs passes `drop_last=False`."""
    tree = src.tree_of(file)
    fn = next((d for d in src.nodes(tree, ast.FunctionDef) if src.contains(d, loader.lineno)), None) \
        if tree is not None else None
    kw = src.keyword(loader, "drop_last")
    if fn is None or kw is None or fn.args.vararg or fn.args.kwarg or fn.args.kwonlyargs or not fn.args.args:
        return []
    last = fn.args.defaults[-1] if fn.args.defaults else fn.args.args[-1]
    if last.lineno == loader.lineno or fn.lineno == stmt.lineno or src.contains(fn, call.lineno):
        return []
    header = src.LineEditor.for_node(file, last).replace(last, f"{src.segment(file, last)}, drop_last=True")
    body = src.LineEditor.for_node(file, loader).replace(kw.value, "drop_last")
    use = src.LineEditor.for_node(file, stmt.iter if isinstance(stmt, ast.For) else stmt).add_keywords(
        call, "drop_last=False")
    return edits_of(header) + edits_of(body) + edits_of(use)


@locator("loop-bound")
def loop_bound(ctx: Context, f: Finding) -> Located:
    """Stored positions filtered to the tensor's length; a tensor that disagrees with its batch rebuilt from
    the batch; else the loop bounded by the tensor's own size, less the index's offset."""
    frame, bound, values = f.hints.get("frame"), f.hints.get("bound"), f.hints.get("values")
    if "lengths-other-unit" in f.facts:  # the caller walks the lengths of the indexed tensor's unit
        u = f.hints["other_unit"]
        return edits_of(src.LineEditor.for_node(u.file, u.stmt).replace(u.node, u.meant)), None
    if "max-as-size" in f.facts:  # positions 0..m need m + 1 entries
        file, setting = f.hints["max_as_size"]
        return edits_of(src.LineEditor.for_node(file, setting).replace(setting.value, f.values["size_fixed"])), None
    if "classes-from-data" in f.facts:  # the classes counted by the script's own list, not from one split's data
        file, stmt, value, text = f.hints["classes_from_data"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(value, text)), None
    if "window-room" in f.facts:  # the outer window loop leaves room for the inner loop's reads
        file, _, bound, fixed = f.hints["window_room"]
        return edits_of(src.LineEditor(file, bound.lineno, bound.end_lineno or bound.lineno).replace(bound, fixed)), None
    if "counted-from-one" in f.facts:  # the number read from text counts from zero where it is read
        where = f.hints["from_one"]
        return edits_of(src.LineEditor.for_node(where.file, where.stmt).replace(where.call, f.values["fixed"])), None
    if "registered-every" in f.facts:  # every k-th item got a callback: its place among them is `i // k`
        file, stmt, given, position = f.hints["registered_position"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(given, position)), None
    if "lengths-converted-elsewhere" in f.facts:  # the lengths converted as the user's code does elsewhere
        c = f.hints["converted"]
        return edits_of(src.LineEditor.for_node(c.file, c.stmt).replace(c.node, c.text)), None
    if "enumerated-from-one" in f.facts:  # `enumerate(names, start=1)` → `enumerate(names)` when only indexing
        file, loop, it = f.hints["enumerate_start"]
        var = loop.target.elts[0].id
        if not _indexes_only(loop, var):
            return [], None  # the count is also read as a number (printed, stored): said in words
        return edits_of(src.LineEditor.for_node(file, loop).replace(it, f.values["enumerate_fixed"])), None
    if "per-row-count" in f.facts:  # the count of positions per row written one (or more) too high
        file, stmt, value, fixed = f.hints["per_row_count"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(value, fixed)), None
    if "dataset-length" in f.facts:
        counted = f.hints.get("dataset_length")
        if counted is None:
            return [], None
        file, value, fixed = counted
        return edits_of(src.LineEditor.for_node(file, value).replace(value, fixed)), None
    if "stored-size-other" in f.facts:  # the range's size read from the entry the reads index
        file, stmt, key, text = f.hints["stored_size"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(key, text)), None
    if "stored-positions" in f.facts:
        if "stored_stop" not in f.hints:
            return [], None
        file, stop, new_stop = f.hints["stored_stop"]
        stmt = src.statement_at(src.tree_of(file), stop.lineno)
        whole = stmt is not None and not (isinstance(stmt, ast.For) and stmt.lineno == stop.lineno)
        editor = src.LineEditor.for_node(file, stmt) if whole else src.LineEditor.for_node(file, stop)
        return edits_of(editor.replace(stop, new_stop)), None  # a comprehension's line: its whole statement
    if "dropped-last" in f.facts:
        file, stmt, call, inner = f.hints["dropped_last"]
        if inner is not None:
            return _helper_drop_last(file, stmt, call, inner), None
        spread = f.values.get("drop_from", "")
        kw = next((k for k in call.keywords if k.arg is None and isinstance(k.value, ast.Name)
                   and f"`{k.value.id}`" in spread), None)
        if kw is not None:  # `**loader_kwargs` holds drop_last=True: that one call overrides it
            return edits_of(src.LineEditor.for_node(file, stmt).replace(
                kw.value, f'{{**{kw.value.id}, "drop_last": False}}')), None
        return edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, "drop_last=False")), None
    if "overwritten-per-batch" in f.facts:
        return _collected_over_batches(f), None
    if "longest-of-items" in f.facts:
        file, inner, first, text = f.hints["longest_of_items"]  # shown with its loop's header: `continue` needs it
        return edits_of(src.LineEditor(file, inner.lineno, first.end_lineno or first.lineno).replace(first, text)), None
    if "picked-items" in f.facts:
        file, stmt, replacements = f.hints["picked_items"]
        editor = src.LineEditor.for_node(file, stmt)
        for node, text in replacements:
            editor = editor.replace(node, text)
        return edits_of(editor), None
    if frame is not None and f.hints.get("offset_twice"):
        return _index_without_offset(frame, f), None
    if frame is not None and values is not None:
        return _filter_values(frame, f, values), None
    if "rows-deduplicated" in f.facts and frame is not None:
        return _row_of_each_item(frame, f), None
    if "span-past-end" in f.facts:
        file, loop, bound, bounded = f.hints["span"]
        return edits_of(src.LineEditor.for_node(file, loop.iter).replace(bound, bounded)), None
    if "fits-instead" in f.facts:
        file, stmt, arg, fits = f.hints["fits_edit"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(arg, fits)), None
    if "given-to-constructor" in f.facts:
        return [], None  # which list the object should get is the user's to say
    if "whole-per-batch" in f.facts:
        return _this_batch_only(f), None
    if "transposed" in f.facts and f.hints.get("transposed"):
        file, stmt, node, text = f.hints["transposed"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    if "collected-fewer" in f.facts:
        file, node, text = f.hints["collected"]
        return edits_of(src.LineEditor(file, node.lineno, node.end_lineno or node.lineno).replace(node, text)), None
    if "bound-is-odd" in f.facts:  # the caller hands the loop the part the others were made for; else in words
        return (_subset_to_loop(ctx, f) or _walk_the_kept(f) or _filtered_like_sibling(ctx, f)), None
    if "passed-other-list" in f.facts:  # the caller gives the list the indexed tensor was built for
        passed = f.hints["passed_list"]
        return edits_of(src.LineEditor.for_node(passed.file, passed.stmt).replace(passed.node, passed.meant)), None
    if "differenced" in f.facts and frame is not None and bound is not None:  # stops where the differences end
        named = _bound_named_once(frame, bound) if f.hints.get("clamped") else None
        if named is not None:  # `n_steps` bounds the loop and the clamp of the index: set where it is defined
            value = src.segment(frame.file, named.value)
            return edits_of(src.LineEditor.for_node(frame.file, named.stmt).replace(
                named.value, f"{value} - {f.hints['differenced']}")), None
        text = src.segment(frame.file, bound)
        text = text if re.fullmatch(r"[\w.()\[\]]+", text) else f"({text})"
        return edits_of(src.LineEditor(frame.file, bound.lineno, bound.end_lineno or bound.lineno).replace(
            bound, f"{text} - {f.hints['differenced']}")), None
    if "diffed-upstream" in f.facts:  # the differences given a first step of zero, so they keep the length
        file, stmt, call, text = f.hints["diffed_upstream"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(call, text)), None
    if "indexed-is-odd" in f.facts:
        built = (_mask_from_ids(ctx, f) or _subset_to_loop(ctx, f) or trimmed_by_helper_too(ctx, f)
                 or _computed_from_loop_sequence(ctx, f) or _walk_the_kept(f) or kept_by_helper_too(ctx, f))
        if built or not f.hints.get("one_against_one"):
            return built, None
        counted = unfold_frames(ctx)
        if counted is not None:  # the bound's own sequence counts frames otherwise than `unfold` makes them
            f.merge(counted)
            file, stmt, node = counted.hints["unfold_frames"]
            return edits_of(src.LineEditor.for_node(file, stmt).replace(node, counted.values["frames_fixed"])), None
        f.facts.add(ONE_AGAINST_ONE)  # no story of where one was cut: said so, and the loop bounded by both
    if frame is None or bound is None:
        return [], None
    moved = _measured_after_filter(frame, f)
    if moved:
        return moved, None
    if f.hints.get("enumerated"):  # `enumerate(seq)` counts the items of `seq`: walk only those that fit
        return _enumerate_fitting(ctx, frame, f), None
    passed = _setting_passed_as_bound(ctx, frame, f)
    if passed:  # the caller hands the function a setting as the bound, and the data as the indexed tensor
        return passed, None
    coarser = _coarser_steps(frame, f) if not {"padded-row", "padded-row-passed"} & f.facts else []
    if coarser:  # (not for a padded row: what the loop runs past is the row's padding)
        return coarser, None
    if _model_built_for_count(frame, f):  # the module's parts are all sized by the count: a cut loop breaks them
        return [], None
    offset = f.hints.get("offset") or 0
    terms = f.hints.get("offset_terms") or []
    less = "".join(f" {'-' if sign > 0 else '+'} {t}" for sign, t in terms) if terms else f" - {offset}"
    new = f.values.get("size_expr", f"{f.hints['tensor']}.size({f.hints['dim']})") + (less if offset > 0 else "")
    loop, var = f.hints.get("loop"), f.hints.get("var")
    others = {ast.unparse(n.value) for n in ast.walk(loop) if isinstance(n, ast.Subscript) and var in
              src.names_in(n.slice) and ast.unparse(n.value) != f.hints.get("tensor")} if loop is not None else set()
    padded = bool({"padded-row", "padded-row-passed"} & f.facts)
    if others and "constant-bound" not in f.facts and not padded and "tables-for-part" not in f.facts:
        # the loop walks other sequences too: stop at the shorter
        new = f"min({src.segment(frame.file, bound)}, {new})"
    named = _bound_named_once(frame, bound) if padded else None
    if named is not None and not set(src.names_in(ast.parse(new, mode="eval"))) - {"len"} <= (
            bound_names(frame.file, named.stmt.lineno) or set()):
        named = None  # the example is bound only inside the loop, after the name is set: bound the loop itself
    if named is not None:  # `n_positions = start_row.size(0)`: every loop bounded by the name stops at the example
        return edits_of(src.LineEditor.for_node(frame.file, named.stmt).replace(named.value, new)), None
    return edits_of(src.LineEditor(frame.file, bound.lineno, bound.end_lineno or bound.lineno).replace(bound, new)), None


MODEL_BUILT_FOR_COUNT = fact("model-built-for-count", "the loop is bounded by `count_attr`, built in "
                                                      "`model_cls.__init__` from its parameter `count_param`, which "
                                                      "also sizes other parts there (line `others_lines`)")


_MODULE_LISTS = re.compile(r"(ModuleList|ParameterList|ModuleDict|Sequential)$")
_LAYER_CALL = re.compile(r"(^|\.)(Parameter|Linear|Embedding|Conv\w*|LayerNorm|randn|zeros|ones|empty)$")


def _model_built_for_count(frame: FrameFacts, f: Finding) -> bool:
    """`for i in range(len(self.embeds))` of a module whose `__init__` builds `self.embeds` from a parameter
    (`cardinalities`) that also sizes other parts (`nn.Parameter(torch.randn(len(cardinalities), dim))`): the model
    was built for another count than the data has, so bounding the loop by the data would leave those parts
    sized for the old count.  Adds the fact (and where the class is constructed, when it is once) for words."""
    bound = f.hints.get("bound")
    attr = bound.args[0] if isinstance(bound, ast.Call) and src.call_name(bound) == "len" and len(bound.args) == 1 \
        else None
    tree = src.tree_of(frame.file)
    if not (isinstance(attr, ast.Attribute) and isinstance(attr.value, ast.Name) and attr.value.id == "self") \
            or tree is None:
        return False
    cls = src.enclosing_class(tree, frame.line)
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None) \
        if cls is not None else None
    made = [st for st in src.statements(init, nested=True) if isinstance(st, ast.Assign) and any(
        isinstance(t, ast.Attribute) and t.attr == attr.attr and isinstance(t.value, ast.Name) and t.value.id == "self"
        for t in st.targets)] if init is not None else []
    if len(made) != 1 or not (isinstance(made[0].value, ast.Call) and _MODULE_LISTS.search(
            src.call_name(made[0].value))):
        return False  # a list of the module's layers, not any list an object keeps
    counted = [g.iter for g in ast.walk(made[0].value) if isinstance(g, ast.comprehension)] + [
        a for c in ast.walk(made[0].value) if isinstance(c, ast.Call) and src.call_name(c) == "len" for a in c.args]
    used = {a.arg for a in init.args.args[1:]} & {n for c in counted for n in src.names_in(c)}  # what counts it
    if len(used) != 1:
        return False
    param = used.pop()
    others = [st for st in src.statements(init, nested=True) if st is not made[0] and param in src.names_in(st)
              and isinstance(st, ast.Assign) and any(_LAYER_CALL.search(src.call_name(c)) for c in src.calls(st))]
    if not others:
        return False
    f.facts.add(MODEL_BUILT_FOR_COUNT)
    f.values.update(model_cls=cls.name, count_param=param, count_attr=src.segment(frame.file, attr),
                    others_lines=", ".join(str(n) for n in sorted({st.lineno for st in others})))
    built = [c for c in src.calls(tree) if src.call_name(c).split(".")[-1] == cls.name]
    if len(built) == 1:
        f.values.update(ctor_where=f" (`{' '.join(src.segment(frame.file, built[0]).split())}`, line "
                                   f"{built[0].lineno})")
    return True


ONE_AGAINST_ONE = fact("one-against-one", "the loop walks only the bound's own sequence beside the indexed "
                                          "tensor, one of each length, and no line was found where one of them was "
                                          "cut: nothing says which was made for the wrong length")


MEASURED_BEFORE_FILTER = fact("measured-before-filter", "the loop's bound `bound` is measured (line `bound_line`) "
                                                        "before `filter_made` (line `filter_line`) keeps only the "
                                                        "entries where `keep`, and `tensor` is one of those kept")


def _measured_after_filter(frame: FrameFacts, f: Finding) -> list[Edit]:
    """`n = x.shape[0]` measured, then `layer = event["layer"][keep]` with `keep` a bool tensor as long as `n`, then
    `for i in range(n)` indexing `layer`: the size is measured where the filter has run (the line moved after the
    last filter with the bool mask, reading the indexed tensor), so the loop and every other use of `n` count
    what was kept."""
    bound, tensor, loop = f.hints.get("bound"), f.hints.get("tensor"), f.hints.get("loop")
    steps, dim = f.values.get("bound_value"), f.hints.get("dim")
    if not isinstance(bound, ast.Name) or not isinstance(tensor, str) or not tensor.isidentifier() or loop is None \
            or type(steps) is not int or dim != 0:
        return []
    named = _bound_named_once(frame, bound)
    tree = src.tree_of(frame.file)
    if named is None or tree is None:
        return []
    scope = src.enclosing_scope(tree, loop.lineno)
    block = [st for st in getattr(scope, "body", []) if named.stmt.lineno <= st.lineno <= loop.lineno]
    if not block or block[0] is not named.stmt:
        return []  # the bound and the loop in one block of the function, the filters between them
    def kept_by(st: ast.stmt) -> str | None:
        if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                and isinstance(st.value, ast.Subscript) and isinstance(st.value.slice, ast.Name)):
            return None
        mask = frame.tensor(st.value.slice.id)
        return st.value.slice.id if mask is not None and mask.dtype.endswith("bool") and mask.shape[:1] == (steps,) \
            else None
    filters = [st for st in block[1:] if kept_by(st)]
    if not any(st.targets[0].id == tensor for st in filters):
        return []
    last = filters[-1]
    if any(bound.id in src.names_in(st) for st in block[1:] if st.lineno <= last.lineno):
        return []  # read before the filter too: moving it would change that use
    removed = src.remove_statement(frame.file, named.stmt)
    added = src.insert_after(frame.file, last, f"{bound.id} = {tensor}.shape[0]")
    if removed is None or added is None:
        return []
    first = next(st for st in filters if st.targets[0].id == tensor)
    keep_made = src.last_assignment(tree, kept_by(first), first.lineno)
    f.facts.add(MEASURED_BEFORE_FILTER)
    f.values["keep_made"] = " ".join(src.segment(frame.file, keep_made.stmt).split()) if keep_made else kept_by(first)
    f.values.update(bound_line=named.stmt.lineno, bound_made=" ".join(src.segment(frame.file, named.stmt).split()),
                    filter_made=" ".join(src.segment(frame.file, first).split()), filter_line=first.lineno,
                    keep=kept_by(first), bound_new=f"{bound.id} = {tensor}.shape[0]", last_filter_line=last.lineno)
    return [removed, added]


def _bound_named_once(frame: FrameFacts, bound: ast.AST) -> src.Assignment | None:
    """The one plain assignment of the name `bound` in its function, when it reads a size (`x.size(0)`,
    `x.shape[1]`, `len(x)`) and no later line rebinds it."""
    tree = src.tree_of(frame.file)
    if tree is None or not isinstance(bound, ast.Name):
        return None
    found = src.assignments(tree, bound.id, src.enclosing_scope(tree, bound.lineno))
    if len(found) != 1 or found[0].augmented or not isinstance(found[0].stmt, ast.Assign) \
            or found[0].stmt.lineno >= bound.lineno:
        return None
    return found[0] if src.measured(found[0].value) is not None else None


COARSER_STEPS = fact("coarser-steps", "the loop's bound is an exact multiple k of the indexed tensor's size, and "
                                      "the other tensors the loop indexes with the same variable have the bound's "
                                      "length: the tensor holds one entry per k steps, read with `var // k`")


def _coarser_steps(frame: FrameFacts, f: Finding) -> list[Edit]:
    """`for t in range(cal_future.size(1))` (48 steps) reading `cal_emb[:, t]` (48 long) and `hdd_fc[:, t]` (2
    long): 48 is exactly 24 × 2, so `hdd_fc` holds one entry per 24 steps (days against hours), and step `t`
    reads its entry `t // 24`; bounding the loop at 2 would drop 46 of the steps the other tensors hold."""
    loop, var, tensor = f.hints.get("loop"), f.hints.get("var"), f.hints.get("tensor")
    steps, size = f.values.get("bound_value"), f.values.get("size")
    if loop is None or not var or not tensor or f.hints.get("offset") or type(steps) is not int \
            or type(size) is not int or size < 2 or steps % size or steps // size < 2:
        return []
    k = steps // size
    bound = f.hints.get("bound")
    bound_name = bound.id if isinstance(bound, ast.Name) else None
    tree = src.tree_of(frame.file)
    read_alike = []  # the other tensors the loop indexes by `var`, at the place of `var` in their subscripts
    for n in ast.walk(loop):
        if not isinstance(n, ast.Subscript) or ast.unparse(n.value) == tensor:
            continue
        made = src.last_assignment(tree, ast.unparse(n.value), loop.lineno) \
            if tree is not None and isinstance(n.value, ast.Name) else None
        if bound_name and made is not None and bound_name in src.names_in(made.value):
            continue  # `feats = torch.zeros(n_steps, 3)`: sized by the bound itself, no evidence of its length
        parts = n.slice.elts if isinstance(n.slice, ast.Tuple) else [n.slice]
        at = next((i for i, p in enumerate(parts) if isinstance(p, ast.Name) and p.id == var), None)
        t = frame.tensor(ast.unparse(n.value)) if at is not None else None
        if t is not None and len(t.shape) > at:
            read_alike.append(t.shape[at] == steps)
    found = failing_statement(frame)
    if not read_alike or not all(read_alike) or found is None:
        return []
    sub = next((n for n in ast.walk(found[1]) if isinstance(n, ast.Subscript) and ast.unparse(n.value) == tensor),
               None)
    parts = (sub.slice.elts if isinstance(sub.slice, ast.Tuple) else [sub.slice]) if sub is not None else []
    index = next((p for p in parts if isinstance(p, ast.Name) and p.id == var), None)
    if index is None:
        return []
    f.facts.add(COARSER_STEPS)
    f.values.update(per_entry=k, coarse_index=f"{var} // {k}")
    return edits_of(src.LineEditor.for_node(frame.file, found[1]).replace(index, f"{var} // {k}"))


SETTING_PASSED_AS_BOUND = fact("setting-passed-as-bound", "the loop's bound `bound` is a parameter that also sizes "
                                                          "`sized`; the caller gives it `passed` (line `caller_line`), "
                                                          "a setting, while `tensor` is given `tensor_arg`: the caller "
                                                          "gives the data's own length instead")


def _setting_passed_as_bound(ctx: Context, frame: FrameFacts, f: Finding) -> list[Edit]:
    """`def features(weight_day, n_steps): feats = torch.zeros(n_steps, 3); for t in range(1, n_steps): ...
    weight_day[t]`, called as `features(weight[d], cfg["steps_per_day"])`: the bound is a setting handed in beside
    the data it walks, and it sizes what the function makes too, so bounding the loop alone would leave that
    made for the setting.  The caller passes the data's own length (`weight[d].shape[0]`)."""
    bound, tensor, dim = f.hints.get("bound"), f.hints.get("tensor"), f.hints.get("dim")
    tree = src.tree_of(frame.file)
    if not (isinstance(bound, ast.Name) and bound.id in frame.params and isinstance(tensor, str)
            and tensor in frame.params and isinstance(dim, int) and tree is not None):
        return []
    scope = src.enclosing_scope(tree, frame.line)
    sized = [st for st in src.statements(scope) if isinstance(st, ast.Assign) and len(st.targets) == 1
             and isinstance(st.targets[0], ast.Name) and isinstance(st.value, ast.Call)
             and bound.id in src.names_in(st.value) and st.lineno < frame.line]
    caller = ctx._caller(frame)
    if not sized or caller is None or caller.library:
        return []
    args = {a.param: a.text.strip() for a in caller.call_args if a.param}
    given, data = args.get(bound.id), args.get(tensor)
    if not given or not data or not re.fullmatch(r"[\w.]+(\[[^\[\]]+\])*", data):
        return []
    try:
        node = ast.parse(given, mode="eval").body
    except SyntaxError:
        return []
    if not isinstance(node, (ast.Subscript, ast.Attribute, ast.Constant)) or set(src.names_in(node)) & set(
            src.names_in(ast.parse(data, mode="eval"))) - {"self", "cfg", "config", "CFG"}:
        return []  # not a setting: the caller already reads it off the data
    ctree = src.tree_of(caller.file)
    stmt = src.statement_at(ctree, caller.line) if ctree is not None else None
    call = next((c for c in src.calls(stmt) if any(ast.unparse(a) == ast.unparse(node) for a in c.args)
                 and frame.function == src.call_name(c).split(".")[-1]), None) if stmt is not None else None
    arg = next((a for a in call.args if ast.unparse(a) == ast.unparse(node)), None) if call is not None else None
    if arg is None:
        return []
    new = f"{data}.shape[{dim}]"
    f.facts.add(SETTING_PASSED_AS_BOUND)
    f.values.update(sized=sized[0].targets[0].id, passed=given, caller_line=caller.line, tensor_arg=data,
                    data_length=new)
    return edits_of(src.LineEditor.for_node(caller.file, stmt).replace(arg, new))


def _enumerate_fitting(ctx: Context, frame: FrameFacts, f: Finding) -> list[Edit]:
    """`enumerate(tags.split())` → `enumerate(tags.split()[:MAX_WORDS])`: the items that have a place in the
    tensor, cut by the constant its size was built with (else by its size), less the index's offset."""
    loop, tensor, size = f.hints.get("loop"), f.hints.get("tensor"), f.values.get("size")
    it = loop.iter if loop is not None else None
    if not (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args and tensor):
        return []
    limit = f.values.get("size_expr", f"{tensor}.size({f.hints['dim']})")
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, tensor, frame.line) if tree is not None and tensor.isidentifier() else None
    if made is not None:
        consts = [n.id for n in ast.walk(made.value) if isinstance(n, ast.Name) and n.id.isupper()
                  and any(fr.scalars.get(n.id) == size for fr in ctx.frames)]
        limit = consts[0] if consts else limit
    offset = f.hints.get("offset") or 0
    seq = it.args[0]
    cut = f"{src.segment(frame.file, seq)}[:{limit}{f' - {offset}' if offset > 0 else ''}]"
    return edits_of(src.LineEditor(frame.file, seq.lineno, seq.end_lineno or seq.lineno).replace(seq, cut))


def _this_batch_only(f: Finding) -> list[Edit]:
    """`for i, text in enumerate(texts)` inside `for batch in loader` (a loader of `texts`): the inner loop
    walks `texts[seen:seen + len(preds)]`, `seen` set to 0 before the outer loop and counted up after the
    inner one (one edit over the outer loop's lines)."""
    walk, tensor = f.hints.get("batch_walk"), f.hints.get("tensor")
    if walk is None or not tensor:
        return []
    counter = next(n for n in ("seen", "n_seen", "done_items") if n not in src.text_of(walk.file))
    first, last = walk.outer.lineno, walk.outer.end_lineno or walk.outer.lineno
    lines = [files.line(walk.file, n) for n in range(first, last + 1)]
    k = walk.seq.lineno - first
    row = lines[k]
    lines[k] = (row[:walk.seq.col_offset] + f"{walk.seq.id}[{counter}:{counter} + len({tensor})]"
                + row[walk.seq.end_col_offset:])
    inner_indent = re.match(r"\s*", lines[walk.inner.lineno - first]).group(0)
    end = (walk.inner.end_lineno or walk.inner.lineno) - first
    lines.insert(end + 1, f"{inner_indent}{counter} += len({tensor})\n")
    outer_indent = re.match(r"\s*", lines[0]).group(0)
    text = f"{outer_indent}{counter} = 0\n" + "".join(lines).rstrip("\n")
    if not src.parses_in_file(walk.file, first, last, text):
        return []
    return [Edit(file=walk.file, start_line=first, end_line=last, replacement=text)]


def _row_of_each_item(frame: FrameFacts, f: Finding) -> list[Edit]:
    """`probs[i]` → `probs[unique.index(texts[i])]`: the row of item `i` in a tensor made per distinct item."""
    found = failing_statement(frame)
    var, tensor = f.hints.get("var"), f.hints.get("tensor")
    if found is None or not var:
        return []
    sub = next((n for n in ast.walk(found[1]) if isinstance(n, ast.Subscript) and ast.unparse(n.value) == tensor
                and var in src.names_in(n.slice)), None)
    if sub is None:
        return []
    parts = sub.slice.elts if isinstance(sub.slice, ast.Tuple) else [sub.slice]
    part = next((p for p in parts if isinstance(p, ast.Name) and p.id == var), None)
    if part is None:
        return []
    return edits_of(src.LineEditor.for_node(frame.file, found[1]).replace(part, f.hints["row_expr"]))


def _index_without_offset(frame: FrameFacts, f: Finding) -> list[Edit]:
    """`scores[b, i + 1]` → `scores[b, i]` where `scores` already dropped its first entry: one shift, not two."""
    found = failing_statement(frame)
    var = f.hints.get("var")
    if found is None or not var:
        return []
    sub = next((n for n in ast.walk(found[1]) if isinstance(n, ast.Subscript)
                and ast.unparse(n) == f.values.get("index_expr")), None)
    if sub is None:
        return []
    parts = sub.slice.elts if isinstance(sub.slice, ast.Tuple) else [sub.slice]
    part = next((p for p in parts if isinstance(p, ast.BinOp) and var in src.names_in(p)), None)
    if part is None:
        return []
    return edits_of(src.LineEditor.for_node(frame.file, found[1]).replace(part, var))


def _filter_values(frame: FrameFacts, f: Finding, values: ast.AST) -> list[Edit]:
    target, var = f.hints["loop"].target, f.hints["var"]
    if (isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Name)
            and target.elts[1].id == var and isinstance(values, ast.Call)
            and src.call_name(values) == "enumerate" and values.args):
        values = values.args[0]  # `for i, start in enumerate(starts)`: filter what is enumerated
    elif not isinstance(target, ast.Name):
        return []
    text = src.segment(frame.file, values)
    limit = f.values.get("size_expr", f"{f.hints['tensor']}.size({f.hints['dim']})")
    offset = f.hints.get("offset") or 0
    keep = f"{var} < {limit}" if offset <= 0 else f"{var} + {offset} < {limit}"
    new = f"[{var} for {var} in {text} if {keep}]"
    return edits_of(src.LineEditor(frame.file, values.lineno, values.end_lineno or values.lineno).replace(values, new))


_CASTS = {"torch.int64": ".long()", "torch.int32": ".int()", "torch.float32": ".float()", "torch.bool": "",
          "torch.uint8": ".byte()", "torch.float16": ".half()", "torch.float64": ".double()"}


def _outer_assignment(ctx: Context, f: Finding) -> tuple[FrameFacts, Any, Any] | None:
    """(frame, assignment, tensor) where the indexed tensor got its outermost user name."""
    frame = f.hints.get("frame")
    t = frame.tensor(f.hints.get("tensor") or "") if frame is not None else None
    if t is None:
        return None
    named = [u for u in ctx.all_user_names(t) if u.expr.isidentifier()]
    outer = named[-1] if named else t
    oframe = ctx.frames[outer.frame]
    tree = src.tree_of(oframe.file)
    a = src.last_assignment(tree, outer.expr, oframe.line) if tree is not None and outer.expr.isidentifier() else None
    return (oframe, a, t) if a is not None else None


def _mask_from_ids(ctx: Context, f: Finding) -> list[Edit]:
    """A 0/1 mask of another length than its batch: made again from the batch's ids and the padding id,
    where it was made (`src_mask = make_mask(raw)` → `src_mask = (input_ids != PAD_ID).long()`)."""
    from ..analyzers.ragged import _pad_constant
    from ..analyzers.masks import is_mask_valued
    found = _outer_assignment(ctx, f)
    if found is None:
        return []
    oframe, a, t = found
    if not is_mask_valued(t) or len(t.shape) != 2:
        return []
    want = (t.shape[0], f.hints.get("bound_value"))
    ids = [u for u in oframe.tensors if u.is_integer and not is_mask_valued(u) and u.shape == want
           and u.expr.isidentifier()]
    if not ids:
        return []
    pad = _pad_constant(ctx) or ("0" if ids[0].min == 0 else None)
    if pad is None:
        return []
    new = f"({ids[0].expr} != {pad}){_CASTS.get(t.dtype, '')}"
    return edits_of(src.LineEditor.for_node(oframe.file, a.stmt).replace(a.value, new))


def _named_where_made(ctx: Context, name: str, frame: FrameFacts, oframe: FrameFacts) -> tuple[str, bool] | None:
    """The loop's sequence `name` of `frame`, followed through the parameters it fills out to `oframe`, where the
    indexed tensor was made: (its name there, whether a caller handed it in); None when it cannot be followed."""
    at, handed = frame, False
    while name in at.params and at.index != oframe.index:
        caller = ctx._caller(at)
        arg = next((x for x in caller.call_args if x.param == name), None) if caller else None
        if arg is None or not arg.text.isidentifier():
            return None
        name, at, handed = arg.text, caller, True
    return (name, handed) if at.index == oframe.index else None


def _subset_to_loop(ctx: Context, f: Finding) -> list[Edit]:
    """The tensor was computed from a part of the sequence the loop walks (`val_dice = score(model, val_cases)`,
    `val_cases = [patients[i] for i in perm[:3]]`, as long as the tensor) while the caller hands the loop the
    whole (`summarize(patients, val_dice)`): the caller hands it that part instead."""
    found = _outer_assignment(ctx, f)
    source, frame, size = f.hints.get("bound_source"), f.hints.get("frame"), f.values.get("size")
    if found is None or not source or frame is None or not isinstance(size, int):
        return []
    oframe, a, _ = found
    if not isinstance(a.value, ast.Call):
        return []
    walked = _named_where_made(ctx, source, frame, oframe)
    if walked is None or not walked[1]:
        return []
    name = walked[0]
    tree = src.tree_of(oframe.file)
    parts = [x.id for x in [*a.value.args, *(k.value for k in a.value.keywords)] if isinstance(x, ast.Name)
             and oframe.lengths.get(x.id) == size and x.id != name
             for made in [src.last_assignment(tree, x.id, a.stmt.lineno)] if made is not None
             and name in src.names_in(made.value)]
    stmt = src.statement_at(tree, oframe.line) if tree is not None else None
    given = [n for n in src.nodes(stmt, ast.Name) if n.id == name] if stmt is not None else []
    if len(set(parts)) != 1 or len(given) != 1:
        return []
    f.facts.add(SUBSET_TO_LOOP)
    f.values.update(whole=name, part=parts[0], part_line=stmt.lineno)
    return edits_of(src.LineEditor.for_node(oframe.file, stmt).replace(given[0], parts[0]))


SUBSET_TO_LOOP = fact("subset-to-loop", "the indexed tensor was computed for `part`, a part of `whole`, which the "
                                        "caller hands the loop (line `part_line`)")


def _computed_from_loop_sequence(ctx: Context, f: Finding) -> list[Edit]:
    """A tensor computed from a list `words` while the loop walks `token_ids = [CLS] + words + [SEP]`: compute
    it from `token_ids` (`saliency = score(model, words)` → `score(model, token_ids)`)."""
    found = _outer_assignment(ctx, f)
    source, frame = f.hints.get("bound_source"), f.hints.get("frame")
    if found is None or not source or frame is None:
        return []
    oframe, a, _ = found
    if not isinstance(a.value, ast.Call):
        return []
    walked = _named_where_made(ctx, source, frame, oframe)
    if walked is None:
        return []
    name = walked[0]
    if name in src.names_in(a.stmt.targets[0]) if isinstance(a.stmt, ast.Assign) else False:
        return []  # made by the same call as the indexed tensor: not something to compute it from
    tree = src.tree_of(oframe.file)
    made = src.last_assignment(tree, name, a.stmt.lineno) if tree is not None else None
    if made is None:
        return []
    read = set(src.names_in(made.value))
    args = [x for x in [*a.value.args, *(k.value for k in a.value.keywords)] if isinstance(x, ast.Name) and x.id in read]
    if len(args) != 1:
        return []
    return edits_of(src.LineEditor.for_node(oframe.file, a.stmt).replace(args[0], name))


def _kept_from(value: ast.AST) -> str | None:
    """`sheets` of `list(filter(pred, sheets))`, `filter(pred, sheets)` or `[s for s in sheets if ...]`: the
    sequence a filtered copy keeps some items of."""
    if isinstance(value, ast.Call) and src.call_name(value) in ("list", "tuple") and len(value.args) == 1:
        value = value.args[0]
    if isinstance(value, ast.Call) and src.call_name(value) == "filter" and len(value.args) == 2 and \
            isinstance(value.args[1], ast.Name):
        return value.args[1].id
    if isinstance(value, ast.ListComp) and len(value.generators) == 1 and value.generators[0].ifs and \
            isinstance(value.generators[0].iter, ast.Name):
        return value.generators[0].iter.id
    return None


LIST_LEFT_UNFILTERED = fact("list-left-unfiltered", "`whole` (`whole_len` items) is the list `siblings` was made "
                                                    "from item by item; `siblings` is filtered with `keep` (line "
                                                    "`keep_line`), `whole` is not, and the loop's sequence comes "
                                                    "from `whole`")


def _filtered_like_sibling(ctx: Context, f: Finding) -> list[Edit]:
    """The loop's sequence comes (through the callers' arguments) from a list `catalog` of the scope where an array
    made item by item from that list (`waves = np.stack([synth(r) for r in catalog])`) is filtered by a boolean
    mask (`X = waves[keep]`): the list is filtered by the same mask where the loop's sequence is taken from it
    (`catalog[n:]` → `[item for item, kept in zip(catalog, keep) if kept][n:]`)."""
    name, at = f.hints.get("bound_source"), f.hints.get("frame")
    while at is not None and name in at.params:
        caller = ctx._caller(at)
        arg = next((x for x in caller.call_args if x.param == name), None) if caller else None
        if arg is None or not arg.text.isidentifier():
            return []
        name, at = arg.text, caller
    tree = src.tree_of(at.file) if at is not None and name else None
    if tree is None:
        return []
    scope = src.enclosing_scope(tree, at.line)
    made = src.last_assignment(tree, name, at.line)
    if made is None or not isinstance(made.stmt, ast.Assign):
        return []
    lists = {n.id for n in ast.walk(made.value) if isinstance(n, ast.Name) and n.id in at.lengths}
    stmts = src.statements(scope)
    found = []
    for whole in lists:
        aligned = {a.targets[0].id for a in stmts if isinstance(a, ast.Assign) and len(a.targets) == 1
                   and isinstance(a.targets[0], ast.Name) and any(
                       isinstance(c, ast.comprehension) and whole in src.names_in(c.iter) for c in ast.walk(a.value))}
        for a in stmts:
            if not isinstance(a, ast.Assign) or a.lineno >= made.stmt.lineno:
                continue
            for filt in ast.walk(a.value):  # `X = torch.from_numpy(waves[keep])`
                if not (isinstance(filt, ast.Subscript) and isinstance(filt.value, ast.Name)
                        and filt.value.id in aligned and isinstance(filt.slice, ast.Name)):
                    continue
                keep = src.last_assignment(tree, filt.slice.id, a.lineno)
                if keep is not None and isinstance(keep.value, ast.Compare):
                    found.append((whole, filt.value.id, filt.slice.id, keep))
    if len({(w, k) for w, _, k, _ in found}) != 1:
        return []
    whole, sibling, keep, kept_at = found[0]
    used = set(src.names_in(made.value))
    item, flag = ("item", "kept") if not {"item", "kept"} & used else ("item_", "kept_")
    nodes = [n for n in ast.walk(made.value) if isinstance(n, ast.Name) and n.id == whole]
    if len(nodes) != 1:
        return []
    f.facts.add(LIST_LEFT_UNFILTERED)
    text = f"[{item} for {item}, {flag} in zip({whole}, {keep}) if {flag}]"
    f.values.update(whole=whole, whole_len=at.lengths[whole], siblings=sibling, keep=keep, keep_line=kept_at.stmt.lineno,
                    keep_made=" ".join(src.segment(at.file, kept_at.stmt).split()), taken=name,
                    taken_line=made.stmt.lineno, whole_filtered=text)
    return edits_of(src.LineEditor.for_node(at.file, made.stmt).replace(nodes[0], text))


def _walk_the_kept(f: Finding) -> list[Edit]:
    """A loop over every item of `sheets` (`for i in range(n_sheets)`, reading `sheets[i]`) that indexes a tensor
    made from a filtered copy (`located = list(filter(..., sheets))`, `vecs = encode(... located)`): the loop walks
    the kept items instead, `range(len(located))` and `located[i]`, the rows the tensor has."""
    frame, loop, var, tensor = f.hints.get("frame"), f.hints.get("loop"), f.hints.get("var"), f.hints.get("tensor")
    tree = src.tree_of(frame.file) if frame is not None else None
    if tree is None or loop is None or not var or not tensor or not (
            isinstance(loop.iter, ast.Call) and src.call_name(loop.iter) == "range" and len(loop.iter.args) == 1):
        return []
    made = src.last_assignment(tree, tensor, loop.lineno)
    for name in dict.fromkeys(src.names_in(made.value)) if made is not None else ():
        kept = src.last_assignment(tree, name, made.stmt.lineno)
        whole = _kept_from(kept.value) if kept is not None else None
        reads = [n for n in ast.walk(loop) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
                 and n.value.id == whole and isinstance(n.slice, ast.Name) and n.slice.id == var]
        if not reads:
            continue
        e = src.LineEditor(frame.file, loop.lineno, max(r.end_lineno or r.lineno for r in reads))
        e.replace(loop.iter.args[0], f"len({name})")
        for r in reads:
            e.replace(r.value, name)
        f.facts.add(WALK_KEPT)
        f.values.update(kept=name, whole=whole, kept_line=kept.stmt.lineno)
        return edits_of(e)
    return []


def _same_calls_padded(file: str, tree: ast.Module | None, call: ast.Call, added: str) -> list:
    """The other calls of the same tokenizer in the file, with the same keywords and no padding nor
    return_tensors (their lists are made into tensors by hand too): padded the same way, or the script fails
    at the next of them."""
    if tree is None:
        return []
    name = src.call_name(call)
    kws = sorted((k.arg or "**", ast.unparse(k.value)) for k in call.keywords)
    out = []
    for other in src.calls(tree):
        if other is call or src.call_name(other) != name or src.keyword(other, "padding") is not None \
                or src.keyword(other, "return_tensors") is not None:
            continue
        if sorted((k.arg or "**", ast.unparse(k.value)) for k in other.keywords) != kws:
            continue
        held = src.statement_at(tree, other.lineno)
        if held is not None:
            out += edits_of(src.LineEditor.for_node(file, held).add_keywords(other, added))
    return out
