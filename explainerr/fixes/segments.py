"""Fixes for segment ids (token_type_ids) that go past the model's segment table: the keyword a positional
argument was meant for; no token_type_ids for a model with one segment; segment ids padded with 0 rather than the
pad id; a stale copy of the segment count replaced by the name it copied; segments numbered from 0; a table sized
where the config is built for the fields every record has (`enumerate(FIELDS)` over `rec[field]`), for the entries
of the map or Enum the ids are written from, or at the settings class default the config reads; a running count
of separators capped at the last segment; else the running index wrapped into the segments the model knows."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit
from .settings import set_edits, written_at
from .vocab import _grow_table
from . import Located, edits_of, frame_at, locator, tokenizer_call_for

SEGMENTS_SET_AT = fact("segments-set-at", "the config call of the user's file gives `type_vocab_size=seg_was` (line "
                                          "`seg_site_line`)")
SEGMENTS_PER_PART = fact("segments-per-part", "the segment ids number the parts of a collection with `arange`: the fix "
                                              "sizes the table `size_expr`")
SEGMENTS_MAPPED = fact("segments-mapped", "the segment ids are written from a map of the module numbered 0..k-1: the "
                                          "fix sizes the table for every entry of it (`size_expr`)")


@locator("token-type")
def token_type(ctx: Context, f: Finding) -> Located:
    """A positional argument that filled token_type_ids: passed by keyword; a model without segments (type_vocab_size
    1): the tokenizer stops returning token_type_ids; ids made from an enumerate index: wrapped into the table; a
    Config built here: sized for the ids; else one more row for a table one short."""
    if "positional-slot" in f.facts:
        return _keyword_for_slot(ctx, f), None
    site = f.hints.get("pad_site")
    if site is not None:
        return _pad_segments_with_zero(site), None
    n = f.values.get("type_vocab_size")
    needed = f.values.get("needed")
    if n == 1:
        hit = _tokenizer_call_made(ctx, f) or tokenizer_call_for(ctx, f.hints.get("ids_root"),
                                                                 frame_at(ctx, f.hints.get("ids_frame")))
        if hit is not None and src.call_name(hit[1]).rpartition(".")[2][:1].isupper():
            hit = None  # a tokenizer class being built, not a tokenizer encoding text
        if hit is not None and not _pairs_encoded(hit[0], hit[1]) and isinstance(needed, int) and needed >= 2:
            hit = _pair_call_beside(hit) or hit  # segment 1 comes from a pair call: the single-text branch did not run
        pairs = hit is not None and _pairs_encoded(hit[0], hit[1])
        written = _segments_written(ctx) if pairs else None
        if written is not None and isinstance(needed, int):  # pairs encoded for a model built here: size it
            file, node = written
            f.facts |= {"edit-size-segments", "edit-segments-written"}
            owner = src.statement_at(src.tree_of(file), node.lineno)
            f.values.update(seg_line=node.lineno, seg_owner=ast.unparse(owner.targets[0]) if isinstance(
                owner, ast.Assign) and len(owner.targets) == 1 else src.scope_name(file, node.lineno) or "<module>")
            return edits_of(src.LineEditor.for_node(file, owner or node).replace(node, str(needed))), None
        text = _segments_in_settings_text(ctx, n, needed) if pairs else None
        if text is not None:  # `type_vocab_size=cfg["segments"]` from `yaml.safe_load(SETTINGS)`: set there
            edit, owner = text
            f.facts |= {"edit-size-segments", "edit-segments-written"}
            f.values.update(seg_line=edit.start_line, seg_owner=owner)
            return [edit], None
        if hit is not None and src.keyword(hit[1], "return_token_type_ids") is None and not _segments_read(ctx):
            f.facts.add("edit-no-segments")
            return edits_of(src.LineEditor.for_node(hit[0], hit[1]).add_keywords(
                hit[1], "return_token_type_ids=False")), None
    stale = _stale_copy(ctx, f, needed)
    if stale:
        return stale, None
    text = _segments_in_settings_text(ctx, n, needed) if isinstance(n, int) and n > 1 else None
    if text is not None:  # a model built from the settings text the script parses: sized there
        f.facts.add("edit-size-segments")
        return [text[0]], None
    counted = _counted_segments(ctx, f, n if isinstance(n, int) else f.values.get("num_embeddings"))
    if counted:
        return counted, None
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for node, names, value in _writes(tree):
            if not any(re.search(r"seg|type", x, re.I) for x in names):
                continue
            for loop in src.enclosing_loops(tree, node.lineno):
                if isinstance(loop.iter, ast.Call) and src.call_name(loop.iter) == "enumerate":
                    idx = loop.target.elts[0] if isinstance(loop.target, ast.Tuple) else None
                    if isinstance(idx, ast.Name):
                        uses = [u for u in ast.walk(value) if isinstance(u, ast.Name) and u.id == idx.id]
                        kw = src.keyword(loop.iter, "start")
                        start = kw.value if kw is not None else loop.iter.args[1] if len(loop.iter.args) > 1 else None
                        if uses and isinstance(start, ast.Constant) and start.value in (1, 2):
                            # numbered from 1: number from 0, as segments are
                            kept = [src.segment(file, a) for a in loop.iter.args[:1]] + [
                                src.segment(file, k) for k in loop.iter.keywords if k.arg != "start"]
                            f.facts.add("edit-segments-from-zero")
                            f.values.update(started=src.segment(file, loop.iter), counter=idx.id,
                                            seg_target=", ".join(names))
                            return edits_of(src.LineEditor.for_node(file, loop.iter).replace(
                                loop.iter, f"enumerate({', '.join(kept)})")), None
                        sized = _config_sized_per_part(tree, file, f, loop.iter.args[0] if loop.iter.args else None) \
                            if uses else None
                        if sized:  # a model built here from a config: one segment per part, as numbered
                            f.values.update(seg_target=", ".join(names), counter=idx.id, numbering_line=node.lineno,
                                            numbering_fn=src.scope_name(file, node.lineno) or "<module>",
                                            wrapped=f"{idx.id} % {n}" if isinstance(n, int) else f"{idx.id} % 2")
                            return sized, None
                        sized = _config_sized_per_field(tree, file, f, loop) if uses else None
                        if sized:  # the parts are fields of every record (`rec[field]`): one segment each
                            f.values.update(seg_target=", ".join(names), counter=idx.id, numbering_line=node.lineno,
                                            numbering_fn=src.scope_name(file, node.lineno) or "<module>",
                                            wrapped=f"{idx.id} % {n}" if isinstance(n, int) else f"{idx.id} % 2")
                            return sized, None
                        if uses and isinstance(n, int):
                            e = src.LineEditor.for_node(file, node)
                            for u in uses:
                                e.replace(u, f"{idx.id} % {n}")
                            f.facts.add("edit-wrap-segments")
                            f.values["wrapped"] = f"{idx.id} % {n}"
                            return edits_of(e), None
        for call in sorted(src.calls(tree), key=lambda c: src.keyword(c, "type_vocab_size") is None):
            if not (src.is_config_call(call) and isinstance(needed, int)) or _own_class_without(tree, call):
                continue  # (the config call that sets type_vocab_size first)
            kw = src.keyword(call, "type_vocab_size")
            e = src.LineEditor.for_node(file, call)
            f.facts.add("edit-size-segments")
            f.confidence = "medium"  # more segments is a guess at what the ids were meant to be
            if kw is not None and sum(src.keyword(c, "type_vocab_size") is not None and src.is_config_call(c)
                                      for c in src.calls(tree)) == 1:  # the one place the size is given
                f.facts.add(SEGMENTS_SET_AT)
                f.values.update(seg_was=src.segment(file, kw.value), seg_site_line=kw.value.lineno)
            mapped = _segment_map(tree, file, call.lineno, needed) or _segment_enum(tree, needed)
            parts = _segment_arange(ctx, f, tree, file, call.lineno, needed) if mapped is None else None
            if mapped is not None:  # segment ids written from `ROLE_IDS[role]`: one row per entry of the map
                f.values["size_expr"] = mapped
                f.facts.add(SEGMENTS_MAPPED)
                needed = mapped
            elif parts is not None:  # `torch.arange(n_parts)` of `n_parts = len(BODY_PARTS)`: one row per part
                f.values["size_expr"] = parts
                f.facts.add(SEGMENTS_PER_PART)
                needed = parts
            if kw is None:
                return edits_of(e.add_keywords(call, f"type_vocab_size={needed}")), None
            written = written_at(tree, kw.value)
            if written is not kw.value:  # `type_vocab_size=kw.get("segments", 2)`: where the caller sets it
                return set_edits(file, tree, written, str(needed)), None
            default = _class_default(tree, kw.value)
            if default is not None:  # `type_vocab_size=cfg.type_vocab_size` of a settings class left at its default
                default, f.values["seg_class"] = default
                stmt = src.statement_at(tree, default.lineno)
                f.facts.add("segments-class-default")
                f.values.update(seg_read=src.segment(file, kw.value), seg_default_line=default.lineno,
                                seg_default=" ".join(src.segment(file, stmt).split()) if stmt is not None else "")
                return edits_of(src.LineEditor.for_node(file, stmt).replace(default, str(needed))), None
            return edits_of(e.replace(kw.value, str(needed))), None
    grown = _grow_table(ctx, f)
    if grown[0]:
        f.facts.add("edit-size-segments")
    return grown


def _stale_copy(ctx: Context, f: Finding, needed: object) -> list[Edit]:
    """`type_vocab_size=TYPE_VOCAB` where `TYPE_VOCAB = N_SEGMENTS` was copied before the script set
    `N_SEGMENTS = 3` (a notebook's later cell): the model is built from the copied name itself, which holds the
    segments the ids use now."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            kw = src.keyword(call, "type_vocab_size")
            if kw is None or not isinstance(kw.value, ast.Name):
                continue
            found = src.set_again(tree, kw.value.id, call.lineno)
            if found is None or not isinstance(found[0].value, ast.Name) or \
                    found[1].targets[0].id != found[0].value.id:  # type: ignore[attr-defined]
                continue
            held = {fr.scalars.get(found[0].value.id) for fr in ctx.user_frames() if fr.file == file} - {None}
            if len(held) != 1 or not isinstance(needed, int) or not isinstance(next(iter(held)), int) or \
                    next(iter(held)) < needed:
                continue
            f.facts.add("edit-stale-copy")
            f.values.update(copy_name=kw.value.id, copied_name=found[0].value.id, copy_line=found[0].lineno,
                            copied_again_line=found[1].lineno)
            return edits_of(src.LineEditor.for_node(file, call).replace(kw.value, found[0].value.id))
    return []


def _segment_map(tree: ast.Module, file: str, line: int, needed: int) -> str | None:
    """`len(ROLE_IDS)` when the segment ids are written from a module-level map of numbers 0..k-1
    (`seg += [ROLE_IDS[role]] * n`) with at least `needed` entries: the segments the data can hold, not only
    those of this batch.  The count itself when the map is not bound at `line`."""
    from ..analyzers.classes import module_defs
    from .checks import bound_names
    defs = module_defs(tree)
    found = set()
    for node, names, value in _writes(tree):
        if not any(re.search(r"seg|type", x, re.I) for x in names):
            continue
        for sub in (n for n in ast.walk(value) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)):
            table = defs.get(sub.value.id)
            if table is not None and isinstance(table.value, ast.Dict):
                values = [v.value for v in table.value.values if isinstance(v, ast.Constant)]
                if len(values) == len(table.value.values) and sorted(values) == list(range(len(values))):
                    found.add(sub.value.id)
    if len(found) != 1:
        return None
    name = found.pop()
    size = len(defs[name].value.values)  # type: ignore[union-attr]
    if size < needed:
        return None
    return f"len({name})" if name in (bound_names(file, line) or set()) else str(size)


