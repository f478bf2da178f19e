"""Analyzers for a sequence longer than the position table it meets: a transformers config's
`max_position_embeddings` (RoBERTa-style models lose the positions up to the padding id), a table of the
user's own module (grown where the module is built, unless weights are loaded into it), or a hand-made table
cut to the input's length.  Ragged batches are read in ragged.py, loop bounds in loops.py.  The modules only some
cases need (relative distances, tables, embedding lookups) are imported where they are used."""
from __future__ import annotations

import ast
import re
from dataclasses import replace

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, analyzer, evidence, fact, value_evidence
from .added_in_module import ADDED_BEFORE_POSITIONS, ADDED_IN_MODULE, config_tokens_added, tokens_added

CONFIG_FIELD = fact("config-field", "the limit is a field of the model's config (max_position_embeddings, "
                                    "type_vocab_size, vocab_size, num_labels)")
OWN_TABLE = fact("own-table", "the table is built in the user's own module (not sized by a model config)")
TABLE_PARAM = fact("table-param", "the table's size is a parameter of the user's module, set where it is built")
TABLE_CONSTANT = fact("table-constant", "the table's size is a module-level constant of the user's")
WEIGHTS_LOADED = fact("weights-loaded", "the user's code loads weights (a checkpoint or a pretrained model)")
LENGTH_SETTING = fact("length-setting", "the user's code sets a maximum length above the model's limit")
LENGTH_SETTING_READ = fact("length-setting-read", "the user's length setting is read at run time, and the batch "
                                                  "shows it let longer sequences through")
NAMED_BATCH = fact("named-batch", "the ids of the batch were found under the user's name")
POSITION_OFFSET = fact("position-offset", "the model numbers positions from after the padding id, so fewer tokens "
                                          "fit than max_position_embeddings")
TOKENIZER_LIMIT = fact("tokenizer-limit", "the tokenizer call truncates without max_length=, to the tokenizer's "
                                          "model_max_length, which is above the model's limit")
UNTRUNCATED = fact("untruncated-tokenizer", "the ids come from a tokenizer call without truncation")
POSITIONS_WRITTEN = fact("positions-written", "the config's max_position_embeddings is given by an expression of the "
                                              "user's (`positions_site`, line `positions_line`)")
TABLE_CUT = fact("table-cut", "an earlier line cuts the position table to the sequence's length")
GROWS_IN_LOOP = fact("grows-in-loop", "the sequence is lengthened with new tokens on every step of a loop around "
                                     "the failing call (decoding by hand)")
_POSITION_FIELDS = ("max_position_embeddings", "n_positions")
GROW_TABLE = fact("grow-table", "the fix makes the user's own table larger where it is built")
LENGTH_SLICED = fact("length-sliced", "the user's code cuts the pieces with a slice (`cut_expr` in `cut_fn`, line "
                                      "`cut_line`) by a length set elsewhere (`setting`)")


_POSITION_WORDS = {"pos", "position", "positions", "positional", "pe", "sinusoid", "sinusoidal"}
_METRIC_WORDS = {"true", "false", "tp", "fp", "num", "n", "label", "labels"}


def _position_name(expr: str) -> bool:
    """A name of a position table (`pos_emb`, `self.pe`, `positions`), not of a count or weight that only
    contains the letters (`true_pos`, `pos_weight`, `positive`)."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", expr))]
    return bool(_POSITION_WORDS & set(words)) and not (_METRIC_WORDS & set(words))


def _root(expr: str) -> str:
    return re.split(r"[\[.(]", expr, maxsplit=1)[0]


EMBEDDED_SEQUENCE = fact("embedded-sequence", "the sequence added to the position table is already embedded (float "
                                              "features: an image's patches, a recording's frames), not token ids: its "
                                              "length comes from the input's size")


@analyzer("sequence-exceeds-positions")
def sequence_exceeds_positions(ctx: Context) -> Finding | None:
    """A size mismatch where one side is the model's position table and the other the input length."""
    sizes = ctx.message_sizes()
    if sizes is None:
        return _gathered_positions(ctx)
    cfg = ctx.config()
    max_pos = cfg.get("max_position_embeddings") or cfg.get("n_positions")
    tables = [m.attrs.get("num_embeddings") for f in ctx.frames for m in f.modules
              if m.cls == "Embedding" and re.search(r"pos", str(m.attrs.get("name", m.expr)), re.I)]
    limits = {v for v in [max_pos, *tables] if isinstance(v, int)}
    # a hand-made position table (sinusoidal or learned) sliced by the sequence length in the user's code
    pos_tables = [t for f in ctx.user_frames()[:1] for t in ctx.tensors_in_node(f)
                  if len(t.shape) >= 2 and (_position_name(t.expr) or _sliced_by_length(f.node or "", t.expr))]
    pos_tables += [cut for f in ctx.user_frames()[:1] for t in ctx.tensors_in_node(f)
                   if t not in pos_tables and (cut := _cut_before(ctx, f, t)) is not None]
    table_of: dict[int, TensorFacts] = {}
    for t in pos_tables:
        for d in t.shape:
            if d in sizes:
                limits.add(d)
                table_of.setdefault(d, t)
    hit = [s for s in sizes if s in limits]
    if not hit:
        return None
    limit = hit[0]
    seq = sizes[0] if sizes[1] == limit else sizes[1]
    if seq <= limit:
        return None
    lib = ctx.library_tensor("input_ids")
    ids = ctx.user_name(lib) if lib is not None else None
    embeds = ctx.library_tensor("inputs_embeds") if lib is None else None
    if ids is None and embeds is not None and len(embeds.shape) >= 2 and embeds.shape[1] == seq:
        ids = ctx.user_name(embeds)  # the model got embedded inputs: they are the sequence, not a mask beside them
    if ids is None:
        cands = [t for f in ctx.user_frames() for t in f.tensors if t.shape and seq in t.shape and t.is_integer]
        ids = cands[0] if cands else None
    if ids is None and limit in table_of:  # a hand-made table added to embedded positions (a ViT's patches)
        table = table_of[limit]
        ids = next((t for f in ctx.user_frames()[:1] for t in ctx.tensors_in_node(f)
                    if t.ident != table.ident and len(t.shape) == len(table.shape)
                    and t.shape[table.shape.index(limit)] == seq), None)
    if ids is None and not (max_pos or tables):
        return None
    if lib is not None and ids is not None and len(lib.shape) >= 2 and lib.shape[1] <= limit and seq not in lib.shape:
        return None  # the ids the model got fit its positions: the longer size is another input's (a mask)
    from .layout import examples_joined_along_sequence
    if examples_joined_along_sequence(ctx, ids):
        return None  # the batch's examples were joined end to end into one long row: not one long text
    f = Finding()
    given = "inputs_embeds" if ids is None and ctx.library_tensor("inputs_embeds") is not None else "input_ids"
    f.values.update(seq_len=seq, max_positions=limit, ids=ids.expr if ids else given,
                    batch=_root(ids.expr) if ids else "the batch")
    e = evidence(ids)
    if e:
        f.evidence.append(e)
    if ids is not None and _untruncated_tokenizer_call(ctx, ids, f):
        f.facts.add(UNTRUNCATED)
    if ids is not None:
        f.facts.add(NAMED_BATCH)
    if max_pos == limit:
        f.facts.add(CONFIG_FIELD)
        f.evidence.append(value_evidence("config.max_position_embeddings", limit))
        added = config_tokens_added(ctx, limit, seq)
        if added is not None:  # the user's module puts its own [CLS] before the model's positions: room for it
            size = src.segment(added.file, added.size)
            f.facts.add(ADDED_BEFORE_POSITIONS)
            f.values.update(added="a token" if added.added == 1 else f"{added.added} tokens", table_cls=added.cls,
                            added_at=src.segment(added.file, added.cat), added_line=added.cat.lineno,
                            input_len=seq - added.added, positions_was=size, positions_line=added.size.lineno,
                            table_fixed=f"{size} + {added.added}")
            f.hints["added_before_positions"] = added
            f.confidence = "high"
        _length_setting(ctx, f, limit, ids)
        _positions_written(ctx, f)
    elif limit not in table_of:
        f.evidence.append(value_evidence("position table", limit))
    else:
        table = table_of[limit]
        node = ctx.user_frames()[0].node or "" if ctx.user_frames() else ""
        sliced = re.search(re.escape(table.expr) + r"\[[^\[\]]*\]", node)
        f.evidence.append(evidence(table, expr=sliced.group(0) if sliced else table.expr,
                                   note=f"position table: {limit} positions"))
        _cut_line(ctx, f, table)
        if table.expr.startswith("self.") and table.expr.count(".") == 1:
            _own_table(ctx, f, table.expr.split(".", 1)[1], seq, rows=limit)
    if ids is not None and not ids.is_integer and limit in table_of:
        f.facts.add(EMBEDDED_SEQUENCE)
        f.values["pos_table"] = table_of[limit].expr
    f.hints.update(ids_root=_root(ids.expr) if ids else None, ids_frame=ids.frame if ids else None)
    from .prefixed_window import prefixed_window
    prefixed_window(ctx, f, ids, limit, seq)
    return f


def _positions_written(ctx: Context, f: Finding) -> None:
    """The one `max_position_embeddings=<expression>` (not a literal) of a `*Config(...)` call in the user's
    files: where the number of positions was chosen (`cfg.max_positions`)."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            kw = src.keyword(call, "max_position_embeddings")
            if kw is not None and src.is_config_call(call) and not isinstance(kw.value, ast.Constant):
                found.append((file, kw))
    if len(found) == 1:
        file, kw = found[0]
        f.facts.add(POSITIONS_WRITTEN)
        f.values.update(positions_site=f"max_position_embeddings={' '.join(src.segment(file, kw.value).split())}",
                        positions_line=kw.value.lineno)
        f.hints["positions_kw"] = (file, kw.value)
        handed = _handed_by_caller(src.tree_of(file), kw.value)
        if handed is not None:  # `max_position_embeddings=max_positions`, a parameter: what the one caller gives
            param, arg = handed
            f.values.update(positions_site=f"{param}={' '.join(src.segment(file, arg).split())}",
                            positions_line=arg.lineno)
        given = src.kwargs_item(src.tree_of(file), kw.value)
        if given is not None:  # `kwargs.get("positions", 512)`: what the caller hands for it
            key = kw.value.slice.value if isinstance(kw.value, ast.Subscript) else kw.value.args[0].value
            f.values.update(positions_site=f"{key}={' '.join(src.segment(file, given).split())}",
                            positions_line=given.lineno)


def _handed_by_caller(tree: ast.Module, value: ast.expr) -> tuple[str, ast.expr] | None:
    """`value` is a parameter of the class (its `__init__`) or function it is read in, built or called once in
    the file with an expression for it (not a plain literal): the parameter and that expression."""
    if not isinstance(value, ast.Name):
        return None
    fn = next((n for n in reversed(src.path_to(tree, value.lineno)) if isinstance(n, ast.FunctionDef)), None)
    if fn is None:
        return None
    params = [a.arg for a in fn.args.args]
    owner = src.enclosing_class(tree, fn.lineno) if fn.name == "__init__" else None
    name = owner.name if owner is not None else fn.name
    params = params[1:] if params[:1] in (["self"], ["cls"]) else params
    if value.id not in params:
        return None
    calls = [c for c in src.calls(tree) if src.call_name(c).rpartition(".")[2] == name]
    if len(calls) != 1:
        return None
    at = params.index(value.id)
    kw = src.keyword(calls[0], value.id)
    arg = kw.value if kw is not None else calls[0].args[at] if at < len(calls[0].args) else None
    if arg is None or isinstance(arg, ast.Constant) or any(isinstance(a, ast.Starred) for a in calls[0].args):
        return None
    return value.id, arg


def _gathered_positions(ctx: Context) -> Finding | None:
    """"index N is out of bounds for dimension 1 with size M" inside a transformers model whose
    `max_position_embeddings` is M: positions past the table were gathered (RoBERTa-style embeddings gather
    their buffers at the position ids, which start after the padding id)."""
    index, size = ctx.int_group("index"), ctx.int_group("size")
    cfg = ctx.config()
    max_pos = cfg.get("max_position_embeddings")
    if index is None or size is None or max_pos != size or not any(
            "/transformers/" in f.file.replace("\\", "/") for f in ctx.raise_frames()):
        return None
    lib = ctx.library_tensor("input_ids")
    ids = ctx.user_name(lib) if lib is not None else None
    if ids is None or not ids.shape:
        return None
    pad = next((m.attrs.get("padding_idx") for m in ctx.raising_modules() if m.cls.endswith("Embeddings")
                and isinstance(m.attrs.get("padding_idx"), int)), None)
    usable = max_pos - (pad + 1) if isinstance(pad, int) else max_pos
    if ids.shape[-1] <= usable:
        return None
    f = Finding(confidence="high")
    f.facts.add(CONFIG_FIELD)
    f.values.update(seq_len=ids.shape[-1], max_positions=usable, ids=ids.expr, batch=_root(ids.expr))
    if usable != max_pos:
        f.facts.add(POSITION_OFFSET)
        f.values.update(config_positions=max_pos, first_position=pad + 1)
    e = evidence(ids)
    if e:
        f.evidence.append(e)
    f.evidence.append(value_evidence("config.max_position_embeddings", max_pos))
    if _untruncated_tokenizer_call(ctx, ids):
        f.facts.add(UNTRUNCATED)
    f.facts.add(NAMED_BATCH)
    _length_setting(ctx, f, usable, ids)
    f.hints.update(ids_root=_root(ids.expr), ids_frame=ids.frame)
    return f


_LENGTH_SETTING = re.compile(r"^(max_seq_length|max_length|model_max_length|max_len|max_seq_len|max_tokens)$")


def _length_setting(ctx: Context, f: Finding, limit: int, ids: TensorFacts | None = None) -> None:
    """A length the user's code asks for (`max_seq_length=64` in a call, `model.max_seq_length = 64`) that is
    above the model's limit: the truncation was requested, at a length the model cannot take."""
    unread: list[tuple[str, tuple[str, ast.expr]]] = []
    from ..fixes import tokenizer_call_for
    hit = tokenizer_call_for(ctx, _root(ids.expr), ctx.frames[ids.frame]) if ids is not None else None
    made_by = set(map(id, hit[1].keywords)) if hit is not None else set()
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        # the call that made the failing ids first: a name set twice (a notebook's cells) is read there
        for n in sorted(src.nodes(tree, ast.keyword, ast.Assign) if tree is not None else (),
                        key=lambda n: id(n) not in made_by):
            found = None
            if isinstance(n, ast.keyword) and n.arg and _LENGTH_SETTING.match(n.arg):  # named by what decides it
                said = n.arg if isinstance(n.value, ast.Constant) else f"{n.arg}={src.segment(file, n.value)}"
                found = (said, n.value)
            elif isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Attribute) \
                    and _LENGTH_SETTING.match(n.targets[0].attr):
                found = (src.segment(file, n.targets[0]), n.value)
            value = int_constant(tree, found[1]) if found is not None else None
            if value is not None and value.value > limit:
                f.facts.add(LENGTH_SETTING)
                f.values.update(setting=found[0], setting_value=value.value)
                f.hints["length_setting"] = (file, value, value)
                return
            computed = _computed_length(ctx, file, found[1]) if found is not None and value is None else None
            handed = _handed_length(ctx, tree, file, found[1]) if found is not None and value is None \
                and computed is None else None
            if handed is not None and handed[1] > limit:  # a parameter filled by the caller's measured length
                _capped(f, file, found[0], handed[0].value, handed[1])
                return
            if computed is not None and computed > limit:  # `max_seq_length=longest`, measured on the data
                _capped(f, file, found[0], found[1], computed)
                return
            if found is not None and value is None and computed is None and _cuts_the_ids(ctx, tree, file, n, ids):
                unread.append((file, found))
        if tree is not None and _sliced_length(f, tree, file, limit):
            return
        fields = [(cls.name, st) for cls in (src.nodes(tree, ast.ClassDef) if tree is not None else ())
                  for st in cls.body if isinstance(st, (ast.AnnAssign, ast.Assign)) and isinstance(
                      st.targets[0] if isinstance(st, ast.Assign) else st.target, ast.Name)
                  and _LENGTH_SETTING.match((st.targets[0] if isinstance(st, ast.Assign) else st.target).id.lower())
                  and isinstance(st.value, ast.Constant) and type(st.value.value) is int and st.value.value > limit]
        if len(fields) == 1:  # a settings class's field (`max_seq_length: int = 128`, `MAX_LEN = 128`)
            owner, st = fields[0]
            name = (st.targets[0] if isinstance(st, ast.Assign) else st.target).id
            f.facts.add(LENGTH_SETTING)
            f.values.update(setting=f"{owner}.{name}", setting_value=st.value.value)
            f.hints["length_setting"] = (file, st, st.value)
            return
    seq_len = f.values.get("seq_len")
    if len(unread) == 1 and isinstance(seq_len, int) and seq_len > limit:
        # read at run time (`stats["max_tokens"]` from a file): the batch shows it let `seq_len` tokens through
        file, (said, node) = unread[0]
        f.facts.add(LENGTH_SETTING_READ)
        _capped(f, file, said, node, None)