def _segment_arange(ctx: Context, f: Finding, tree: ast.Module, file: str, line: int, needed: int) -> str | None:
    """`len(BODY_PARTS)` when the batch's segment ids are numbered by `torch.arange(n_parts)` (repeated over the
    steps) where `n_parts = len(BODY_PARTS)`, a module-level collection of `needed` items or more bound at
    `line`: one segment per part, as many as the collection has."""
    from ..analyzers.classes import module_defs, static_len
    from ..analyzers.key_makers import key_values
    from ..analyzers.reordered import entry_key
    from .checks import bound_names
    from ..analyzers.idsource import _traced_statements
    key = entry_key(str(f.values.get("ids") or "")) or "token_type_ids"
    defs = module_defs(tree)
    user = f.hints.get("user_ids")
    made = [(k, st) for k, st, _ in key_values(ctx, key, deep=True)] + list(
        _traced_statements(ctx, [user] if user is not None else []))
    for kfile, stmt in made:
        if kfile != file:
            continue
        for call in (c for c in src.calls(stmt) if src.call_name(c).rpartition(".")[2] == "arange" and len(c.args) == 1):
            counted = call.args[0]
            if isinstance(counted, ast.Name):  # `n_parts` of `n_parts = len(BODY_PARTS)` in the same function
                made = src.assignments(tree, counted.id, src.enclosing_scope(tree, stmt.lineno), before=stmt.lineno)
                counted = made[-1].value if made else counted
            if isinstance(counted, ast.Call) and src.call_name(counted) == "len" and len(counted.args) == 1 \
                    and isinstance(counted.args[0], ast.Name) and counted.args[0].id in defs:
                name = counted.args[0].id
                size = static_len(defs[name].value, defs)[0]
                if isinstance(size, int) and size >= needed and name in (bound_names(file, line) or set()):
                    return f"len({name})"
    return None