def _rows_of_records(tree: ast.Module, sub: ast.Subscript) -> bool:
    """The slice is bound to a name that its scope then walks item by item, unpacking each item into several names
    (`for _, i in rows`): it holds records (examples), not the pieces of one sequence."""
    stmt = src.statement_at(tree, sub.lineno)
    if not (isinstance(stmt, ast.Assign) and stmt.value is sub and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)):
        return False
    name = stmt.targets[0].id
    scope = src.enclosing_scope(tree, sub.lineno)
    return any(isinstance(n, (ast.For, ast.comprehension)) and isinstance(n.iter, ast.Name) and n.iter.id == name
               and isinstance(n.target, ast.Tuple) for n in ast.walk(scope))


_PIECES_CALL = re.compile(r"(tokeni[sz]e|encode\w*|convert_tokens_to_ids|split)$")


def _sliced_length(f: Finding, tree: ast.Module, file: str, limit: int) -> bool:
    """A length the user's code cuts the pieces to with a slice (`tokenizer.tokenize(text)[: max_len - 2]`), the
    name's value written elsewhere (`make_encoder(tok, PIPELINE["max_len"])` of `PIPELINE = {"max_len": 128}`)
    and above the model's limit: the one such cut of the file."""
    found = []
    for sub in src.nodes(tree, ast.Subscript):
        cut = sub.slice
        window = _window_size(cut)  # `seq[start:start + size]`: a window `size` long, whatever it slices
        if window is None and not (isinstance(cut, ast.Slice) and cut.lower is None and cut.step is None and
                                   cut.upper is not None and isinstance(sub.value, ast.Call) and
                                   _PIECES_CALL.search(src.call_name(sub.value))):
            continue
        if window is not None and _rows_of_records(tree, sub):
            continue  # `rows = clicks[s:s + batch_size]` then `for _, i in rows`: a batch of records, not pieces
        upper = window if window is not None else cut.upper
        less = 0
        if isinstance(upper, ast.BinOp) and isinstance(upper.op, ast.Sub) and isinstance(upper.right, ast.Constant) \
                and type(upper.right.value) is int:
            upper, less = upper.left, upper.right.value
        given = src.name_source(tree, upper) if isinstance(upper, ast.Name) else None
        value = int_constant(tree, given if given is not None else upper)
        seq = f.values.get("seq_len")
        if isinstance(seq, int) and value is not None and value.value > 8 * seq:
            continue  # a cut of 16000 items (an audio clip's samples) is not what made 102 positions: another unit
        if value is not None and value.value > limit:
            found.append((sub, upper, given, value, less))
    if len(found) != 1:
        return False
    sub, upper, given, value, less = found[0]
    added = _added_around(tree, sub)
    seq = f.values.get("seq_len")
    if added is None and isinstance(seq, int) and 0 < seq - (value.value - less) <= 4:
        added = seq - value.value + less  # the longest sequences hold the cut pieces and a few added tokens
    scope = src.binding_scope(tree, upper) if isinstance(upper, ast.Name) else src.enclosing_scope(tree, sub.lineno)
    f.facts.update({LENGTH_SETTING, LENGTH_SLICED})
    f.values.update(setting=src.segment(file, given if given is not None else upper), setting_value=value.value,
                    cut_expr=src.segment(file, sub.slice), cut_line=sub.lineno,
                    cut_fn=getattr(scope, "name", "the module"))
    f.hints["length_setting"] = (file, value, value)
    if added is not None and added != less:  # `[: max_tokens]` then CLS and SEP: the setting leaves room for them
        f.hints["length_setting_value"] = limit + less - added
    return True