def _segment_enum(tree: ast.Module, needed: int) -> str | None:
    """`len(Segment)` for the one Enum class of the module that numbers its members 0..k-1 (k >= `needed`) and
    whose members the code writes as segment ids (`(Segment.SENSOR, text)`, `int(Segment.TICKET)`)."""
    found = []
    for cls in src.nodes(tree, ast.ClassDef):
        if not any("Enum" in ast.unparse(b) for b in cls.bases) or tree.body.count(cls) == 0:
            continue
        values = [n.value.value for n in cls.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
                  and type(n.value.value) is int]
        if not values or sorted(values) != list(range(len(values))) or len(values) < needed:
            continue
        if re.search(r"seg|type|part|field|role", cls.name, re.I):
            found.append(cls.name)
    return f"len({found[0]})" if len(found) == 1 else None


def _class_default(tree: ast.Module, node: ast.AST) -> tuple[ast.expr, str] | None:
    """(the default, the class) a settings class writes for `holder.field` (`type_vocab_size: int = 2` of a NamedTuple or a
    dataclass), when `holder` is the one instance the file makes of it without that field (`cfg =
    EncoderSettings()`, passed to the function that reads it)."""
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
        return None
    made = src.name_source(tree, node.value)
    if not (isinstance(made, ast.Call) and isinstance(made.func, ast.Name)) or src.keyword(made, node.attr) is not None \
            or made.args or any(k.arg is None for k in made.keywords):
        return None
    cls = next((c for c in src.nodes(tree, ast.ClassDef) if c.name == made.func.id), None)
    value = src.class_field(cls, node.attr) if cls is not None else None
    return (value, made.func.id) if isinstance(value, ast.Constant) and type(value.value) is int else None


def _writes(tree: ast.Module):
    """(statement, the names it writes, the value written) for each assignment of the file and each
    `name.append(v)` / `name.extend(v)` (`segments.extend([seg] * len(piece))` writes `segments`, and
    `ex.segment_ids.extend(...)` writes `ex.segment_ids`)."""
    for node in src.nodes(tree, ast.Assign, ast.AugAssign, ast.Expr):
        if isinstance(node, ast.Expr):
            call = node.value
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.args
                    and call.func.attr in ("append", "extend") and isinstance(call.func.value, (ast.Name, ast.Attribute))):
                yield node, [ast.unparse(call.func.value)], call.args[0]  # `segs`, `ex.segment_ids`
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        yield node, [x for t in targets for x in src.names_in(t)], node.value


def _pairs_encoded(file: str, call: ast.Call) -> bool:
    """The tokenizer call encodes sentence pairs, or is a `functools.partial` of one whose name is called with
    pairs (`tok = partial(tokenizer, padding=True)` and later `tok(firsts, seconds)`)."""
    if _pair_call(call):
        return True
    tree = src.tree_of(file)
    if tree is None or src.call_name(call).rpartition(".")[2] != "partial":
        return False
    owner = src.statement_at(tree, call.lineno)
    if not (isinstance(owner, ast.Assign) and len(owner.targets) == 1 and isinstance(owner.targets[0], ast.Name)):
        return False
    name = owner.targets[0].id
    return any(isinstance(c.func, ast.Name) and c.func.id == name and _pair_call(c) for c in src.calls(tree))


def _segments_read(ctx: Context) -> bool:
    """The user's code reads the batch's `token_type_ids` itself (`batch["token_type_ids"]`): a tokenizer that
    stops returning them would break that line."""
    from ..analyzers.classes import user_files
    return any(isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant) and n.slice.value == "token_type_ids"
               and isinstance(n.ctx, ast.Load) for file in user_files(ctx) for tree in [src.tree_of(file)]
               if tree is not None for n in src.nodes(tree, ast.Subscript))


def _pair_call_beside(hit: tuple[str, ast.Call]) -> tuple[str, ast.Call] | None:
    """The one call of the same tokenizer, in the same function as the single-text call `hit`, that encodes
    sentence pairs (the other branch of `if use_pairs: ... else: ...`)."""
    file, call = hit
    tree = src.tree_of(file)
    scope = src.enclosing_scope(tree, call.lineno) if tree is not None else None
    if scope is None:
        return None
    found = [c for c in src.nodes(scope, ast.Call) if c is not call and src.call_name(c) == src.call_name(call)
             and _pair_call(c)]
    return (file, found[0]) if len(found) == 1 else None


def _pair_call(call: ast.Call) -> bool:
    """A tokenizer call given sentence pairs: two texts by position, or `text_pair=`."""
    return len(call.args) >= 2 or src.keyword(call, "text_pair") is not None