def _window_size(cut: ast.AST) -> ast.expr | None:
    """`size` of a slice `[start:start + size]` (a window of `size` items), else None."""
    if isinstance(cut, ast.Slice) and cut.lower is not None and cut.step is None and isinstance(cut.upper, ast.BinOp) \
            and isinstance(cut.upper.op, ast.Add) and ast.dump(cut.upper.left) == ast.dump(cut.lower):
        return cut.upper.right
    return None


def _added_around(tree: ast.Module, cut: ast.Subscript) -> int | None:
    """How many items the code puts around the cut pieces: the list displays added to them, where they are cut
    (`["[CLS]"] + tok.tokenize(t)[:n] + ["[SEP]"]`) or to the name they are cut into (`ids = ...[:n]`, then
    `[cls_id] + ids + [sep_id]`); None when nothing is added."""
    stmt = src.statement_at(tree, cut.lineno)
    names = {t.id for t in getattr(stmt, "targets", ()) if isinstance(t, ast.Name)}
    scope = src.enclosing_scope(tree, cut.lineno)

    def around(chain: ast.AST) -> int | None:
        terms, node = [], chain
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            terms.append(node.right)
            node = node.left
        terms.append(node)
        if not any(t is cut or (isinstance(t, ast.Name) and t.id in names) for t in terms):
            return None
        return sum(len(t.elts) for t in terms if isinstance(t, ast.List))

    for node in ast.walk(scope):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and node.lineno >= cut.lineno:
            n = around(node)
            if n:
                return n
    return None


def _capped(f: Finding, file: str, setting: str, node: ast.expr, value: int | None) -> None:
    """The length setting `setting`, worth `value` when known, to be capped at the model's limit where `node`
    gives it (`min(node, limit)`)."""
    f.facts.add(LENGTH_SETTING)
    f.values["setting"] = setting
    if value is not None:
        f.values["setting_value"] = value
    f.hints["length_setting"] = (file, node, node)
    f.hints["length_setting_capped"] = True


def _handed_length(ctx: Context, tree: ast.Module, file: str, node: ast.AST) -> tuple[ast.Assign, int] | None:
    """For a length read from a parameter (`max_length=max_len` in `__init__(self, rows, tokenizer, max_len)`), the
    caller's assignment of the name the one call of that function (or class) passes for it (`max_len =
    longest_in_tokens(...)`), with the int a frame holds under that name, when it was computed there."""
    if not isinstance(node, ast.Name):
        return None
    given = src.sole_argument(tree, src.enclosing_scope(tree, node.lineno), node.id)
    if not isinstance(given, ast.Name):
        return None
    made = src.last_assignment(tree, given.id, given.lineno)
    value = _computed_length(ctx, file, given)
    if made is None or value is None or not isinstance(made.stmt, ast.Assign) or made.value is not made.stmt.value \
            or len(made.stmt.targets) != 1 or not isinstance(made.stmt.targets[0], ast.Name):
        return None
    return made.stmt, value