def _segments_written(ctx: Context) -> tuple[str, ast.expr] | None:
    """(file, value) of the one `type_vocab_size=<literal>` the user's files write (a `*Config(...)` keyword, a
    `dict(...)` keyword or a dict display's item), when no model is loaded there with `from_pretrained` (a
    pretrained table cannot grow): a model built from the user's own config, sized where it is written."""
    from ..analyzers.classes import user_files
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        if any(src.call_name(c).endswith("from_pretrained") and "Tokenizer" not in src.call_name(c)
               for c in src.calls(tree)):
            return None
        if any(re.search(r"Roberta|XLMR|Camembert|Longformer", src.call_name(c)) for c in src.calls(tree)):
            return None  # a RoBERTa-style model has one segment by design: it is not given segment ids
        for c in src.calls(tree):
            kw = src.keyword(c, "type_vocab_size")
            if kw is not None and (src.is_config_call(c) or src.call_name(c) == "dict"):
                found.append((file, kw.value))
                keyed = _keyed_literal(tree, kw.value) if src.is_config_call(c) else None
                if keyed is not None:  # `type_vocab_size=arch["type_vocab"]`: the one dict that writes that key
                    found.append((file, keyed))
        found += [(file, v) for v in src.keyed_values(tree, "type_vocab_size")]
    found = [(file, v) for file, v in found if isinstance(v, ast.Constant) and type(v.value) is int]
    return found[0] if len(found) == 1 else None


def _keyed_literal(tree: ast.Module, read: ast.AST) -> ast.expr | None:
    """For a setting read as `<anything>["key"]`, the int literal the file's one dict display with that key
    gives it (`ARCH = {..., "type_vocab": 1}`)."""
    if not (isinstance(read, ast.Subscript) and isinstance(read.slice, ast.Constant) and isinstance(read.slice.value, str)):
        return None
    items = src.keyed_values(tree, read.slice.value)
    return items[0] if len(items) == 1 and isinstance(items[0], ast.Constant) and type(items[0].value) is int else None


def _segments_in_settings_text(ctx: Context, n: int, needed: object) -> tuple[Edit, str] | None:
    """(the edit, the settings text's name) for a `type_vocab_size=<settings>["key"]` keyword whose key is set to
    `n` on one line of a settings text the script parses (`yaml.safe_load(SETTINGS)`), or for a config built from a
    splat of those settings (`BertConfig(**vars(cfg.model))`, the text's own `type_vocab_size` key), for a model
    built from the user's own config (no model `from_pretrained`)."""
    from ..analyzers.classes import user_files
    from ..settings_text import setting_edit
    if not isinstance(needed, int):
        return None
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None or any(src.call_name(c).endswith("from_pretrained") and "Tokenizer" not in src.call_name(c)
                               for c in src.calls(tree)):
            continue
        for c in src.calls(tree):
            kw = src.keyword(c, "type_vocab_size")
            v = kw.value if kw is not None else None
            key = v.slice.value if isinstance(v, ast.Subscript) and isinstance(v.slice, ast.Constant) and \
                isinstance(v.slice.value, str) else "type_vocab_size" if kw is None and src.is_config_call(c) and any(
                    k.arg is None for k in c.keywords) else None  # `BertConfig(**vars(cfg.model))`: the text's own key
            if key is not None:
                edit = setting_edit(file, key, n, needed)
                if edit is not None:
                    owner = next((a for a in src.nodes(tree, ast.Assign)
                                  if a.lineno <= edit.start_line <= (a.end_lineno or a.lineno)), None)
                    name = ast.unparse(owner.targets[0]) if isinstance(owner, ast.Assign) else "the settings"
                    return edit, name
    return None


def _config_sized_per_part(tree: ast.Module, file: str, f: Finding, parts: ast.AST | None) -> list[Edit]:
    """Segment ids numbered per part (`enumerate(FIELDS)`) for a model this file builds from a `*Config(...)`
    call and loads no weights for (no model `from_pretrained`): the table is sized for the parts there,
    `type_vocab_size=len(FIELDS)`, when the parts are a collection of the module (a fixed number of them)."""
    needed = f.values.get("needed")
    if not isinstance(needed, int):
        return []
    configs = [c for c in src.calls(tree) if src.is_config_call(c) and not _own_class_without(tree, c)]
    if len(configs) != 1 or any(src.call_name(c).endswith("from_pretrained") and "Tokenizer" not in src.call_name(c)
                                for c in src.calls(tree)):
        return []
    from ..analyzers.classes import module_defs
    from ..analyzers.layer_parts import readable_at
    from ..analyzers.classes import config_dict
    call = configs[0]
    value = None
    for part in (parts.args if isinstance(parts, ast.Call) and src.call_name(parts) == "zip" else [parts]):
        name = src.segment(file, part) if isinstance(part, ast.Name) else None
        if name and readable_at(file, call.lineno, name) and name in module_defs(tree):
            value = f"len({name})"
        elif isinstance(part, (ast.Tuple, ast.List)) and len(part.elts) == needed and \
                not any(isinstance(x, ast.Starred) for x in part.elts):
            value = str(needed)  # the parts written out: a fixed number of them
        if value:
            break
    kw = src.keyword(call, "type_vocab_size")
    if value is None and kw is not None:
        return _class_sized_per_part(tree, file, f, parts, kw.value, needed)
    if value is None:
        return []  # the parts are each example's own (turns, sentences): how many is not fixed
    f.facts |= {"edit-size-segments", "edit-size-per-part"}
    f.values.update(size_expr=value, parts=f"`{src.segment(file, parts)}`")
    table = config_dict(tree, kw.value.value) if kw is not None and isinstance(kw.value, ast.Subscript) \
        and isinstance(kw.value.slice, ast.Constant) else None
    item = src.dict_item(table, kw.value.slice.value) if table is not None else None
    if item is not None and value.isdigit():  # `type_vocab_size=CFG["n_segments"]`: the setting itself
        f.values["size_expr"] = src.segment(file, kw.value)  # set to the count where it is defined
        return edits_of(src.LineEditor.for_node(file, src.statement_at(tree, item.lineno)).replace(item, value))
    items = src.keyed_values(tree, "type_vocab_size")
    if kw is None and any(k.arg is None for k in call.keywords) and len(items) == 1 and (
            value.isdigit() or readable_at(file, items[0].lineno, value[4:-1])):
        # `BertConfig(**{k: hp[k] ...})` of settings that write `"type_vocab_size": 2`: set where it is written
        return edits_of(src.LineEditor.for_node(file, src.statement_at(tree, items[0].lineno) or items[0])
                        .replace(items[0], value))
    e = src.LineEditor.for_node(file, call)
    return edits_of(e.add_keywords(call, f"type_vocab_size={value}") if kw is None else e.replace(kw.value, value))


def _per_field(loop: ast.For) -> bool:
    """Whether a segment loop numbers fields that every record has: its element is a key of another
    collection (`rec[field]`, `getattr(rec, field)`) or the parts are a slice of fixed length (`row[:3]`), not
    each example's own parts (turns, sentences), whose count differs from one example to the next."""
    it = loop.iter.args[0] if isinstance(loop.iter, ast.Call) and loop.iter.args else None
    if isinstance(it, ast.Subscript) and isinstance(it.slice, ast.Slice) and it.slice.lower is None \
            and isinstance(it.slice.upper, ast.Constant) and isinstance(it.slice.upper.value, int):
        return True
    elt = loop.target.elts[1] if isinstance(loop.target, ast.Tuple) and len(loop.target.elts) == 2 else None
    if not isinstance(elt, ast.Name):
        return False
    keyed = [n for s in loop.body for n in ast.walk(s)
             if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Name) and n.slice.id == elt.id
             or isinstance(n, ast.Call) and src.call_name(n) == "getattr" and len(n.args) >= 2
             and isinstance(n.args[1], ast.Name) and n.args[1].id == elt.id]
    return bool(keyed)