def _cuts_the_ids(ctx: Context, tree: ast.Module, file: str, node: ast.AST, ids: TensorFacts | None) -> bool:
    """The length `node` sets (a keyword, or an assignment to a length attribute) cut the failing ids: it is
    not a plain parameter (that value is decided where the function is called; a setting read off a parameter,
    `cfg.max_seq_length`, is capped where it is read), and its call is the
    tokenizer call that made the ids (one that asks for no truncation does not cut) or a sentence-transformers
    module's construction (`models.Transformer(..., max_seq_length=...)`, which tokenizes every batch)."""
    if not isinstance(node.value, (ast.Name, ast.Subscript, ast.Attribute, ast.Call)):
        return False
    root = node.value
    while isinstance(root, (ast.Subscript, ast.Attribute)):
        root = root.value
    scope = src.enclosing_scope(tree, node.value.lineno)
    if (isinstance(node.value, ast.Name) or getattr(root, "id", None) == "self") and isinstance(
            scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and root.id in {
                a.arg for a in [*scope.args.posonlyargs, *scope.args.args, *scope.args.kwonlyargs]}:
        return False  # a plain parameter, or the object's own attribute: decided where it is given (_handed_length)
    if isinstance(node, ast.Assign):
        return True
    call = next((c for c in src.calls(tree) if node in c.keywords), None)
    if call is None:
        return False
    trunc = src.keyword(call, "truncation")
    if trunc is not None and isinstance(trunc.value, ast.Constant) and trunc.value.value in (False, None):
        return False
    name = src.call_name(call)
    if not re.search(r"tok|encode|transformer$", name.lower()):
        return False
    if name.endswith("Transformer"):
        return True
    from ..fixes import tokenizer_call_for
    hit = tokenizer_call_for(ctx, _root(ids.expr), ctx.frames[ids.frame]) if ids is not None else None
    return hit is not None and hit[0] == file and hit[1] is call


def _computed_length(ctx: Context, file: str, node: ast.AST) -> int | None:
    """The int a plain name given as a length holds in a frame of the same file, when the name is computed in the
    scope that gives it (`longest`, measured on the data before the model was built), not a parameter."""
    tree = src.tree_of(file)
    if not isinstance(node, ast.Name) or tree is None:
        return None
    scope = src.binding_scope(tree, node)
    if not src.assignments(tree, node.id, scope):
        return None  # a parameter: the value is decided where the function is called
    held = [fr.scalars.get(node.id) for fr in ctx.user_frames() if fr.file == file]
    held = [v for v in held if type(v) is int]
    return held[0] if len(set(held)) == 1 else None


def int_constant(tree: ast.Module, node: ast.AST) -> ast.Constant | None:
    """The int literal `node` is, or stands for: an option's `default=` (`args.max_len`), the default of the
    enclosing function's parameter it names
    (when no call in the file passes that parameter), the one module-level constant of that name, or the item
    of a settings dict it reads."""
    if isinstance(node, ast.Constant):
        return node if type(node.value) is int else None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return _self_setting(tree, node)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        from .classes import argument_default
        option = argument_default(tree, node)  # `args.max_seq_len` of `add_argument("--max-seq-len", default=128)`
        if option is not None:
            return option[1] if isinstance(option[1], ast.Constant) and type(option[1].value) is int else None
        return _field_default(tree, node.value.id, node.attr)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        from .classes import config_dict  # `CFG["max_seq_length"]` of a settings dict never changed in place
        table = config_dict(tree, node.value)
        item = src.dict_item(table, node.slice.value) if table is not None else None
        return item if isinstance(item, ast.Constant) and type(item.value) is int else None
    if not isinstance(node, ast.Name):
        return None
    registered = src.registered_param(tree, node)  # a registry's settings dict gives the parameter
    if registered is not None:
        return int_constant(tree, registered)
    fn = src.enclosing_scope(tree, node.lineno)  # type: ignore[attr-defined]
    if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
        default = src.param_defaults(fn).get(node.id)
        if default is not None:
            position = params.index(node.id) if node.id in params else None
            called = fn.name
            if fn.name == "__init__" and src.enclosing_class(tree, fn.lineno) is not None:
                called = src.enclosing_class(tree, fn.lineno).name  # built as `Cls(...)`: no `self` passed
                position = position - 1 if position else position
            passed = any(src.keyword(c, node.id) is not None or (position is not None and len(c.args) > position)
                         or any(isinstance(a, ast.Starred) for a in c.args) or any(k.arg is None for k in c.keywords)
                         for c in src.calls(tree) if src.call_name(c).split(".")[-1] == called)
            return None if passed else int_constant(tree, default)
        if node.id in params and default is None:  # given by the one call of the function, or a partial of it
            given = src.name_source(tree, node)
            return int_constant(tree, given) if given is not None and not isinstance(given, ast.Name) else None
        if node.id in params or any(a.arg == node.id for a in fn.args.kwonlyargs) or src.assignments(
                tree, node.id, fn):
            return None
    made = src.assignments(tree, node.id, tree)
    return made[0].value if len(made) == 1 and isinstance(made[0].value, ast.Constant) and type(
        made[0].value.value) is int else None


def _self_setting(tree: ast.Module, node: ast.Attribute) -> ast.Constant | None:
    """`self.max_length` set once in `__init__` from its parameter: the int literal the one construction of the
    class gives it (`Predictor(...)`, or `cls(...)` in a classmethod such as `from_dir(cls, path, max_length=128)`,
    followed to that method's default when no call passes it)."""
    cls = src.enclosing_class(tree, node.lineno)
    init = next((f for f in (cls.body if cls else []) if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
    if init is None:
        return None
    made = [s for s in src.statements(init, nested=True) if isinstance(s, ast.Assign) and len(s.targets) == 1
            and isinstance(s.targets[0], ast.Attribute) and s.targets[0].attr == node.attr
            and isinstance(s.targets[0].value, ast.Name) and s.targets[0].value.id == "self"]
    if len(made) != 1:
        return None
    value = made[0].value
    params = [a.arg for a in init.args.args][1:]
    if not (isinstance(value, ast.Name) and value.id in params):
        return int_constant(tree, value) if not isinstance(value, ast.Name) else None
    builds = [c for c in src.calls(tree) if src.call_name(c) == cls.name or (
        src.call_name(c) == "cls" and src.enclosing_class(tree, c.lineno) is cls)]
    if len(builds) != 1:
        return None
    kw = src.keyword(builds[0], value.id)
    at = params.index(value.id)
    given = kw.value if kw is not None else builds[0].args[at] if at < len(builds[0].args) else None
    return int_constant(tree, given) if given is not None else None


def _field_default(tree: ast.Module, holder: str, field: str) -> ast.Constant | None:
    """The int default of `field` written in the body of the file's class that `holder` is (`Spec.max_len`) or
    the one instance of (`spec = Spec()`, no call passing `field`): `max_len: int = 128` / `max_len = 128`."""
    value = field_default_value(tree, holder, field)
    return value if isinstance(value, ast.Constant) and type(value.value) is int else None


def field_default_value(tree: ast.Module, holder: str, field: str) -> ast.expr | None:
    """The default of `field` as written (any expression) in the class `_field_default` finds for `holder`."""
    classes = {c.name: c for c in src.nodes(tree, ast.ClassDef)}
    cls = classes.get(holder)
    if cls is None:
        made = [a.value for a in src.assignments(tree, holder)]
        if len(made) != 1 or not isinstance(made[0], ast.Call) or not isinstance(made[0].func, ast.Name):
            return None
        cls = classes.get(made[0].func.id)
        if cls is None or made[0].args or src.keyword(made[0], field) is not None or any(
                k.arg is None for k in made[0].keywords):
            return None
    return src.class_field(cls, field)


def _cut_line(ctx: Context, f: Finding, table: TensorFacts) -> None:
    """Names the earlier line that cut the table to the sequence's length (`position_ids =
    self.position_ids[:, :seq_length]`): a cut cannot make the table longer."""
    frame = ctx.user_frames()[0]
    for t in ctx.tensors_in_node(frame):
        found = ctx.origin(t.expr, frame) if t.expr.isidentifier() else None
        value = found[2] if found is not None and found[0] is frame else None
        if isinstance(value, ast.Subscript) and ast.unparse(value.value) in (table.expr, t.expr) and \
                _sliced_by_length(ast.unparse(value), ast.unparse(value.value)):
            f.facts.add(TABLE_CUT)
            f.values["table_cut"] = f"{t.expr} = {src.segment(frame.file, value)}"
            return


def _cut_before(ctx: Context, frame, t: TensorFacts) -> TensorFacts | None:
    """`part = table[:, :x.size(1)]` on an earlier line, `part` used on the failing one: the table it was cut
    from, under the table's own expression."""
    found = ctx.origin(t.expr, frame) if t.expr.isidentifier() and t.shape else None
    value = found[2] if found is not None and found[0] is frame else None
    if isinstance(value, ast.Subscript) and _sliced_by_length(ast.unparse(value), ast.unparse(value.value)):
        return replace(t, expr=ast.unparse(value.value))
    return None


def _sliced_by_length(node: str, expr: str) -> bool:
    """`table[:seq_len]`, `self.pe[:, :x.size(1)]`: a tensor cut to a length on the failing line."""
    return bool(re.search(re.escape(expr) + r"\[(\s*:\s*,)*\s*:\s*[\w.()\[\]]+\s*\]", node))


def _untruncated_tokenizer_call(ctx: Context, ids: TensorFacts, f: Finding | None = None) -> bool:
    """The ids come from a tokenizer call (followed through assignments and the user's helpers) that does not
    truncate.  With `f`: when the call truncates without `max_length=` and the tokenizer's `model_max_length` is
    above the model's limit, the fact that it cuts to that length instead."""
    from ..fixes import tokenizer_call_for
    hit = tokenizer_call_for(ctx, _root(ids.expr), ctx.frames[ids.frame])
    if hit is None:
        return False
    file, call = hit
    kw = src.keyword(call, "truncation")
    if kw is None or (isinstance(kw.value, ast.Constant) and kw.value.value in (False, None, "do_not_truncate")):
        return True
    limit = f.values.get("max_positions") if f is not None else None
    tok_max = next((o.max_length for fr in ctx.frames for o in fr.objects if o.kind == "tokenizer"
                    and o.max_length is not None), None)
    if (f is not None and src.keyword(call, "max_length") is None and isinstance(limit, int)
            and tok_max is not None and tok_max > limit):
        f.facts.add(TOKENIZER_LIMIT)
        f.values.update(tok_call=" ".join(src.segment(file, call).split()), tok_line=call.lineno,
                        tok_max=f"{tok_max}" if tok_max < 10**9 else "never set (a huge default)")
    return False


@analyzer("position-ids-exceed-table")
def position_overflow(ctx: Context) -> Finding | None:
    from .vocab import _ids_exceed, _table_finding, _user_token_ids, embedding_failure
    fail = embedding_failure(ctx)
    if fail is None or fail.role != "position" or _ids_exceed(fail) is False:
        return None
    f = _table_finding(fail, "position_ids")
    cfg = ctx.config()
    max_pos = cfg.get("max_position_embeddings", fail.num_embeddings)
    seq = (fail.ids.max + 1) if fail.ids and fail.ids.max is not None else None
    # the user's token ids: the longest sequence among user tensors named like ids
    user_ids = _passed_ids(ctx) or _user_token_ids(ctx)
    # positions 0..n-1 of n items beside ids of another length: those ids are not the sequence the positions number
    # (they still tell whether the positions run along the batch, below)
    apart = user_ids is not None and bool(user_ids.shape) and isinstance(seq, int) and fail.ids is not None and \
        bool(fail.ids.shape) and fail.ids.shape[-1] == seq and user_ids.shape[-1] != seq
    if user_ids is not None and user_ids.shape and not apart:
        seq = user_ids.shape[-1]
        f.values["ids"] = user_ids.expr
        f.hints["ids_root"] = re.split(r"[\[.]", user_ids.expr, maxsplit=1)[0]
        f.hints["ids_frame"] = user_ids.frame
        e = evidence(user_ids)
        if e:
            f.evidence.insert(0, e)
    field = next((k for k in _POSITION_FIELDS if k in cfg), None)
    if field is not None and fail.name and isinstance(fail.num_embeddings, int) and isinstance(cfg[field], int) \
            and abs(fail.num_embeddings - cfg[field]) > 2:
        field = None  # a table of the user's own beside the model (sentence positions), not the model's positions
    max_pos = cfg[field] if field else max_pos
    f.values.update(seq_len=seq if seq is not None else "?", max_positions=max_pos)
    # only negative values fail (the largest fits): no sequence is too long, the values are not counted positions
    negative_only = fail.ids is not None and fail.ids.min is not None and fail.ids.min < 0 and \
        fail.ids.max is not None and isinstance(fail.num_embeddings, int) and fail.ids.max < fail.num_embeddings
    if field is not None and negative_only:
        return None
    if field is not None:
        f.facts.add(CONFIG_FIELD)
        f.values["config_field"] = field
        f.confidence = "high" if isinstance(seq, int) and seq > max_pos else f.confidence
        if user_ids is not None and isinstance(max_pos, int) and not grows_in_loop(ctx, f, user_ids, max_pos, field):
            from .prefixed_window import prefix_embedded, prefixed_window
            positions = fail.ids.shape[-1] if fail.ids is not None and fail.ids.shape else None
            if not prefix_embedded(ctx, f, user_ids, max_pos, positions):
                prefixed_window(ctx, f, user_ids, max_pos)
    elif fail.name:
        from .relative import relative_distances
        relative = relative_distances(ctx, fail, f)
        if not relative and (negative_only or _not_positions(fail, seq)):
            return None
        if not relative and _past_own_axis(ctx, fail):
            return None  # values beyond their own axis's length, not counted from arange: not positions of it
        if not relative and _batch_counted(fail, user_ids):
            return None  # positions counted along the batch axis: the sequence fits, the axis is the mistake
        if not relative and _one_per_example(fail, user_ids):
            return None  # one id per example (a window's or a segment's number), not a position of each token
        _own_table(ctx, f, fail.name.rsplit(".", 1)[-1], None if relative else seq, rows=fail.num_embeddings)
        looked_up = (None if apart else user_ids) or fail.user_ids
        if looked_up is not None and isinstance(fail.num_embeddings, int) and \
                grows_in_loop(ctx, f, looked_up, fail.num_embeddings, None):
            f.facts.discard(GROW_TABLE)  # a longer table only moves the failure a few steps later
            f.alternatives.clear()
        elif looked_up is not None and isinstance(fail.num_embeddings, int):
            from .prefixed_window import prefixed_window
            prefixed_window(ctx, f, looked_up, fail.num_embeddings)
    return f


def _not_positions(fail, seq: int | None) -> bool:
    """The values looked up in a position table of the user's are not positions of the sequence: they have the
    sequence's length `seq` in their last dimension, the table has rows for every one of its positions, and yet
    they go past it (two or more beyond the last position, which leaves room for a padding offset): other ids
    (token ids) in the position table's place, not a sequence too long for it."""
    ids, rows = fail.ids, fail.num_embeddings
    return (isinstance(seq, int) and isinstance(rows, int) and seq <= rows and ids is not None and bool(ids.shape)
            and ids.shape[-1] == seq and ids.max is not None and ids.max >= seq + 2)


def _past_own_axis(ctx: Context, fail) -> bool:
    """The values looked up in a position table of the user's reach two or more past the length of their own last
    axis (a chunk's character offset, 286, among 16 chunks), and the user's code did not count them with
    `torch.arange`: they number something else than the places of that axis, so no sequence is too long for the
    table."""
    from .vocab import _counted_positions
    ids = fail.ids
    if ids is None or not ids.shape or ids.max is None or ids.max < ids.shape[-1] + 2:
        return False
    return not _counted_positions(ctx, ids)


def _one_per_example(fail, user_ids: TensorFacts | None) -> bool:
    """The ids looked up in a table of the user's are one per example of a (batch, seq) batch (`window_no` of shape
    (batch,), values computed by the code, not counted with arange): numbers of something else than the token
    places (a window's number in its document), so the sequence's length says nothing about that table."""
    ids = fail.ids
    if user_ids is None or len(user_ids.shape) != 2 or ids is None or len(ids.shape) != 1:
        return False
    batch, seq = user_ids.shape
    return ids.shape[0] == batch != seq


def _batch_counted(fail, user_ids: TensorFacts | None) -> bool:
    """The positions looked up run over the batch axis, not the sequence: the user's ids are (batch, seq) with
    a sequence that fits the table, while the positions are one per example (`torch.arange(x.size(0))` on a
    batch-first tensor), 0 up to the batch size less one, past the table; or ids of three or more axes (documents,
    sentences, tokens) one of whose inner axes has exactly the table's rows while the positions count another,
    longer one.  An axis read in another order, not a sequence too long for the table."""
    ids, rows = fail.ids, fail.num_embeddings
    if user_ids is None or len(user_ids.shape) < 2 or ids is None or ids.max is None or not isinstance(rows, int):
        return False
    if len(user_ids.shape) > 2:  # (docs, sentences, tokens): a table with a row per sentence given token positions
        counted = ids.max + 1
        axes = list(user_ids.shape)
        return counted > rows and counted in axes[1:] and counted in ids.shape and any(
            n == rows for i, n in enumerate(axes[1:], 1) if n != counted)
    batch, seq = user_ids.shape
    return seq <= rows < batch and batch != seq and ids.max + 1 == batch and batch in ids.shape


def _passed_ids(ctx: Context) -> TensorFacts | None:
    """The tensor the innermost user call passed as the model's `input_ids` (by keyword or position),
    whatever the user named it."""
    for frame in reversed(ctx.user_frames()):
        _, t = ctx.call_arg_tensor(frame, ("input_ids",))
        if t is not None and t.is_integer and t.shape:
            return t
    return None


def grows_in_loop(ctx: Context, f: Finding, ids: TensorFacts, limit: int, field: str | None) -> bool:
    """The sequence grows inside a loop (`ids = torch.cat([ids, next_id], dim=1)`, decoding written by hand):
    every step adds tokens until it is longer than the model's positions, so truncating the prompt cannot
    help; the window of the last `limit` tokens is what the model can read.  The sequence is the ids, or
    what their positions count (`torch.arange(codes.size(0))`), followed up through the callers' arguments."""
    frame, name = ctx.frames[ids.frame], ids.expr
    counted = _counted_sequence(ctx, frame, name)
    if counted is not None:
        name = counted
    for _ in range(4):
        if not name.isidentifier():
            return False
        found = _growth(frame, name)
        if found is not None:
            stmt, cat_dim = found
            t = frame.tensor(name)
            ndim = len(t.shape) if t is not None and t.shape else len(ids.shape)
            d = cat_dim % ndim if ndim else 0
            f.facts.add(GROWS_IN_LOOP)
            f.values.update(grow_line=src.segment(frame.file, stmt), grown=name,
                            limit_expr=_limit_expr(ctx, frame, field, limit))
            f.values["window"] = f"{name}[{':, ' * d}-{f.values['limit_expr']}:]"
            f.hints.update(window=(frame.index, name, f.values["window"]))
            return True
        if name not in frame.params:
            return False
        caller = ctx._caller(frame)
        arg = next((a for a in caller.call_args if a.param == name), None) if caller is not None else None
        if arg is None:
            return False
        frame, name = caller, arg.text.strip()
    return False


def _counted_sequence(ctx: Context, frame, name: str) -> str | None:
    """`codes` when `name` was made as `torch.arange(codes.size(0))` (or `len(codes)`, `codes.shape[0]`)."""
    found = ctx.origin(name, frame) if name.isidentifier() else None
    value = found[2] if found is not None else None
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
            value.func.attr in ("unsqueeze", "expand", "expand_as", "view", "to", "repeat"):
        value = value.func.value
    if not (isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] == "arange" and value.args):
        return None
    n = value.args[-1] if len(value.args) <= 2 else value.args[1]
    if isinstance(n, ast.Name):  # `n = obs.size(1)` before `torch.arange(n)`
        tree = src.tree_of(frame.file)
        made = src.last_assignment(tree, n.id, frame.line) if tree is not None else None
        if made is not None and not made.augmented and isinstance(made.value, (ast.Call, ast.Subscript)):
            n = made.value
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "size":
        n = n.func.value
    elif isinstance(n, ast.Call) and src.call_name(n) == "len" and n.args:
        n = n.args[0]
    elif isinstance(n, ast.Subscript) and isinstance(n.value, ast.Attribute) and n.value.attr == "shape":
        n = n.value.value
    return n.id if isinstance(n, ast.Name) else None


def _growth(frame, name: str) -> tuple[ast.stmt, int] | None:
    """The assignment `name = torch.cat([name, new], dim)` in a loop around the frame's line, with its dim."""
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    loops = [n for n in src.path_to(tree, frame.line) if isinstance(n, (ast.For, ast.While)) and n.lineno < frame.line]
    for loop in reversed(loops):
        for n in ast.walk(loop):
            if not (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                    and n.targets[0].id == name and isinstance(n.value, ast.Call)):
                continue
            call = n.value
            items = call.args[0] if call.args else None
            if src.call_name(call).split(".")[-1] not in ("cat", "concat", "concatenate", "hstack") or not (
                    isinstance(items, (ast.List, ast.Tuple)) and any(
                        isinstance(e, ast.Name) and e.id == name for e in items.elts)):
                continue
            dim = call.args[1] if len(call.args) > 1 else getattr(src.keyword(call, "dim"), "value", None)
            if isinstance(dim, ast.UnaryOp) and isinstance(dim.op, ast.USub) and isinstance(dim.operand, ast.Constant):
                return n, -dim.operand.value
            return n, dim.value if isinstance(dim, ast.Constant) and type(dim.value) is int else (
                -1 if src.call_name(call).endswith("hstack") else 0)
    return None


def _limit_expr(ctx: Context, frame, field: str | None, limit: int) -> str:
    """`config.n_positions` when the frame holds the model's config object, `model.config.n_positions` when it
    holds the transformers model, else the number."""
    if field is None:
        return str(limit)
    for o in frame.objects:
        if o.kind == "config" and o.expr.isidentifier():
            return f"{o.expr}.{field}"
    for m in frame.modules:
        if m.expr.isidentifier() and m.config.get(field) == limit:
            return f"{m.expr}.config.{field}"
    return str(limit)


_LABELISH = re.compile(r"lab|target|tag|gold|^y(_|\d|$)", re.I)


def _own_table(ctx: Context, f: Finding, attr: str, seq: int | None, rows: int | None = None) -> None:
    """A position table built in the user's module: name what sizes it, and plan to grow it where the module
    is built (the root cause) unless weights are loaded into it, with truncation as the other reading."""
    from .tables import table_size
    table = table_size(ctx, attr, rows)
    if table is None:
        return
    f.facts.add(OWN_TABLE)
    f.values.update(table_call=table.call_text, table_cls=table.cls.name, table=f"self.{attr}")
    if table.name:
        f.values["size_param"] = table.name
    if table.kind == "param":
        f.facts.add(TABLE_PARAM)
        if table.default is not None:
            f.values["size_default"] = src.segment(table.frame.file, table.default)
    elif table.kind == "constant":
        f.facts.add(TABLE_CONSTANT)
    if isinstance(table.size, ast.Attribute) and isinstance(rows, int) and isinstance(seq, int) and \
            not table.loads_weights:  # `max_len=mon.window_min` beside `window_min * 60 // sample_period_s` steps
        from .table_units import table_other_unit
        unit = table_other_unit(ctx, table.size.attr, rows, seq)
        if unit is not None:
            f.merge(unit)
            f.hints["table"] = table
            return
    if table.kind == "other" and isinstance(table.size, ast.Attribute) and isinstance(rows, int):
        from ..settings_text import setting_line  # `nn.Embedding(m.max_positions, d)`, `max_positions: 64` in YAML
        if setting_line(table.frame.file, table.size.attr, rows) is not None:
            table.kind, table.name = "settings-text", table.size.attr
            f.values["size_param"] = table.name
    if table.kind == "other" and isinstance(table.size, ast.Attribute) and isinstance(table.size.value, ast.Name) \
            and isinstance(rows, int):  # `nn.Embedding(cfg.max_positions, d)`, `max_positions: int = 104` in the class
        tree = src.tree_of(table.frame.file)
        default = _field_default(tree, table.size.value.id, table.size.attr) if tree is not None else None
        others = [t for fr in ctx.user_frames() for t in fr.tensors if t.is_integer and t.min == 0
                  and t.max != seq - 1 and seq in t.shape[1:] and not (t.max is not None and t.max <= 1)]
        padded = any(not _LABELISH.search(t.expr.split(".")[-1]) for t in others)  # not positions, 0/1 masks, labels
        if others and not padded:  # told from padded ids by their name only: the facts do not decide
            f.hints["labels_by_name"] = True
        if default is not None and default.value == rows and not padded:  # (a padded batch: its length varies,
            # and a table grown to this batch's length would fail on a longer one)
            table.kind, table.name = "field", table.size.attr
            f.values["size_param"] = table.name
            f.hints["table_field"] = (table.frame.file, default)
    f.hints["table"] = table
    added = tokens_added(ctx, table, rows, seq)
    if added is not None:  # the module's own [CLS] cat: the table needs that many rows more, not this batch's length
        size = src.segment(table.frame.file, table.size)
        f.facts.add(ADDED_IN_MODULE)
        f.values.update(added="a token" if added[0] == 1 else f"{added[0]} tokens", added_at=src.segment(table.frame.file, added[1]), added_line=added[1].lineno,
                        table_rows=rows, table_fixed=f"{size} + {added[0]}", input_len=seq - added[0])
        f.confidence = "high"
        return
    if not isinstance(seq, int) or table.loads_weights or table.kind == "other":
        if table.loads_weights:
            f.facts.add(WEIGHTS_LOADED)
        return
    f.values["needed"] = seq
    from .cut_option import CUT_OPTION_LEFT_OUT, length_option_left_out
    left_out = length_option_left_out(ctx)
    if left_out:  # the data's own class can cut its items and is never asked to: that cut, the table kept
        file, _, call, param = left_out[0]
        f.facts.add(CUT_OPTION_LEFT_OUT)
        f.values.update(option_cls=src.call_name(call), option_param=param,
                        option_given=src.segment(table.frame.file, table.size) if table.size is not None else "")
        grow = Finding(values=dict(f.values), facts=(set(f.facts) - {CUT_OPTION_LEFT_OUT}) | {GROW_TABLE},
                       hints=dict(f.hints), confidence="low")
        f.confidence = "medium"
        f.alternatives.append(grow)
        return
    f.confidence = "medium" if f.hints.get("labels_by_name") else "high"
    truncate = Finding(values=dict(f.values), facts=set(f.facts) - {GROW_TABLE}, hints=dict(f.hints),
                       confidence="medium")
    f.facts.add(GROW_TABLE)
    f.alternatives.append(truncate)