def _handed_collection(tree: ast.Module, node: ast.AST) -> ast.expr | None:
    """What a parameter or a field of `self` holds, one step back: `fields` → the one call's argument for it (or
    the parameter's default when that call leaves it out); `self.fields` → what `__init__` stores there, when
    that is its own parameter, the one construction's argument."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        cls = src.enclosing_class(tree, node.lineno)
        init = next((b for b in (cls.body if cls else []) if isinstance(b, ast.FunctionDef) and b.name == "__init__"),
                    None)
        stored = src.self_assignments(cls, node.attr) if cls is not None and init is not None else []
        if len(stored) != 1 or not isinstance(stored[0].value, ast.Name):
            return None
        node = stored[0].value
    if not isinstance(node, ast.Name):
        return None
    fn = src.binding_scope(tree, node)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    handed = src.sole_argument(tree, fn, node.id)
    if handed is None and len(src.callers_of(tree, fn)) == 1:
        handed = src.param_defaults(fn).get(node.id)
    return handed


def _config_sized_per_field(tree: ast.Module, file: str, f: Finding, loop: ast.For) -> list[Edit]:
    """Segment ids numbered per field of each record (`for seg, field in enumerate(cfg.fields)`, then
    `rec[field]`) for a model this file builds from its one `*Config(...)` call without loading weights: the
    table is sized for the fields where the config is built, `type_vocab_size=len(FIELDS)` when the module's
    collection is readable there, else the number of segments the ids use."""
    needed = f.values.get("needed")
    if not isinstance(needed, int) or not _per_field(loop):
        return []
    configs = [c for c in src.calls(tree) if src.is_config_call(c) and not _own_class_without(tree, c)]
    if len(configs) != 1 or any(src.call_name(c).endswith("from_pretrained") and "Tokenizer" not in src.call_name(c)
                                for c in src.calls(tree)):
        return []
    from ..analyzers.classes import module_defs
    from ..analyzers.layer_parts import readable_at
    call, parts = configs[0], loop.iter.args[0]
    f.values["parts"] = f"`{src.segment(file, parts)}`"
    for _ in range(3):  # `enumerate(fields)` of `encode(rec, fields)`, given `encode(r, SEGMENT_FIELDS)`
        if isinstance(parts, ast.Name) and parts.id in module_defs(tree):
            break
        handed = _handed_collection(tree, parts)
        if handed is None:
            break
        parts = handed
    given = src.segment(file, parts)
    if f"`{given}`" != f.values["parts"] and len(given) <= 40:  # and what it holds: `fields` (`SEGMENT_FIELDS`)
        f.values["parts"] += f" (`{given}`)"
    value = str(needed)
    if isinstance(parts, ast.Name) and readable_at(file, call.lineno, parts.id):
        value = f"len({parts.id})"  # the fields' collection is in reach where the model is built
    from ..analyzers.env_setting import env_setting, env_values
    env = env_setting(tree, file, parts)
    if env is not None:  # `field_order = env_list("DECL_FIELDS")`
        f.values["parts"] += f" (the environment variable `{env.var}`)"
    f.facts |= {"edit-size-segments", "edit-size-per-part"}
    f.values["size_expr"] = value
    kw = src.keyword(call, "type_vocab_size")
    env = env_setting(tree, file, kw.value) if kw is not None else None
    if env is not None and env.line:  # `type_vocab_size=env_int("TYPE_VOCAB_SIZE", 2)`
        f.facts.add("env-setting")
        f.values.update(env_values(env))
    if kw is None:
        return edits_of(src.LineEditor.for_node(file, call).add_keywords(call, f"type_vocab_size={value}"))
    written = written_at(tree, kw.value)
    if written is not kw.value:  # `type_vocab_size=spec.get("segments", 2)`: where the caller sets it
        return set_edits(file, tree, written, value if value.isdigit() else str(needed))
    return edits_of(src.LineEditor.for_node(file, call).replace(kw.value, value))


def _class_sized_per_part(tree: ast.Module, file: str, f: Finding, parts: ast.AST | None, size: ast.expr,
                          needed: int) -> list[Edit]:
    """Segment ids numbered per part of a class attribute (`enumerate(zip(self.SEGMENTS, ...))`) for a config
    sized by another (`type_vocab_size=self.TYPE_VOCAB`): the class that writes the parts out sets the size
    beside them, `TYPE_VOCAB = len(SEGMENTS)`, so it holds for the classes that use those parts."""
    held = [p for p in (parts.args if isinstance(parts, ast.Call) and src.call_name(parts) == "zip" else [parts])
            if isinstance(p, ast.Attribute) and isinstance(p.value, ast.Name) and p.value.id == "self"]
    if len(held) != 1 or not (isinstance(size, ast.Attribute) and isinstance(size.value, ast.Name)
                              and size.value.id == "self"):
        return []
    attr, field = held[0].attr, size.attr
    owners = [c for c in src.nodes(tree, ast.ClassDef) for v in [src.class_field(c, attr)]
              if isinstance(v, (ast.Tuple, ast.List)) and len(v.elts) >= needed]
    if len(owners) != 1 or src.class_field(owners[0], field) is not None:
        return []
    stmt = next(n for n in owners[0].body if isinstance(n, (ast.Assign, ast.AnnAssign)) and attr in src.names_in(
        n.target if isinstance(n, ast.AnnAssign) else n.targets[0]))
    edit = src.insert_after(file, stmt, f"{field} = len({attr})")
    if edit is None:
        return []
    f.facts |= {"edit-size-segments", "edit-size-per-part"}
    f.values.update(size_expr=f"len(self.{attr})", parts=f"`{src.segment(file, parts)}`")
    return [edit]


def _pad_segments_with_zero(site) -> list[Edit]:
    """Only the token ids are padded with the pad id: in a call made per key of the batch, the padding value
    becomes `pad if key == "input_ids" else 0` (the mask and the segment ids pad with 0); a call for the segment
    ids alone pads with 0."""
    value = src.segment(site.file, site.value)
    per_key = f'{value} if {site.key} == "input_ids" else 0' if site.key else "0"
    e = src.LineEditor.for_node(site.file, site.stmt)
    if site.own:
        e.replace(site.value, per_key)
    else:
        e.add_keywords(site.call, f"padding_value={per_key}")
    return edits_of(e)


def _counted_segments(ctx: Context, f: Finding, n: object) -> list[Edit]:
    """Segment ids made as a running count of separators (`(ids == sep_id).cumsum(1)`): every separator starts
    a new segment, so a closing separator (and the padding after it) counts one past the model's segments.
    The count is capped at the model's last segment where it is made."""
    from ..provenance import trace
    user = f.hints.get("user_ids")
    if user is None or not isinstance(n, int) or n < 2 or ctx.frames[user.frame].library:
        return []
    for o in trace(ctx, user)[:4]:
        tree = src.tree_of(o.file)
        stmt = src.statement_at(tree, o.line) if tree is not None else None
        counts = [c for c in src.calls(stmt) if isinstance(c.func, ast.Attribute) and c.func.attr == "cumsum"] \
            if stmt is not None else []
        if len(counts) == 1:
            f.facts.add("edit-cap-segments")
            f.values["capped"] = f".clamp(max={n - 1})"
            e = src.LineEditor.for_node(o.file, stmt)
            return edits_of(e.replace(counts[0], f"{src.segment(o.file, counts[0])}.clamp(max={n - 1})"))
    return []


def _tokenizer_call_made(ctx: Context, f: Finding) -> tuple[str, ast.Call] | None:
    """The tokenizer call along the provenance of the segment ids (`features = tok(q, p, ...)` behind
    `**features`), the nearest one first."""
    from ..analyzers.idsource import _traced_statements
    from . import is_tokenizer_call
    user = f.hints.get("user_ids")
    for file, stmt in _traced_statements(ctx, [user] if user is not None else []):
        for call in src.calls(stmt):
            if is_tokenizer_call(call, ctx) and not src.call_name(call).rpartition(".")[2][:1].isupper():
                return file, call
    return None


def _keyword_for_slot(ctx: Context, f: Finding) -> list[Edit]:
    """`model(ids, mask, labels)` → `model(ids, mask, labels=labels)`: the argument that filled
    token_type_ids by position is passed by the keyword its name says."""
    frame = frame_at(ctx, f.hints.get("passed_frame"))
    intended, text, position = f.values.get("intended"), f.hints.get("passed_text"), f.hints.get("passed_position")
    tree = src.tree_of(frame.file) if frame is not None else None
    stmt = src.statement_at(tree, frame.line) if tree is not None and frame is not None else None
    if not intended or stmt is None or frame is None or not isinstance(position, int):
        return []
    for call in src.calls(stmt):
        if len(call.args) > position and src.segment(frame.file, call.args[position]) == text \
                and not any(isinstance(a, ast.Starred) for a in call.args):
            e = src.LineEditor.for_node(frame.file, stmt)
            if position == len(call.args) - 1:
                e.replace(call.args[position], f"{intended}={text}")
                return edits_of(e)
    return []


def _own_class_without(tree: ast.Module, call: ast.Call, field: str = "type_vocab_size") -> bool:
    """`SceneEncoderConfig()` of a class the file defines (a dataclass of the user's settings) that has no
    `field`: not the transformers config, and the keyword would not be accepted."""
    name = src.call_name(call).split(".")[-1]
    cls = next((n for n in src.nodes(tree, ast.ClassDef) if n.name == name), None)
    if cls is None:
        tuple_fields = _namedtuple_fields(tree, name)
        return tuple_fields is not None and field not in tuple_fields
    fields = {t.target.id for t in cls.body if isinstance(t, ast.AnnAssign) and isinstance(t.target, ast.Name)}
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    params = {a.arg for a in init.args.args + init.args.kwonlyargs} if init is not None else set()
    takes_any = init is not None and init.args.kwarg is not None
    return field not in fields | params and not takes_any and not any(
        "PretrainedConfig" in ast.unparse(b) or "PreTrainedConfig" in ast.unparse(b) for b in cls.bases)


def _namedtuple_fields(tree: ast.Module, name: str) -> set[str] | None:
    """The fields of `name = namedtuple("Name", [...])` (or a "a b c" string) written in the file; None when the
    file makes `name` no such way."""
    for st in tree.body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                and st.targets[0].id == name and isinstance(st.value, ast.Call) \
                and src.call_name(st.value).rpartition(".")[2] == "namedtuple" and len(st.value.args) >= 2:
            try:
                listed = ast.literal_eval(st.value.args[1])
            except ValueError:
                return None
            return set(listed.replace(",", " ").split()) if isinstance(listed, str) else set(map(str, listed))
    return None
