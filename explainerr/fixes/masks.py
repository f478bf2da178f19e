"""Fixes for masks: a mask built for another length than the inputs, a mask of the wrong dtype."""
from __future__ import annotations

import ast
import re
from types import SimpleNamespace
from typing import Any

from .. import provenance
from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit, FrameFacts
from .checks import bound_names
from .frozen_default import frozen_default
from .mask_padding import helper_width_unlike_ids, mask_padded_apart
from .mask_specials import mask_without_specials
from .ones_counted_apart import ones_counted_apart
from . import (
    Located,
    edits_of,
    failing_statement,
    find_expr,
    locator,
    statement_of,
)
from .mask_prefix import helper_width_beside

MASK_WIDTH_OF_IDS = fact("mask-width-of-ids", "the fix makes the mask's positions `arange(mask_width_new)`, the width "
                                              "the ids of the same batch have, instead of `mask_width_old`")


MASK_HELPER_LONGEST = fact("mask-helper-longest", "the fix gives the mask helper `mask_helper` the width "
                                                  "`mask_width_new` the inputs were padded to, instead of `longest`")
MASK_FROM_PADDED_IDS = fact("mask-from-padded-ids", "the fix makes the mask from the padded ids, `mask_from_ids`, "
                                                    "instead of `mask_helper`(`mask_given`), which measures the items "
                                                    "otherwise than `ids_helper` pads them")
MASK_OF_IDS_HERE = fact("mask-of-ids-here", "the fix makes the mask from the padded ids `ids_name` where "
                                            "`mask_helper`(`mask_given`) was called: `mask_from_ids`")
MASK_HELPER_WIDTH = fact("mask-helper-width", "the fix passes the ids' width `mask_width_new` to the mask helper "
                                              "`mask_helper` as `width_param`, which it leaves out")


@locator("mask-length")
def mask_length(ctx: Context, f: Finding) -> Located:
    """When the mask fits its batch and the other tensor does not: the other tensor without the positions a
    module added.  Else the batch's own mask in the call, else the constant that sized the mask, else a slice
    of the (longer) mask to the inputs' length where it is used."""
    if "counts-words" in f.facts:  # `n = len(PROMPT.split())` where the prompt is the text's pieces
        count = f.hints["counts_words"]
        return edits_of(src.LineEditor.for_node(count.file, count.stmt).replace(
            count.stmt.value, f"len({count.pieces})")), None
    if "conv-frames" in f.facts:  # the frames counted as the convolution makes them, everywhere
        file, changes = f.hints["conv_frames"]
        out = []
        for stmt, node, text in changes:
            out += edits_of(src.LineEditor.for_node(file, stmt).replace(node, text))
        return (out if len(out) == len(changes) else []), None
    if "padded-to-max" in f.facts:  # the ids padded to the maximum the mask is padded to
        file, padding = f.hints["padded_to_max"]
        stmt = src.statement_at(src.tree_of(file), padding.lineno)
        return edits_of(src.LineEditor.for_node(file, stmt).replace(padding, f.values.get("padding_to",
                                                                                         '"max_length"'))), None
    if "mask-not-shifted" in f.facts:
        file, node, text = f.hints["mask_not_shifted"]
        stmt = src.statement_at(src.tree_of(file), node.lineno)
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    if {"mask-cut-apart", "mask-left-uncut"} & f.facts:
        file, stmt, node, text = f.hints["mask_cut_apart"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    if "mask-follows" in f.facts and f.hints.get("mapping_cut"):
        file, stmt, node, new = f.hints["mapping_cut"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, new)), None
    if "mask-follows" in f.facts:
        return _mask_changed_with_other(ctx, f), None
    if "stale-encoding" in f.facts:
        return _keep_whole_encoding(f), None
    if "mask-of-other-encoding" in f.facts:
        return _own_mask(ctx, f), None
    if "mask-captured" in f.facts:
        return _pass_mask_along(f), None
    if "reordered-apart" in f.facts:
        return _reorder_mask_too(f), None
    if "mask-rows-unframed" in f.facts:  # the mask row framed by ones like the ids by their special tokens
        file, stmt, node, text = f.hints["mask_rows_unframed"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, text)), None
    if "mask-before-specials" in f.facts:
        sized = f.hints["mask_before_specials"]
        ids_made = f.hints.get("mask_before_specials_ids")
        if "mask-made-first" in f.facts and ids_made is not None:  # ids framed under a condition: mask after it
            moved = _mask_after_ids(f, sized, ids_made)
            if moved:
                return moved, None
        if "mask-made-first" in f.facts:  # `len(ids)` is not bound yet where the mask is made
            call = next(n for n in ast.walk(sized.stmt) if isinstance(n, ast.Call) and sized.len_arg in n.args)
            return edits_of(src.LineEditor.for_node(sized.file, sized.stmt).replace(
                call, f"({f.values['mask_counted']})")), None
        return edits_of(src.LineEditor.for_node(sized.file, sized.stmt).replace(sized.len_arg, sized.ids)), None
    if "ids-framed-alone" in f.facts:  # the record's mask framed like its ids, in the same update
        file, stmt, call, text = f.hints["ids_framed_alone"]
        if call is not None:
            return edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, text)), None
        e = src.insert_after(file, stmt, text)
        return ([e] if e else []), None
    if "padded-widths" in f.facts:
        return _pad_mask_to_batch(f), None
    if "entry-unpadded" in f.facts:  # the collate's other entries are padded row by row, the mask's not
        file, stmt, row, new = f.hints["entry_unpadded"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(row, new)), None
    if "stacked-beside-padded" in f.facts:  # fixed-width masks stacked beside items padded to the longest
        file, stmt, stacked, cut = f.hints["stacked_beside_padded"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(stacked, cut)), None
    if "mask-counts-words" in f.facts:
        return _mask_from_encoding(ctx, f), None
    if "record-length" in f.facts:
        file, stmt, node, new = f.hints["record_length"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(node, new)), None
    if "pad-targets" in f.facts:
        file, stmt, count, new = f.hints["pad_targets"]
        return edits_of(src.LineEditor.for_node(file, stmt).replace(count, new)), None
    if "sequence-first" in f.facts:
        pad = f.hints["sequence_first"]
        editor = src.LineEditor.for_node(pad.file, pad.stmt)
        editor = editor.replace(pad.written.value, "True") if pad.written is not None else (
            editor.add_keywords(pad.call, "batch_first=True"))
        return edits_of(editor), None
    if "collator-width" in f.facts:
        entry, width, new = f.hints["collator_width"]
        return edits_of(src.LineEditor.for_node(entry.file, entry.stmt).replace(width, new)), None
    if "other-is-odd" in f.facts:
        return (_drop_added_positions(ctx, f) or _downsampled_mask(ctx, f) or _mask_for_prepended(ctx, f)
                or _prepended_by_caller(ctx, f) or _mask_per_token(ctx, f)), None
    if f.hints.get("other_changed"):  # the tensor the mask meets went through a strided layer, the mask did not
        found = _downsampled_mask(ctx, f)
        if found:
            return found, None
    prepended = _mask_for_prepended(ctx, f) or _prepended_by_caller(ctx, f) or _mask_per_token(ctx, f) \
        or _mask_joined_like_ids(ctx, f)
    if prepended:
        return prepended, None
    if f.hints.get("mask_arg") is not None:
        found = _same_batch_mask(ctx, f)
        if found:
            return found, None
    found = _mask_key_left_out(ctx, f) or _windowed_like_ids(ctx, f) or _mask_rows_like_ids(ctx) or \
        _mask_from_padded_ids(ctx, f) or ones_counted_apart(ctx, f) \
        or _mask_construction(ctx, f) \
        or _width_constant_swapped(ctx, f) or _mask_like_allocated_ids(ctx, f) or _frozen_width(ctx, f) \
        or mask_padded_apart(ctx, f) or helper_width_unlike_ids(ctx, f) or mask_without_specials(ctx, f)
    return (found, None) if found else (_mask_slice(ctx, f), None)


MASK_AFTER_IDS = fact("mask-after-ids", "the fix makes the mask after the block that frames the ids (line "
                                        "`ids_block_line`), from the ids themselves: `mask_after`")


MASK_KEY_LEFT_OUT = fact("mask-key-left-out", "`key_loop` (line `key_loop_line`) cuts each of the keys it lists "
                                              "alike, and `mask_key` is not among them")


def _mask_key_left_out(ctx: Context, f: Finding) -> list[Edit]:
    """`for key in ("input_ids", "token_type_ids", "labels"): features[key] = features[key][:, :max_len]`: the one
    loop of the user's files over a tuple of keys that cuts every listed entry alike, listing the ids' key but not
    the mask's (`attention_mask`, which the file names too): the mask's key is added to the tuple."""
    mask = f.hints.get("mask")
    key = re.fullmatch(r"\w+\[[\"'](\w+)[\"']\]", mask.expr) if mask is not None else None
    mask_key = key.group(1) if key else (mask.expr if mask is not None and mask.expr.isidentifier() else None)
    if mask_key is None:
        return []
    from ..analyzers.classes import user_files
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for loop in src.nodes(tree, ast.For) if tree is not None else ():
            listed = _listed_keys(tree, loop.iter)
            keys = listed.elts if listed is not None else []
            if not keys or not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keys) or \
                    not isinstance(loop.target, ast.Name) or mask_key in [k.value for k in keys]:
                continue
            var = loop.target.id
            cuts = [st for st in loop.body if isinstance(st, ast.Assign) and len(st.targets) == 1
                    and isinstance(st.targets[0], ast.Subscript) and ast.unparse(st.targets[0].slice) == var
                    and isinstance(st.value, ast.Subscript) and isinstance(st.value.value, ast.Subscript)
                    and ast.unparse(st.value.value) == ast.unparse(st.targets[0])]
            named = any(isinstance(n, ast.Constant) and n.value == mask_key for n in ast.walk(tree))
            if len(cuts) == len(loop.body) == 1 and named and any("ids" in k.value for k in keys):
                found.append((file, loop, listed))
        for comp, names in _cut_if_listed(tree) if tree is not None else ():
            listed = _listed_keys(tree, names)
            keys = [k.value for k in listed.elts if isinstance(k, ast.Constant)] if listed is not None else []
            named = any(isinstance(n, ast.Constant) and n.value == mask_key for n in ast.walk(tree))
            longer = isinstance(f.values.get("mask_len"), int) and isinstance(f.values.get("other_len"), int) \
                and f.values["mask_len"] > f.values["other_len"]  # the cut shortened the others, not the mask
            if listed is not None and len(keys) == len(listed.elts) and mask_key not in keys and named and longer:
                found.append((file, comp, listed))
    if len(found) != 1:
        return []
    file, loop, listed = found[0]
    last = listed.elts[-1]
    f.facts.add(MASK_KEY_LEFT_OUT)
    if isinstance(loop, ast.DictComp):  # `{k: (v[:, :n] if k in SEQ_KEYS else v) for k, v in batch.items()}`
        f.facts.add(KEYS_TESTED)
        f.values["key_test"] = " ".join(src.segment(file, loop).split())
    walked = loop.iter if isinstance(loop, ast.For) else loop.value.test.comparators[0]
    f.values.update(key_loop=" ".join(src.segment(file, walked).split()),
                    key_loop_line=loop.lineno, key_list_line=listed.lineno, mask_key=mask_key)
    stmt = src.statement_at(src.tree_of(file), listed.lineno) if listed is not walked else loop
    return edits_of(src.LineEditor.for_node(file, stmt).replace(
        last, f"{src.segment(file, last)}, \"{mask_key}\""))


KEYS_TESTED = fact("keys-tested", "the keys are cut by a test of membership in the list, `key_test`")


def _cut_if_listed(tree: ast.Module):
    """(comprehension, the list's node) of `{k: (v[:, :n] if k in KEYS else v) for k, v in batch.items()}`: a dict
    comprehension over a mapping's items that cuts the entries whose key the list holds and keeps the others."""
    for comp in src.nodes(tree, ast.DictComp):
        gen = comp.generators[0] if len(comp.generators) == 1 else None
        target = gen.target if gen is not None else None
        if not (isinstance(target, ast.Tuple) and len(target.elts) == 2 and all(isinstance(e, ast.Name)
                                                                                for e in target.elts)):
            continue
        key, value = target.elts[0].id, target.elts[1].id
        test = comp.value.test if isinstance(comp.value, ast.IfExp) else None
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In) \
                and isinstance(test.left, ast.Name) and test.left.id == key \
                and isinstance(comp.value.body, ast.Subscript) and isinstance(comp.value.body.value, ast.Name) \
                and comp.value.body.value.id == value and isinstance(comp.value.orelse, ast.Name) \
                and comp.value.orelse.id == value:
            yield comp, test.comparators[0]


def _listed_keys(tree: ast.Module, it: ast.expr) -> ast.Tuple | ast.List | None:
    """The tuple or list of keys `it` stands for (a loop's header, the right side of `k in KEYS`): itself, or the one
    value of the module constant (`TRIM_KEYS`) or class attribute (`self.TRIM_KEYS`) it names."""
    line = it.lineno
    if isinstance(it, ast.Attribute) and isinstance(it.value, ast.Name) and it.value.id == "self":
        cls = src.enclosing_class(tree, line)
        it = src.class_field(cls, it.attr) if cls is not None else None
    elif isinstance(it, ast.Name):
        made = src.assignments(tree, it.id, tree)
        it = made[0].value if len(made) == 1 and src.statement_at(tree, made[0].stmt.lineno) in tree.body else None
    return it if isinstance(it, (ast.Tuple, ast.List)) else None


def _mask_after_ids(f: Finding, sized: Any, ids_made: ast.Assign) -> list[Edit]:
    """The ids are framed inside a block (`if add_special_tokens:`) after the mask: the mask's statement moves
    after that block, counted on the ids themselves (`mask = [1] * len(ids)`), so it follows either branch."""
    tree = src.tree_of(sized.file)
    scope = src.enclosing_scope(tree, sized.stmt.lineno) if tree is not None else None
    body = next((b for b in _blocks(scope) if sized.stmt in b), None)
    holder = next((st for st in body or [] if st is not ids_made and src.contains(st, ids_made.lineno)), None)
    if holder is None or holder.lineno < sized.stmt.lineno:
        return []
    arg = sized.len_arg
    if arg.lineno != sized.stmt.lineno or arg.end_lineno != arg.lineno:
        return []
    text = src.segment(sized.file, sized.stmt)
    at, end = arg.col_offset - sized.stmt.col_offset, arg.end_col_offset - sized.stmt.col_offset
    text = text[:at] + sized.ids + text[end:]
    removed, added = src.remove_statement(sized.file, sized.stmt), src.insert_after(sized.file, holder, text)
    if not (removed and added):
        return []
    f.facts.add(MASK_AFTER_IDS)
    f.values.update(ids_block_line=holder.lineno, mask_after=text)
    return [removed, added]


def _blocks(scope: Any) -> list[list[ast.stmt]]:
    out = []
    for node in ast.walk(scope) if scope is not None else ():
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                out.append(block)
    return out


_PAD_NAME = re.compile(r"(?i)pad")


def _pad_value(fn: ast.FunctionDef) -> ast.expr | None:
    """The one padding value of `fn`'s `[PAD] * (...)` lists, written as a name or a setting named like a pad."""
    found = {ast.unparse(n.left.elts[0] if isinstance(n.left, ast.List) else n.right.elts[0]): n
             for n in ast.walk(fn) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult)
             for lst in [n.left if isinstance(n.left, ast.List) else n.right if isinstance(n.right, ast.List) else None]
             if lst is not None and len(lst.elts) == 1 and isinstance(lst.elts[0], (ast.Name, ast.Attribute))
             and _PAD_NAME.search(src.last_name(lst.elts[0]))}
    if len(found) != 1:
        return None
    n = next(iter(found.values()))
    return n.left.elts[0] if isinstance(n.left, ast.List) else n.right.elts[0]


def _marks_padding(fn: ast.FunctionDef) -> bool | None:
    """True when `fn` fills its mask with ones and writes False/0 over the real positions (True marks padding),
    False when it fills zeros and writes True/1 (True marks tokens); for a mask returned as a comparison of
    positions with lengths, True for `arange(n) >= lengths` and False for `arange(n) < lengths`; None when it
    cannot be told."""
    returned = [st.value for st in fn.body if isinstance(st, ast.Return) and isinstance(st.value, ast.Compare)]
    if len(returned) == 1 and len(returned[0].ops) == 1:
        cmp = returned[0]
        names = {n.id for n in ast.walk(cmp.left) if isinstance(n, ast.Name)}
        made = {a.targets[0].id: a.value for a in fn.body if isinstance(a, ast.Assign) and len(a.targets) == 1
                and isinstance(a.targets[0], ast.Name)}
        left_positions = any(src.call_name(c).split(".")[-1] == "arange" for n in [cmp.left, *(
            made[x] for x in names if x in made)] for c in ast.walk(n) if isinstance(c, ast.Call))
        op = type(cmp.ops[0])
        if op in (ast.GtE, ast.Gt, ast.Lt, ast.LtE):
            at_or_past = op in (ast.GtE, ast.Gt)
            return at_or_past if left_positions else not at_or_past
    filled = {src.call_name(c).split(".")[-1] for c in src.calls(fn)} & {"ones", "zeros"}
    written = {w.value.value for w in src.statements(fn, nested=True) if isinstance(w, ast.Assign)
               and isinstance(w.targets[0], ast.Subscript) and isinstance(w.value, ast.Constant)}
    if filled == {"ones"} and written <= {False, 0} and written:
        return True
    if filled == {"zeros"} and written <= {True, 1} and written:
        return False
    return None


def _mask_from_padded_ids(ctx: Context, f: Finding) -> list[Edit]:
    """A mask made by a helper of the file from the same items as the ids (`pad_mask = padding_mask(notes)` beside
    `tokens = pad_batch(notes)`), which measures them otherwise than the ids' helper pads them (before an
    encoding adds tokens): the mask helper returns the mask of the padded ids themselves, where they hold the pad
    value the ids' helper writes (`return pad_batch(note_lists) == PAD_ID`, or `!=` for a mask that marks the
    tokens), so every call of it agrees with the ids.  Not for an ids' helper that draws at random."""
    from ..provenance import origin_statement, trace, user_function
    mask, other = f.hints.get("mask"), f.hints.get("other")
    if mask is None or other is None:
        return []
    made = [origin_statement(o) for o in trace(ctx, mask)[:1]]
    stmt = made[0] if made else None
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)):
        return []
    file = next((o.file for o in trace(ctx, mask)[:1]), None)
    tree = src.tree_of(file) if file else None
    helper = user_function(tree, stmt.value, stmt.lineno) if tree is not None else None
    marks = _marks_padding(helper) if isinstance(helper, ast.FunctionDef) else None
    if marks is None:
        return []
    given = src.segment(file, stmt.value.args[0]) if stmt.value.args else None
    for o in trace(ctx, other):
        ids = origin_statement(o)
        if not (o.file == file and isinstance(ids, ast.Assign) and len(ids.targets) == 1
                and isinstance(ids.targets[0], ast.Name) and isinstance(ids.value, ast.Call) and ids.value.args
                and src.segment(file, ids.value.args[0]) == given and ids.lineno < stmt.lineno
                and src.enclosing_scope(tree, ids.lineno) is src.enclosing_scope(tree, stmt.lineno)):
            continue
        padder = user_function(tree, ids.value, ids.lineno)
        pad = _pad_value(padder) if isinstance(padder, ast.FunctionDef) else None
        if pad is None or src.last_name(pad) not in (bound_names(file, stmt.lineno) or set()) | {
                n.id for n in src.nodes(tree, ast.Name)}:
            continue
        cast = _cast_to(mask)
        if cast is None or _draws_at_random(padder):
            return []
        params = [a.arg for a in helper.args.args]
        if len(params) != 1 or len(padder.args.args) != 1 or len(stmt.value.args) != 1 or stmt.value.keywords:
            return []
        test = f"{src.call_name(ids.value)}({params[0]}) {'==' if marks else '!='} {src.segment(file, pad)}"
        new = f"({test}){cast}" if cast else test
        body = SimpleNamespace(lineno=helper.body[0].lineno, col_offset=helper.body[0].col_offset,
                               end_lineno=helper.body[-1].end_lineno, end_col_offset=helper.body[-1].end_col_offset)
        f.facts.add(MASK_FROM_PADDED_IDS)
        f.values.update(mask_helper=src.call_name(stmt.value), ids_helper=src.call_name(ids.value),
                        mask_from_ids=new, mask_given=given)
        return edits_of(src.LineEditor.for_node(file, helper).replace(body, f"return {new}"))
    return _mask_of_ids_here(ctx, f, file, tree, stmt, marks)


def _mask_of_ids_here(ctx: Context, f: Finding, file: str, tree: ast.Module, stmt: ast.Assign,
                      marks: bool) -> list[Edit]:
    """The mask made by a helper from lengths (`pad = lengths_to_pad_mask(lengths)`) in a function that holds
    the batch's ids (`tok_ids`, as wide as the tensor the mask meets), padded by a helper of the user's with
    its pad value (`rows.append(ids + [PAD] * (width - len(ids)))`): the mask is made from those ids there
    (`pad = tok_ids == PAD`), whatever the lengths counted."""
    from ..provenance import origin_statement, trace, user_function
    mask, other_len = f.hints["mask"], f.hints.get("other_len")
    frame = next((fr for fr in ctx.user_frames() if fr.file == file and src.enclosing_scope(tree, fr.line)
                  is src.enclosing_scope(tree, stmt.lineno)), None)
    if frame is None or not mask.shape:
        return []
    bound = bound_names(file, stmt.lineno) or set()
    ids = [t for t in frame.tensors if t.expr.isidentifier() and t.expr in bound and t.is_integer
           and len(t.shape) == 2 and t.shape == (mask.shape[0], other_len)]
    if len(ids) != 1:
        return []
    pads = set()
    for o in trace(ctx, ids[0]):
        made = origin_statement(o)
        for call in src.calls(made) if made is not None else ():
            helper = user_function(src.tree_of(o.file), call, made.lineno)
            pad = _pad_value(helper) if isinstance(helper, ast.FunctionDef) else None
            if pad is not None and src.last_name(pad) in bound | {n.id for n in src.nodes(tree, ast.Name)}:
                pads.add(src.segment(o.file, pad))
    cast = _cast_to(mask)
    if len(pads) != 1 or cast is None:
        return []
    test = f"{ids[0].expr} {'==' if marks else '!='} {pads.pop()}"
    new = f"({test}){cast}" if cast else test
    f.facts.add(MASK_OF_IDS_HERE)
    f.values.update(mask_helper=src.call_name(stmt.value), mask_from_ids=new, mask_given=src.segment(
        file, stmt.value.args[0]) if stmt.value.args else "", ids_name=ids[0].expr)
    return edits_of(src.LineEditor.for_node(file, stmt).replace(stmt.value, new))


def _cast_to(mask: Any) -> str | None:
    """What a comparison (a bool tensor) needs to get the mask's dtype: nothing for bool, `.long()`, `.float()`;
    None for another dtype."""
    return {"bool": "", "int64": ".long()", "float32": ".float()"}.get(str(mask.dtype).replace("torch.", ""))


def _draws_at_random(fn: ast.FunctionDef) -> bool:
    """`fn` calls something random (an augmentation): calling it a second time gives other items."""
    return any(re.search(r"(?i)rand|shuffle|choice|sample|dropout", src.call_name(c)) for c in src.calls(fn))


def _frozen_width(ctx: Context, f: Finding) -> list[Edit]:
    """The mask's width is a method's default frozen at the base class's value (fixes/frozen_default.py)."""
    mask_len, other_len = f.hints.get("mask_len"), f.hints.get("other_len")
    if not isinstance(mask_len, int) or not isinstance(other_len, int):
        return []
    return frozen_default(ctx, f, mask_len, other_len)


def _mask_like_allocated_ids(ctx: Context, f: Finding) -> list[Edit]:
    """A function returning the batch mapping gives the ids a width (preallocated, `tokens = torch.full((n,
    width), pad_id)`, or padded to their longest by `pad_sequence(seqs, ...)`) and makes the mask entry from
    positions `torch.arange(X)` of another width (`int(lens.max())`, a setting), or by a helper of the file that
    leaves its width parameter at None: the mask's positions run to the ids' width instead."""
    from ..analyzers.collators import returned_mappings
    from ..analyzers.label_sources import leaf
    from ..analyzers.pad_targets import _allocated_width
    mask_len, other_len = f.hints.get("mask_len"), f.hints.get("other_len")
    keys = {leaf(t.expr) for t in (f.hints.get("mask"), f.hints.get("mask_outer")) if t is not None}
    other_keys = {leaf(t.expr) for t in (f.hints.get("other"),) if t is not None}
    if not isinstance(mask_len, int) or not isinstance(other_len, int) or mask_len == other_len:
        return []
    found = []
    for file, tree, fn, _, items in returned_mappings(ctx):
        key = next((k for k in keys if k in items), None)
        if key is None:
            continue
        widths = []
        for k, v in items.items():
            made = src.assignments(tree, v.id, fn) if isinstance(v, ast.Name) and k != key else []
            width = _allocated_width(made[-1].value) if len(made) == 1 else None
            if width is not None:
                widths.append(width)
            elif k in other_keys and isinstance(v, ast.Call) and src.call_name(v).endswith("pad_sequence") and \
                    v.args and isinstance(v.args[0], ast.Name):  # padded to the longest sequence of the batch
                widths.append(f"max(len(s) for s in {v.args[0].id})")
        item = items[key]
        made = src.assignments(tree, item.id, fn) if isinstance(item, ast.Name) else []
        value = made[-1].value if len(made) == 1 else item
        ranges = _ranges(value)
        if not ranges:  # `positions = torch.arange(width)` then `keep = positions < lengths[...]`
            for name in dict.fromkeys(src.names_in(value)):
                named = src.assignments(tree, name, fn)
                ranges += _ranges(named[-1].value) if len(named) == 1 else []
        if not widths and len(ranges) == 1:  # `HiveBatch(ids[idx], keep, ...)`: rows of the ids, read as they are
            widths = [w for k, v in items.items() if k != key and k in other_keys
                      for w in [_rows_width(file, tree, fn, v, ranges[0].lineno)] if w is not None]
        helper = _width_left_out(tree, item) if len(widths) == 1 and not ranges else None
        if helper is not None:  # `lengths_to_mask(lengths)` whose `max_len=None` falls back to the longest
            call, param = helper
            w = widths[0] if isinstance(widths[0], str) else src.segment(file, widths[0])
            stmt = src.statement_at(tree, call.lineno)
            if stmt is not None and src.LineEditor.for_node(file, stmt).add_keywords(call, f"{param}={w}").edit():
                found.append((edits_of(src.LineEditor.for_node(file, stmt).add_keywords(call, f"{param}={w}")),
                              (src.call_name(call), param), w))
            continue
        if len(widths) != 1 or len(ranges) != 1:
            continue
        w = widths[0] if isinstance(widths[0], str) else src.segment(file, widths[0])
        if src.segment(file, ranges[0].args[0]) == w:
            continue
        stmt = src.statement_at(tree, ranges[0].lineno)
        if stmt is not None:
            found.append((edits_of(src.LineEditor.for_node(file, stmt).replace(ranges[0].args[0], w)),
                          src.segment(file, ranges[0].args[0]), w))
    if len(found) != 1:
        return []
    if isinstance(found[0][1], tuple):
        f.facts.add(MASK_HELPER_WIDTH)
        f.values.update(mask_helper=found[0][1][0], width_param=found[0][1][1], mask_width_new=found[0][2])
        return found[0][0]
    f.facts.add(MASK_WIDTH_OF_IDS)
    f.values.update(mask_width_old=found[0][1], mask_width_new=found[0][2])
    return found[0][0]


_WIDTH_PARAM = re.compile(r"(?i)^(max_?len(gth)?|width|length|seq_?len|size|n_?positions)$")


def _width_left_out(tree: ast.Module, item: ast.AST) -> tuple[ast.Call, str] | None:
    """(the call, the parameter) for a mask made by a helper of the file (`lengths_to_mask(lengths)`) whose width
    parameter defaults to None, which the call leaves out: the helper then takes a width of its own."""
    if not isinstance(item, ast.Call):
        return None
    from ..provenance import user_function
    fn = user_function(tree, item, item.lineno)
    if not isinstance(fn, ast.FunctionDef):
        return None
    params = [a.arg for a in fn.args.args]
    left = [p for p, d in src.param_defaults(fn).items() if _WIDTH_PARAM.match(p) and isinstance(d, ast.Constant)
            and d.value is None and src.keyword(item, p) is None and params.index(p) >= len(item.args)]
    return (item, left[0]) if len(left) == 1 else None


def _ranges(value: ast.AST | None) -> list[ast.Call]:
    """The `arange(X)` calls (one argument) inside `value`."""
    return [c for c in ast.walk(value) if isinstance(c, ast.Call) and src.call_name(c).rpartition(".")[2] == "arange"
            and len(c.args) == 1] if value is not None else []


def _rows_width(file: str, tree: ast.Module, fn: ast.FunctionDef, item: ast.AST, line: int) -> str | None:
    """`ids.shape[1]` for an item that is a name of the function, or rows of one (`ids[idx]`), bound before
    `line`: the width the ids already have."""
    base = item.value if isinstance(item, ast.Subscript) and not isinstance(item.slice, ast.Tuple) else item
    if not isinstance(base, ast.Name):
        return None
    made = src.assignments(tree, base.id, fn)
    if not made or not all(a.stmt.lineno < line for a in made):
        return None
    return f"{base.id}.shape[1]"


def _width_constant_swapped(ctx: Context, f: Finding) -> list[Edit]:
    """The mask is as wide as one upper-case constant (`P_MASK_WIDTH` = 32) and the inputs as another
    (`P_MAX_LEN` = 24), each the only such constant of its value (or the only one named like a length), and
    the mask's constant is read by one
    statement of the user's files: that statement builds the mask, and reads the inputs' constant instead."""
    from ..analyzers.classes import user_files
    mask_len, other_len = f.hints.get("mask_len"), f.hints.get("other_len")
    if not isinstance(mask_len, int) or not isinstance(other_len, int) or mask_len == other_len:
        return []
    lengthy = re.compile(r"(?i)mask|width|len|pad|seq|max|tok")  # of several constants of one value, a length's
    mine = [c for c in ctx.scalar_names(mask_len) if c.isidentifier() and c.isupper()]
    theirs = [c for c in ctx.scalar_names(other_len) if c.isidentifier() and c.isupper()]
    mine = [c for c in mine if lengthy.search(c)] if len(mine) > 1 else mine
    theirs = [c for c in theirs if lengthy.search(c)] if len(theirs) > 1 else theirs
    if len(mine) != 1 or len(theirs) != 1:
        return []
    reads = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for n in src.nodes(tree, ast.Name) if tree is not None else ():
            if n.id == mine[0] and isinstance(n.ctx, ast.Load):
                reads.append((file, tree, n))
    stmts = {(file, src.statement_at(tree, n.lineno)) for file, tree, n in reads}
    if len(stmts) != 1:
        return []
    file, stmt = stmts.pop()
    if stmt is None or theirs[0] not in (bound_names(file, stmt.lineno) or set()):
        return []
    e = src.LineEditor.for_node(file, stmt)
    for _, _, n in reads:
        e.replace(n, theirs[0])
    return edits_of(e)


def _padded_row(node: ast.AST) -> tuple[ast.expr, ast.expr] | None:
    """(ROW, W) of `ROW + [pad] * (W - len(ROW))`."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.right, ast.BinOp)
            and isinstance(node.right.op, ast.Mult) and isinstance(node.right.left, ast.List)):
        return None
    count = node.right.right
    if isinstance(count, ast.BinOp) and isinstance(count.op, ast.Sub) and isinstance(count.right, ast.Call) \
            and src.call_name(count.right) == "len" and count.right.args \
            and ast.unparse(count.right.args[0]) == ast.unparse(node.left):
        return node.left, count.left
    return None


def _ones_then_zeros(node: ast.AST) -> bool:
    """`[1] * A + [0] * B` (a row of a 1-keep / 0-pad mask)."""
    return (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and all(
        isinstance(p, ast.BinOp) and isinstance(p.op, ast.Mult) and isinstance(p.left, ast.List)
        and len(p.left.elts) == 1 and isinstance(p.left.elts[0], ast.Constant) for p in (node.left, node.right))
        and [p.left.elts[0].value for p in (node.left, node.right)] in ([1, 0], [True, False]))


def _mask_rows_like_ids(ctx: Context) -> list[Edit]:
    """A collate function that builds each row of the ids as `ROW + [pad] * (W - len(ROW))` and, in the same
    loop, each row of the mask as `[1] * A + [0] * (B - A)` from other counts (the words before `[CLS]`/`[SEP]`
    were added): the mask row is made from the ids row, `[1] * len(ROW) + [0] * (W - len(ROW))`."""
    from ..analyzers.collators import returned_mappings
    found = []
    for file, tree, fn, ret, items in returned_mappings(ctx):
        for loop in (n for n in ast.walk(fn) if isinstance(n, ast.For)):
            rows = {}
            for call in src.calls(loop):
                if isinstance(call.func, ast.Attribute) and call.func.attr == "append" and len(call.args) == 1:
                    rows[ast.unparse(call.func.value)] = call
            ids = [(k, _padded_row(c.args[0])) for k, c in rows.items() if _padded_row(c.args[0]) is not None]
            masks = [(k, c) for k, c in rows.items() if _ones_then_zeros(c.args[0])]
            if len(ids) != 1 or len(masks) != 1:
                continue
            row, width = ids[0][1]
            mask_call = masks[0][1]
            if ast.unparse(mask_call.args[0]).replace(" ", "").startswith(f"[1]*len({ast.unparse(row)})"):
                continue  # already made from the ids row
            stmt = src.statement_at(tree, mask_call.lineno)
            r, w = src.segment(file, row), src.segment(file, width)
            w = f"({w})" if isinstance(width, (ast.IfExp, ast.BoolOp, ast.Compare, ast.Lambda)) else w
            new = f"[1] * len({r}) + [0] * ({w} - len({r}))"
            found.append(edits_of(src.LineEditor.for_node(file, stmt).replace(mask_call.args[0], new)))
    return found[0] if len(found) == 1 else []


MASK_FOR_PREPENDED = fact("mask-for-prepended", "the function that uses the mask put `prepended` position(s) in "
                                                "front of `other` (`prepend_stmt`, line `prepend_line`); the fix gives "
                                                "the mask as many columns for them (`extended_mask`)")


def _mask_for_prepended(ctx: Context, f: Finding) -> list[Edit]:
    """`x = torch.cat([token, x], dim=1)` in the function that then passes the mask for `x`, the mask k
    columns short: k columns for the added positions go in front of the mask there, attended (False in a
    padding mask passed as `*key_padding_mask`)."""
    mask, other = f.hints.get("mask"), f.hints.get("other")
    mask_len, other_len = f.hints.get("mask_len"), f.hints.get("other_len")
    if mask is None or other is None or not isinstance(mask_len, int) or not isinstance(other_len, int) \
            or other_len <= mask_len or not mask.expr.isidentifier() or not other.expr.isidentifier():
        return []
    frame = ctx.frames[mask.frame]
    tree = src.tree_of(frame.file)
    found = failing_statement(frame) if tree is not None else None
    if found is None or mask.frame != other.frame:
        return []
    stmt = found[1]
    kw = next((k for c in src.calls(stmt) for k in c.keywords
               if isinstance(k.value, ast.Name) and k.value.id == mask.expr), None)
    if kw is None or not (kw.arg or "").endswith("key_padding_mask") or mask.dtype != "torch.bool":
        return []  # which value an added position takes is known for a padding mask (False: attended)
    scope = src.enclosing_scope(tree, frame.line)
    k = other_len - mask_len
    for a in src.assignments(tree, other.expr, scope, before=frame.line):
        if not _prepends(a.stmt, other.expr) and not _prepends(a.stmt, other.expr, frame, mask_len):
            a = _prepended_in_module(tree, a, frame.line)  # `photo = self.photo_encoder(tiles)` puts a token first
            if a is None:
                continue
        m = mask.expr
        extended = f"{m} = torch.cat([{m}.new_zeros({m}.size(0), {k}), {m}], dim=1)"
        f.facts.add(MASK_FOR_PREPENDED)
        f.values.update(prepended=k, prepend_stmt=" ".join(src.segment(frame.file, a.stmt).split()),
                        prepend_line=a.stmt.lineno, extended_mask=extended)
        made = src.insert_before(frame.file, stmt, extended)
        return [made] if made is not None else []
    return []


MASK_PER_TOKEN = fact("mask-per-token", "the function that uses the mask made `other` from `per_step` tokens per "
                                        "position of the mask (`tokens_stmt`, line `tokens_line`); the fix repeats each "
                                        "entry of the mask as the tokens were laid out (`extended_mask`)")


def _mask_per_token(ctx: Context, f: Finding) -> list[Edit]:
    """`tokens = torch.stack([r_tok, s_tok, a_tok], dim=2).reshape(B, 3 * K, d)` (k tokens per step, side by
    side) or `torch.cat([r_tok, s_tok, a_tok], dim=1)` (k blocks of steps) in the function that then passes the
    per-step mask for `tokens`: the mask is k times too short, and each entry goes to the k tokens of its step,
    `mask.repeat_interleave(k, dim=1)` or `mask.repeat(1, k)`, before the call."""
    mask, other = f.hints.get("mask"), f.hints.get("other")
    mask_len, other_len = f.hints.get("mask_len"), f.hints.get("other_len")
    if mask is None or other is None or not isinstance(mask_len, int) or not isinstance(other_len, int) \
            or mask_len < 2 or other_len <= mask_len or other_len % mask_len or mask.frame != other.frame \
            or not mask.expr.isidentifier() or not other.expr.isidentifier() or len(mask.shape) != 2:
        return []
    frame = ctx.frames[mask.frame]
    tree = src.tree_of(frame.file)
    found = failing_statement(frame) if tree is not None else None
    if found is None:
        return []
    k = other_len // mask_len
    for a in src.assignments(tree, other.expr, src.enclosing_scope(tree, frame.line), before=frame.line):
        how = _tokens_per_step(frame, getattr(a.stmt, "value", None), k, mask_len)
        if how is None:
            continue
        m = mask.expr
        extended = f"{m} = {m}.repeat_interleave({k}, dim=1)" if how == "interleaved" else f"{m} = {m}.repeat(1, {k})"
        f.facts.add(MASK_PER_TOKEN)
        f.values.update(per_step=k, tokens_stmt=" ".join(src.segment(frame.file, a.stmt).split()),
                        tokens_line=a.stmt.lineno, extended_mask=extended)
        made = src.insert_before(frame.file, found[1], extended)
        return [made] if made is not None else []
    return []


def _tokens_per_step(frame: Any, value: ast.AST | None, k: int, steps: int) -> str | None:
    """"interleaved" for `torch.stack([a, b, c], dim=2).reshape(...)` / `.view(...)` / `.flatten(1, 2)`, "blocks"
    for `torch.cat([a, b, c], dim=1)`: k parts, each a tensor of the frame with `steps` positions in dimension
    1; None for anything else."""
    inner = value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in (
            "reshape", "view", "flatten"):
        inner = value.func.value
    if not (isinstance(inner, ast.Call) and src.call_name(inner).split(".")[-1] in ("stack", "cat", "concat")
            and inner.args and isinstance(inner.args[0], (ast.List, ast.Tuple)) and len(inner.args[0].elts) == k):
        return None
    dim = src.keyword(inner, "dim")
    dim = dim.value if dim is not None else inner.args[1] if len(inner.args) > 1 else None
    parts = [frame.tensor(src.segment(frame.file, e)) for e in inner.args[0].elts]
    if not isinstance(dim, ast.Constant) or any(p is None or len(p.shape) < 2 or p.shape[1] != steps for p in parts):
        return None
    stacked = src.call_name(inner).split(".")[-1] == "stack"
    if stacked and inner is not value and dim.value == 2:
        return "interleaved"
    return "blocks" if not stacked and inner is value and dim.value == 1 else None


def _prepends(stmt: ast.stmt, name: str, frame: Any = None, length: int | None = None) -> bool:
    """`name = torch.cat([token, name], dim=1)`: positions put in front of what `name` held.  Given a frame and
    the mask's length: `tokens = torch.cat([goal_tok, obs_tok], dim=1) + self.pos`, positions put in front of
    a part that is a tensor of the frame as long as the mask (dimension 1)."""
    v = getattr(stmt, "value", None)
    if frame is not None and isinstance(v, ast.BinOp) and isinstance(v.op, ast.Add):  # `+ self.pos` after it
        v = next((side for side in (v.left, v.right) if isinstance(side, ast.Call)), v)
    if isinstance(v, ast.Call) and len(v.args) == 1 and not v.keywords and isinstance(
            v.args[0], ast.Call) and src.call_name(v.args[0]).split(".")[-1] in ("cat", "concat"):
        v = v.args[0]  # `self.pos(torch.cat([token, steps], dim=1))`: a layer that keeps the length around it
    if not (isinstance(v, ast.Call) and src.call_name(v).split(".")[-1] in ("cat", "concat") and v.args
            and isinstance(v.args[0], (ast.List, ast.Tuple)) and len(v.args[0].elts) >= 2):
        return False
    last = v.args[0].elts[-1]
    if frame is None:
        return len(v.args[0].elts) == 2 and isinstance(last, ast.Name) and last.id == name
    dim = src.keyword(v, "dim")
    dim = dim.value if dim is not None else v.args[1] if len(v.args) > 1 else None
    part = frame.tensor(src.segment(frame.file, last))
    return isinstance(dim, ast.Constant) and dim.value == 1 and part is not None and len(part.shape) > 1 \
        and part.shape[1] == length


def _prepended_in_module(tree: ast.Module, a, line: int):
    """For `other = self.encoder(x)` in a method, the `x = torch.cat([token, x], dim=1)` assignment of the
    `forward` of the class `self.encoder` was built from in `__init__` (`self.encoder = PhotoEncoder(cfg)`),
    in the same file; None otherwise."""
    v = getattr(a, "value", None)
    name = src.call_name(v) if isinstance(v, ast.Call) else ""
    cls = src.enclosing_class(tree, line)
    if not name.startswith("self.") or name.count(".") != 1 or cls is None:
        return None
    made = [src.call_name(n.value) for init in cls.body if isinstance(init, ast.FunctionDef) and init.name == "__init__"
            for n in ast.walk(init) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
            and any(ast.unparse(t) == name for t in n.targets)]
    defs = [d for d in src.nodes(tree, ast.ClassDef) if made and d.name == made[0]]
    forward = next((f for d in defs[:1] for f in d.body if isinstance(f, ast.FunctionDef) and f.name == "forward"), None)
    if not made:  # `x = self.embed(...)`: a method of the same class that puts the token in front
        forward = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == name[5:]), None)
        made = [name] if forward is not None else []
    if len(made) != 1 or forward is None:
        return None
    returned = [r.value for r in src.nodes(forward, ast.Return) if r.value is not None]
    for st in src.statements(forward):
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                and _prepends(st, st.targets[0].id) and len(returned) == 1 \
                and st.targets[0].id in src.names_in(returned[0]):
            return SimpleNamespace(stmt=st, value=st.value)
    return None


def _prepended_by_caller(ctx: Context, f: Finding) -> list[Edit]:
    """The mask is a parameter of the failing function, filled by a caller that put k positions in front of the
    inputs it passes beside it (`h = torch.cat([summary, h], dim=1)`, then `block(h, residue_mask)`): k columns
    go in front of the mask right after that line, attended (ones for a keep mask read as `~keep`, zeros for a
    `*key_padding_mask`)."""
    mask, mask_len, other_len = f.hints.get("mask"), f.hints.get("mask_len"), f.hints.get("other_len")
    if mask is None or not isinstance(mask_len, int) or not isinstance(other_len, int) or other_len <= mask_len:
        return []
    frame = ctx.frames[mask.frame]
    name = mask.expr.lstrip("~")
    found = failing_statement(frame)
    if found is None or name not in frame.params or mask.dtype != "torch.bool":
        return []
    text = src.segment(frame.file, found[1])
    if re.search(rf"~\s*{re.escape(name)}\b|\b{re.escape(name)}\s*==\s*0|logical_not\(\s*{re.escape(name)}\b", text):
        fill = "new_ones"  # a keep mask (True: attend), inverted where it is used
    elif re.search(rf"key_padding_mask\s*=\s*{re.escape(name)}\b", text):
        fill = "new_zeros"  # a padding mask (True: skip)
    else:
        return []
    k = other_len - mask_len
    for _ in range(4):  # up the callers that hand the mask on as it is (`block(h, keep)` inside `forward`)
        caller = ctx._caller(frame)
        tree = src.tree_of(caller.file) if caller is not None and not caller.library else None
        passed = {a.param: a.text for a in caller.call_args} if tree is not None else {}
        given = passed.get(name)
        if tree is None or given is None or not given.isidentifier():
            return []
        scope = src.enclosing_scope(tree, caller.line)
        for other in (t for p, t in passed.items() if p != name and t.isidentifier()):
            for a in src.assignments(tree, other, scope, before=caller.line):
                if not _prepends(a.stmt, other):
                    continue
                line = f"{given} = torch.cat([{given}.{fill}({given}.size(0), {k}), {given}], dim=1)"
                e = src.insert_after(caller.file, a.stmt, line)
                if e is None:
                    return []
                f.facts.add(MASK_FOR_PREPENDED)
                f.values.update(prepended=k, prepend_stmt=" ".join(src.segment(caller.file, a.stmt).split()),
                                prepend_line=a.stmt.lineno, extended_mask=line, other=other)
                return [e]
        if given not in caller.params:
            return []
        frame, name = caller, given
    return []


MASK_JOINED_LIKE_IDS = fact("mask-joined-like-ids", "the collate function `collator` joins `ids_made` along the "
                                                    "positions, inserted tokens included, but returns the "
                                                    "encoding's mask as it was")


def _as_given(ctx: Context, t: Any) -> str:
    """`t`'s text, or for a parameter of its frame (also compared: `mask == 0`) the argument its caller passed
    (`batch["mask"]`)."""
    frame = ctx.frames[t.frame]
    lead = re.match(r"(\w+)(\s*[=!]=\s*\w+)?$", t.expr)
    name = lead.group(1) if lead else t.expr
    if name in frame.params:
        caller = ctx._caller(frame)
        arg = next((a for a in caller.call_args if a.param == name), None) if caller is not None else None
        if arg is not None:
            return arg.text.strip()
    return t.expr


def _mask_joined_like_ids(ctx: Context, f: Finding) -> list[Edit]:
    """A collate function returning `{"input_ids": ids, "attention_mask": enc["attention_mask"], ...}` where `ids`
    was joined along the positions from pieces of `enc["input_ids"]` and inserted tokens (`torch.cat([ids[:, :1],
    marker[:, None], ids[:, 1:]], dim=1)`): the mask is joined the same way, its own pieces where the ids took
    theirs and ones (attended) for each inserted piece.  Likewise for a function that returns them in a tuple."""
    from ..analyzers.collators import returned_mappings
    mask, other = f.hints.get("mask"), f.hints.get("other")
    keys = [_given_key(ctx, t) if t is not None else None for t in (mask, other)]
    found = []
    for file, tree, fn, ret, items in returned_mappings(ctx) if all(keys) else ():
        mask_key, ids_key = keys
        ids, given = items.get(ids_key), items.get(mask_key)
        made = src.assignments(tree, ids.id, fn, before=ret.lineno) if isinstance(ids, ast.Name) else []
        joined = made[-1].value if len(made) == 1 else None
        if not (isinstance(joined, ast.Call) and src.call_name(joined).split(".")[-1] in ("cat", "concat")
                and joined.args and isinstance(joined.args[0], (ast.List, ast.Tuple)) and given is not None):
            continue
        text = _joined_alike(file, joined, given)
        if text is not None:
            found.append((file, ret, given, text, fn, made[-1]))
    found += _returned_beside_joined(ctx) if not found else []
    if len(found) != 1:
        return []
    file, ret, given, text, fn, made = found[0]
    f.facts.add(MASK_JOINED_LIKE_IDS)
    f.values.update(collator=fn.name, ids_made=" ".join(src.segment(file, made.stmt).split()))
    return edits_of(src.LineEditor.for_node(file, ret).replace(given, text))


def _given_key(ctx: Context, t: Any) -> str | None:
    """The batch key a tensor was handed under: `batch["attention_mask"]` as given (rows of it too,
    `batch["attention_mask"][idx]`), or a parameter of its frame filled from a spread batch
    (`self.encoder(**batch)` → `attention_mask`)."""
    m = re.fullmatch(r"\w+\[[\"'](\w+)[\"']\](?:\[[^\[\]]*\])*", _as_given(ctx, t))  # also `b["mask"][idx]`
    if m is not None:
        return m.group(1)
    frame = ctx.frames[t.frame]
    caller = ctx._caller(frame)
    spread = caller is not None and "**" in (caller.node or "")
    return t.expr if t.expr.isidentifier() and t.expr in frame.params and spread else None


def _joined_alike(file: str, joined: ast.Call, given: ast.AST) -> str | None:
    """`given` (`enc["attention_mask"]`) joined like the ids `joined` (`torch.cat([tags, enc["input_ids"]],
    dim=1)`): its own piece where the ids read the encoding, ones (attended) for every inserted piece."""
    dim = src.keyword(joined, "dim")
    dim = dim.value if dim is not None else (joined.args[1] if len(joined.args) > 1 else None)
    if not (isinstance(dim, ast.Constant) and dim.value in (1, -1)):
        return None
    if not (isinstance(given, ast.Subscript) and isinstance(given.slice, ast.Constant)):
        return None
    parts = [src.segment(file, e) for e in joined.args[0].elts]
    base = src.segment(file, given.value)  # `enc` of `enc["attention_mask"]`: the ids' pieces read `enc[...]`
    read = {m.group(0) for part in parts for m in re.finditer(re.escape(base) + r"\[[\"'](\w+)[\"']\]", part)}
    if len(read) != 1 or next(iter(read)) == src.segment(file, given):
        return None  # the mask is not read off the encoding the ids' pieces come from
    source = next(iter(read))
    own = [source in part for part in parts]
    if not any(own) or all(own):
        return None
    pieces = [part.replace(source, src.segment(file, given)) if mine else f"torch.ones_like({part})"
              for part, mine in zip(parts, own)]
    return f"torch.cat([{', '.join(pieces)}], dim={dim.value})"


def _returned_beside_joined(ctx: Context) -> list[tuple]:
    """The one function of the user's files that returns a tuple holding ids joined along the positions from an
    encoding's ids and inserted tokens (`input_ids = torch.cat([tags, enc["input_ids"]], dim=1)`) beside that
    encoding's mask as it was (`return input_ids, enc["attention_mask"], labels`)."""
    from ..analyzers.classes import user_files
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            rets = [r for r in src.nodes(fn, ast.Return) if isinstance(r.value, ast.Tuple)]
            for ret in rets:
                masks = [e for e in ret.value.elts if isinstance(e, ast.Subscript) and isinstance(e.slice, ast.Constant)
                         and "mask" in str(e.slice.value)]
                for ids in (e for e in ret.value.elts if isinstance(e, ast.Name)):
                    made = src.assignments(tree, ids.id, fn, before=ret.lineno)
                    joined = made[-1].value if len(made) == 1 else None
                    if not (isinstance(joined, ast.Call) and src.call_name(joined).split(".")[-1] in ("cat", "concat")
                            and joined.args and isinstance(joined.args[0], (ast.List, ast.Tuple))):
                        continue
                    for given in masks:
                        text = _joined_alike(file, joined, given)
                        if text is not None:
                            found.append((file, ret, given, text, fn, made[-1]))
    return found if len(found) == 1 else []


_WINDOWING = ("unfold", "as_strided")
MASK_WINDOWED_LIKE_IDS = fact("mask-windowed-like-ids", "the ids are cut into windows from a batch's input_ids "
                                                        "(`windowed_ids`) and the mask from its attention_mask some "
                                                        "other way (`mask_made`); `windowed_mask` cuts it alike")


def _windowed_like_ids(ctx: Context, f: Finding) -> list[Edit]:
    """In one function, the ids cut into windows from a batch's `input_ids` (`b["input_ids"].unfold(1, W, S)`,
    reshaped after) and the mask taken from the same batch's `attention_mask` some other way: the mask is cut
    with the ids' own chain of calls, its base swapped."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            assigns = [a for a in src.statements(fn, nested=True) if isinstance(a, ast.Assign)
                       and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)]
            ids = [a for a in assigns if _base_key(a.value) == "input_ids" and any(
                isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr in _WINDOWING
                for c in ast.walk(a.value))]
            masks = [a for a in assigns if _base_key(a.value) == "attention_mask" and not any(
                isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr in _WINDOWING
                for c in ast.walk(a.value))]
            if len(ids) != 1 or len(masks) != 1:
                continue
            chain = src.segment(file, ids[0].value)
            name = ids[0].targets[0].id
            for n in ast.walk(fn):  # calls applied to the windows afterwards (`windows.reshape(-1, W)`)
                if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
                        and n.func.value.id == name and n.func.attr in ("reshape", "view", "flatten", "contiguous")
                        and n.lineno > ids[0].lineno):
                    chain += src.segment(file, n)[len(name):]
                    break
            ids_base = src.segment(file, _base(ids[0].value))
            mask_base = src.segment(file, _base(masks[0].value))
            new = chain.replace(ids_base, mask_base, 1)
            f.facts.add(MASK_WINDOWED_LIKE_IDS)
            f.values.update(windowed_ids=chain, windowed_mask=new, mask_made=src.segment(file, masks[0].value))
            return edits_of(src.LineEditor.for_node(file, masks[0]).replace(masks[0].value, new))
    return []


def _base(node: ast.AST) -> ast.AST:
    """The innermost receiver of a chain of method calls and subscripts: `enc["input_ids"]` of
    `enc["input_ids"].unfold(...).reshape(...)`."""
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        elif isinstance(node, ast.Subscript) and not (isinstance(node.slice, ast.Constant)
                                                      and isinstance(node.slice.value, str)):
            node = node.value
        else:
            return node


def _base_key(node: ast.AST) -> str | None:
    base = _base(node)
    if isinstance(base, ast.Subscript) and isinstance(base.slice, ast.Constant) and isinstance(base.slice.value, str):
        return base.slice.value
    if isinstance(base, ast.Attribute):
        return base.attr
    return None


def _own_mask(ctx: Context, f: Finding) -> list[Edit]:
    """The mask read from another encoding replaced, where it is given, by the ids' own encoding's mask."""
    at, text, own = f.hints["own_mask"]
    frame = ctx.frames[at]
    found = failing_statement(frame)
    node = find_expr(frame.file, found[1], text) if found else None
    if node is None:
        return []
    return edits_of(src.LineEditor.for_node(frame.file, found[1]).replace(node, own))


def _keep_whole_encoding(f: Finding) -> list[Edit]:
    """`src_ids = tok(...).input_ids` becomes `src = tok(...)` then `src_ids = src.input_ids`: the mask read
    from `src` afterwards is the one made with these ids."""
    file, stmt, call, container, ids, value = f.hints["stale"]
    indent = " " * stmt.col_offset
    tail = src.segment(file, value)[len(src.segment(file, call)):]  # `.input_ids` or `["input_ids"]`
    text = f"{container} = {src.segment(file, call)}\n{indent}{ids} = {container}{tail}"
    return edits_of(src.LineEditor.for_node(file, stmt).replace(stmt, text))


def _pass_mask_along(f: Finding) -> list[Edit]:
    """The helper takes the mask as a parameter right after the ids, and each call passes its batch's mask."""
    along = f.hints.get("captured")
    if along is None or along.fn.body[0].lineno == along.fn.lineno:
        return []
    fn, param = along.fn, along.param
    header = src.LineEditor(along.file, fn.lineno, fn.body[0].lineno - 1)  # the def's own lines
    edits = edits_of(header.insert_after(param, f", {along.mask}"))
    by_stmt: dict[int, src.LineEditor] = {}
    for stmt, call, arg, mask, keyword in along.calls:
        editor = by_stmt.setdefault(id(stmt), src.LineEditor.for_node(along.file, stmt))
        if keyword:
            editor.add_keywords(call, f"{along.mask}={mask}")
        else:
            editor.insert_after(arg, f", {mask}")
    made = sorted((e for editor in by_stmt.values() for e in edits_of(editor)), key=lambda e: e.start_line)
    return edits + made if edits and len(made) == len(by_stmt) else []


def _mask_from_encoding(ctx: Context, f: Finding) -> list[Edit]:
    """The word-counted mask becomes the tokenizer call's `attention_mask`, cast to the dtype the mask had; the
    call's encoding is kept whole first when the ids line took only its `input_ids` (`enc = CALL` then
    `ids = enc["input_ids"]`).  Nothing when the call does not return tensors (its mask would be lists)."""
    made = f.hints["mask_counts_words"]
    tensors = src.keyword(made.call, "return_tensors")
    if tensors is None or not (isinstance(tensors.value, ast.Constant) and tensors.value.value == "pt"):
        return []
    fn = src.enclosing_scope(src.tree_of(made.file), made.ids_stmt.lineno)
    used = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)} | {a.arg for a in ast.walk(fn) if isinstance(a, ast.arg)}
    edits: list[Edit] = []
    enc = made.encoding
    if enc is None:
        enc = next(n for n in ("enc", "encoding", "encoded", "tokenized", "enc_batch") if n not in used)
        ids = made.ids_stmt.targets[0].id
        indent = " " * made.ids_stmt.col_offset
        edits += edits_of(src.LineEditor.for_node(made.file, made.ids_stmt).replace(
            made.ids_stmt, f'{enc} = {src.segment(made.file, made.call)}\n{indent}{ids} = {enc}["input_ids"]'))
    cast = _cast_like(made.mask_stmt.value, f.hints.get("mask"))
    edits += edits_of(src.LineEditor.for_node(made.file, made.mask_stmt).replace(
        made.mask_stmt.value, f'{enc}["attention_mask"]{cast}'))
    return edits


def _cast_like(value: ast.expr, seen: Any) -> str:
    """The cast that gives a tokenizer's 0/1 mask the dtype of the mask `value` made: bool for a comparison or
    `dtype=torch.bool`, float for a float dtype, none for integers; else the dtype of the mask as it failed."""
    kw = next((k for c in ast.walk(value) if isinstance(c, ast.Call) for k in c.keywords if k.arg == "dtype"), None)
    dtype = ast.unparse(kw.value).split(".")[-1] if kw is not None else "bool" if isinstance(value, ast.Compare) \
        else seen.dtype.split(".")[-1] if seen is not None else "int64"
    return ".bool()" if dtype == "bool" else ".float()" if dtype.startswith(("float", "half", "double")) else ""


def _pad_mask_to_batch(f: Finding) -> list[Edit]:
    """After `content = pad_sequence(...)` in the collate function: `content` padded on the right to the batch's
    width, with the pad value the user gave pad_sequence."""
    file, stmt, local, batch, pad = f.hints["padded_widths"]
    text = (f'{local} = torch.nn.functional.pad({local}, (0, {batch}["input_ids"].size(1) - {local}.size(1)), '
            f"value={pad})")
    made = src.insert_after(file, stmt, text)
    return [made] if made else []


def _reorder_mask_too(f: Finding) -> list[Edit]:
    """After the last `D["input_ids"] = [D["input_ids"][i] for i in order]` of its block, the same statement
    for the mask's key."""
    file, last, stmt, mask_key = f.hints["reordered"]
    text = src.segment(file, stmt)
    key = stmt.targets[0].slice.value
    new = re.sub(r"""(["'])%s\1""" % re.escape(key), lambda m: m.group(1) + mask_key + m.group(1), text)
    made = src.insert_after(file, last, new) if new != text else None
    return [made] if made else []


def _mask_changed_with_other(ctx: Context, f: Finding) -> list[Edit]:
    """`attention_mask = attention_mask[:, 1:-1]` right after `token_embeddings = out[0][:, 1:-1]`."""
    file = f.hints.get("follow_file") or ctx.frames[f.hints["follow_frame"]].file
    made = src.insert_after(file, f.hints["follow_stmt"], f.hints["mask_fixed"])
    return [made] if made else []


def _drop_added_positions(ctx: Context, f: Finding) -> list[Edit]:
    """`token_embeddings` → `token_embeddings[:, encoder.prompt.size(0):]`: where the failing function is
    called with it (a reusable function keeps its code), else on the failing line."""
    other, fixed = f.hints.get("other"), f.values.get("other_fixed")
    if other is None or not fixed:
        return []
    frame = ctx.frames[other.frame]
    if other.expr in frame.params:
        caller = ctx._caller(frame)
        arg = next((a for a in caller.call_args if a.param == other.expr), None) if caller else None
        found = failing_statement(caller) if caller is not None and arg is not None else None
        node = find_expr(caller.file, found[1], arg.text) if found else None
        if node is not None and arg.text.isidentifier():
            fixed = arg.text + fixed[len(other.expr):]
            return edits_of(src.LineEditor.for_node(caller.file, found[1]).replace(node, fixed))
    found = failing_statement(frame)
    node = f.hints.get("other_node")
    if found is None or node is None or not hasattr(node, "lineno"):
        return []
    base = find_expr(frame.file, found[1], other.expr)
    return edits_of(src.LineEditor.for_node(frame.file, found[1]).replace(base, fixed)) if base is not None else []


MASK_DOWNSAMPLED = fact("mask-downsampled", "`strided` (built with `stride_text`) shortens the sequence `every` "
                                            "times before the mask meets it; the mask is taken every `every`-th "
                                            "position where it is passed (`mask_arg`)")
_POOLS = ("MaxPool1d", "AvgPool1d", "MaxPool2d", "AvgPool2d")


def _downsampled_mask(ctx: Context, f: Finding) -> list[Edit]:
    """A mask `k` times as long as the sequence it meets, that sequence made by the user's module built with a
    stride (a strided convolution, a pooling): where a user frame passes the mask along beside that module's
    output, the mask is taken at every k-th position and cut to the output's length
    (`self.pool(frames, sample_mask)` → `self.pool(frames, sample_mask[:, ::4][:, :frames.size(1)])`)."""
    mask_len, other_len = f.hints.get("mask_len"), f.hints.get("other_len")
    if not (isinstance(mask_len, int) and isinstance(other_len, int) and 1 < other_len < mask_len):
        return []
    k = round(mask_len / other_len)  # a stride k gives floor or ceil of mask_len / k positions (padding, kernel)
    if k < 2 or other_len not in (mask_len // k, -(-mask_len // k)):
        return []
    for frame in ctx.user_frames():
        found = failing_statement(frame)
        tree = src.tree_of(frame.file)
        if found is None or tree is None:
            continue
        passed = [a for a in frame.call_args if (t := frame.tensor(a.text)) is not None and t.shape[-1:] == (mask_len,)]
        short = [t for t in frame.tensors if t.expr.isidentifier() and len(t.shape) >= 2 and t.shape[1] == other_len]
        scope = src.enclosing_scope(tree, frame.line)
        for t in short:
            made = src.assignments(tree, t.expr, scope, before=frame.line)  # `frames = self.rnn(frames)` too
            strided = []
            for a in reversed(made):  # the latest assignment with a strided module: the last change of length
                modules = [c for c in src.calls(a.value) if isinstance(c.func, ast.Attribute)
                           and isinstance(c.func.value, ast.Name)]
                strided = [(c, s) for c in modules for s in [_stride_of(tree, src.segment(frame.file, c.func))] if s]
                if strided:
                    break
            if len(strided) != 1 or len(passed) != 1:
                continue
            module, stride = strided[0]
            node = find_expr(frame.file, found[1], passed[0].text)
            if node is None:
                continue
            f.facts.add(MASK_DOWNSAMPLED)
            f.values.update(strided=src.segment(frame.file, module.func), stride_text=stride, every=k,
                            mask_arg=passed[0].text)
            text = f"{src.segment(frame.file, node)}[:, ::{k}][:, :{t.expr}.size(1)]"
            later = [n for n in src.nodes(scope, ast.Name) if isinstance(node, ast.Name) and n.id == node.id
                     and n.lineno > (found[1].end_lineno or found[1].lineno)]
            if later:  # the mask is read again after this call (a pooling over the same positions): rebound
                e = src.insert_before(frame.file, found[1], f"{node.id} = {text}")
                return [e] if e else []
            return edits_of(src.LineEditor.for_node(frame.file, found[1]).replace(node, text))
    return []


def _stride_of(tree: ast.Module, name: str) -> str | None:
    """How the module assigned to `name` (`self.frontend = nn.Sequential(nn.Conv1d(..., stride=4), ...)`) is
    built with a stride: the `stride=` keyword's text, or the pooling class; None when it has none."""
    for a in src.nodes(tree, ast.Assign):
        if not any(ast.unparse(t) == name for t in a.targets):
            continue
        for c in src.calls(a.value):
            kw = src.keyword(c, "stride")
            if kw is not None and not (isinstance(kw.value, ast.Constant) and kw.value.value == 1):
                return f"stride={ast.unparse(kw.value)}"
            if src.call_name(c).split(".")[-1] in _POOLS:
                return src.call_name(c).split(".")[-1]
    return None


def _same_batch_mask(ctx: Context, f: Finding) -> list[Edit]:
    """`model(input_ids=enc.input_ids, attention_mask=full.attention_mask[i:j])` → `enc.attention_mask`."""
    mask, oarg = f.hints["mask"], f.hints.get("other_arg")
    frame = ctx.frames[mask.frame]
    if oarg is None:
        return []
    m = re.fullmatch(r"(.+?)(\.input_ids|\[[\"']input_ids[\"']\])", oarg.text.strip())
    if m is None:
        return []
    root = m.group(1)
    own = frame.tensor(f'{root}["attention_mask"]') or frame.tensor(f"{root}.attention_mask")
    if own is None or not own.shape or own.shape[-1] != f.hints.get("other_len"):
        return []
    text = f"{root}.attention_mask" if m.group(2).startswith(".") else f'{root}["attention_mask"]'
    found = failing_statement(frame)
    node = find_expr(frame.file, found[1], f.hints["mask_arg"].text) if found else None
    if node is None:
        return []
    return edits_of(src.LineEditor.for_node(frame.file, found[1]).replace(node, text))


def _mask_slice(ctx: Context, f: Finding) -> list[Edit]:
    """A mask longer than the inputs (padded to a fixed or a dataset-wide length) cut to their length
    where it is used: its extra columns are padding."""
    mask, other = f.hints.get("mask"), f.hints.get("other")
    other_len, mask_len = f.hints.get("other_len"), f.hints.get("mask_len")
    if mask is None or other is None or not isinstance(mask_len, int) or not isinstance(other_len, int):
        return []
    if mask_len <= other_len or other_len not in other.shape or mask.shape[-1:] != (mask_len,):
        return []
    frame = ctx.frames[mask.frame]
    found = failing_statement(frame)
    if found is None:
        return []
    stmt = found[1]
    last = len(other.shape) - 1 - tuple(other.shape)[::-1].index(other_len)  # the sequence: the last such dim
    dim = f.values.get("dim")
    if str(dim).isdigit() and int(dim) < len(other.shape) and other.shape[int(dim)] == other_len:
        last = int(dim)  # the dimension the sizes failed at, when more than one has that length
    length = f"{other.expr}.size({last})"
    cut = f"[..., :{length}]"
    if len(mask.shape) >= 2 and mask.shape[-2] == mask_len != other.shape[0]:  # square (causal): both axes positions
        cut = f"[..., :{length}, :{length}]"
    held = mask.expr.lstrip("~")  # a batch's attribute or entry read again later (`batch.keep` in a pooling step,
    # `batch["keep"]` on the next line too), cut once before the line; not `self.`'s
    own_frame = frame.index == ctx.report.user_frame
    if (mask.expr.isidentifier() or re.fullmatch(r"(?!self\.)\w+(\.\w+)+|\w+\[[\"']\w+[\"']\]", held)) and own_frame \
            and frame.tensor(other.expr) is not None:
        made = src.insert_before(frame.file, stmt, f"{held} = {held}{cut}")
        return [made] if made else []
    node = find_expr(frame.file, stmt, mask.expr)
    if node is None:
        return []
    return edits_of(src.LineEditor.for_node(frame.file, stmt).replace(node, f"{mask.expr}{cut}"))


def _mask_construction(ctx: Context, f: Finding) -> list[Edit]:
    outer = f.hints.get("mask_outer")
    other_len, mask_len = f.hints.get("other_len"), f.hints.get("mask_len")
    if outer is None:
        return []
    frame = ctx.frames[outer.frame]
    tree = src.tree_of(frame.file)
    if tree is None:
        return []
    name = re.split(r"[\[.]", outer.expr, maxsplit=1)[0]
    a = src.last_assignment(tree, name, frame.line) if name.isidentifier() and name == outer.expr.split("[")[0] \
        .split(".")[0] else None
    if a is None:  # a mask built right in the call (`encoder(x, src_key_padding_mask=torch.zeros(2, 4))`)
        found = failing_statement(frame)
        made = find_expr(frame.file, found[1], outer.expr) if found else None
        if made is None or not isinstance(made, ast.Call):  # a name made elsewhere: where the provenance goes
            return _construction_upstream(ctx, f, set(f.hints.get("consts") or []), mask_len, other_len)
        a = src.Assignment(found[1], made)
    consts = set(f.hints.get("consts") or [])
    made = _construct_at(ctx, frame, tree, a, name, consts, mask_len, other_len, outer)
    return made or _construction_upstream(ctx, f, consts, mask_len, other_len)


def _construction_upstream(ctx: Context, f: Finding, consts: set[str], mask_len: Any, other_len: Any) -> list[Edit]:
    """The mask at the failing line derived from one made earlier (`weights = attention_mask.unsqueeze(-1)`,
    a parameter the caller passed): the construction edited where the provenance reaches it, in a frame of
    the stack whose tensors give the batch's length."""
    mask = f.hints.get("mask")
    if mask is None:
        return []
    for o in provenance.trace(ctx, mask)[1:]:
        frame = next((fr for fr in ctx.user_frames() if fr.file == o.file and fr.function == o.function
                      and not fr.library), None)
        if frame is None:  # a function that ran earlier (a collate): only its source is known
            made = _width_beside(ctx, f, o)
            if made:
                return made
            continue
        tree = src.tree_of(o.file) if frame is not None else None
        stmt = src.statement_at(tree, o.line) if tree is not None else None
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        if isinstance(stmt.value, ast.Call) and src.call_name(stmt.value).split(".")[-1] == "DataLoader":
            continue  # the loader the batches come from: the mask is made further on, in its collate function
        name = stmt.targets[0].id
        made = _construct_at(ctx, frame, tree, src.Assignment(stmt, stmt.value), name, consts, mask_len,
                             other_len, frame.tensor(name))
        if made:
            return made
    return _collated_width(ctx, f, mask) or _stage_width(ctx, f, mask, consts, mask_len, other_len)


def _stage_width(ctx: Context, f: Finding, mask: Any, consts: set[str], mask_len: Any, other_len: Any) -> list[Edit]:
    """A mask kept as an attribute of a batch object (`batch.pad_mask`) and built by the one statement of the user's
    files that sets that attribute, as positions `torch.arange(W)` compared with the rows' lengths
    (`positions < lengths[:, None]`), W a constant wider than the batch: the mask is as wide as the longest row,
    which is how wide a batch padded to its longest row is."""
    from ..analyzers.classes import user_files
    expr = mask.expr.lstrip("~")  # `~batch.keep`: the attribute's mask, inverted where it is given
    attr = expr.rpartition(".")[2] if re.fullmatch(r"\w+(\.\w+)+", expr) else None
    if attr is None or not isinstance(mask_len, int) or not isinstance(other_len, int) or other_len >= mask_len:
        return []
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for a in src.nodes(tree, ast.Assign) if tree is not None else ():
            if len(a.targets) == 1 and isinstance(a.targets[0], ast.Attribute) and a.targets[0].attr == attr:
                found.append((file, tree, a))
    if len(found) != 1:
        return []
    file, tree, a = found[0]
    fn = src.enclosing_scope(tree, a.lineno)
    compared = [c for c in ast.walk(a.value) if isinstance(c, ast.Compare) and len(c.comparators) == 1]
    if len(compared) != 1:
        return []
    sides = [compared[0].left, compared[0].comparators[0]]
    for k, side in enumerate(sides):
        width = _positions_width(tree, fn, side, a.lineno, consts, mask_len)
        lengths = [n for n in ast.walk(sides[1 - k]) if isinstance(n, ast.Name)]
        if width is not None and len(lengths) == 1:
            stmt, node = width
            return edits_of(src.LineEditor.for_node(file, stmt).replace(node, f"int({lengths[0].id}.max())"))
    return []


def _positions_width(tree: ast.Module, fn: ast.AST, side: ast.expr, before: int, consts: set[str],
                     mask_len: int) -> tuple[ast.stmt, ast.expr] | None:
    """(statement, W) of the `torch.arange(W)` that `side` is, or that the local `side` names was made from, when W
    is one of the mask's constants or its width written as a number."""
    stmt = src.statement_at(tree, side.lineno)
    base = side
    while isinstance(base, (ast.Call, ast.Subscript, ast.Attribute)):
        base = base.func if isinstance(base, ast.Call) else base.value
    if isinstance(base, ast.Name) and not (isinstance(side, ast.Call) and "arange" in src.call_name(side)):
        made = src.assignments(tree, base.id, fn)
        made = [m for m in made if m.stmt.lineno < before]
        if len(made) == 1:
            stmt, side = made[0].stmt, made[0].value
    for c in ast.walk(side):
        if isinstance(c, ast.Call) and src.call_name(c).split(".")[-1] == "arange" and len(c.args) == 1:
            w = c.args[0]
            if (isinstance(w, ast.Name) and w.id in consts) or (isinstance(w, ast.Constant) and w.value == mask_len):
                return stmt, w
    return None


MASK_COLLATED = fact("mask-collated", "the batch's `mask_key` is made in the user's collate function `collator` as "
                                      "`mask_made` (line `mask_line`), `width` wide, beside a batch padded to its own "
                                      "width `padded_width`")


def _collated_width(ctx: Context, f: Finding, mask: Any) -> list[Edit]:
    """A mask that reached the model as a batch's item (`batch["frame_mask"]`, a batch a library loop or a
    DataLoader handed over): the one collate function of the user's files that returns that key, where the
    mask is `torch.arange(W) < lengths[:, None]` beside a `pad_sequence` batch; W becomes that batch's width."""
    from ..analyzers.collators import returned_mappings
    width = mask.shape[-2] if len(mask.shape) == 3 and mask.shape[-1] == 1 else mask.shape[-1] if mask.shape else None
    items = [u for fr in ctx.user_frames() for u in fr.tensors if u.shape[-1:] == (width,) and len(u.shape) == 2]
    keys = {m.group(1) for u in [mask, *items] for m in [re.fullmatch(r"\w+\[[\"'](\w+)[\"']\]", u.expr)] if m}
    keys |= {u.expr for u in items if u.expr in ctx.frames[u.frame].params}  # `forward(**batch)`: named by key
    own = re.fullmatch(r"\w+\[[\"'](\w+)[\"']\]", mask.expr)
    own_key = own.group(1) if own else mask.expr  # rows filled up to each item's length: the mask's own only
    found = []
    for file, tree, fn, ret, items in returned_mappings(ctx):
        for key in keys:
            value = _unwrapped(items.get(key))
            made = src.assignments(tree, value.id, fn, before=ret.lineno) if isinstance(value, ast.Name) else []
            stmt = made[-1].stmt if made else None
            width = _arange_width(stmt) if stmt is not None else None
            rows = _rows_filled_to(fn, value.id, width) if width is not None and isinstance(value, ast.Name) \
                and key == own_key else None
            if rows is not None and _padded_beside(tree, stmt) is None:  # no padded batch here: the longest row
                found.append(_width_set(file, tree, fn, stmt, width, rows, key))
                continue
            if width is None and stmt is not None:  # `mask = lengths_to_mask(lengths, W)` beside ids W + k wide
                from types import SimpleNamespace
                helped = helper_width_beside(ctx, f, SimpleNamespace(file=file, function=fn.name), tree, stmt)
                if helped:
                    return helped
            padded = _padded_beside(tree, stmt) if width is not None else None
            if padded:
                found.append((edits_of(src.LineEditor.for_node(file, stmt).replace(width, padded)),
                              dict(mask_key=key, collator=fn.name, mask_made=" ".join(src.segment(file, stmt).split()),
                                   mask_line=stmt.lineno, width=src.segment(file, width), padded_width=padded)))
    if len(found) > 1 and any("rows_filled" in v for _, v in found):
        found = [(e, v) for e, v in found if "rows_filled" in v]  # the mask's own rows, not a sibling's width
    if len(found) != 1 or not found[0][0]:
        return []
    f.facts.add(MASK_ROWS_LONGEST if "rows_filled" in found[0][1] else MASK_COLLATED)
    f.values.update(found[0][1])
    return found[0][0]


MASK_ROWS_LONGEST = fact("mask-rows-longest", "the batch's `mask_key` is made in the user's collate function "
                                              "`collator` `width` wide, a setting, and filled row by row up to each "
                                              "item's own length: the batch's width is `rows_filled`")


def _unwrapped(value: ast.AST | None) -> ast.AST | None:
    """The array a returned entry is made of: `torch.from_numpy(pad_mask)`, `torch.tensor(m)`, `m.bool()` → `m`."""
    while isinstance(value, ast.Call):
        if src.call_name(value) in ("torch.from_numpy", "torch.tensor", "torch.as_tensor") and len(value.args) == 1:
            value = value.args[0]
        elif isinstance(value.func, ast.Attribute) and value.func.attr in ("bool", "long", "float") and not value.args:
            value = value.func.value
        else:
            break
    return value


def _rows_filled_to(fn: ast.FunctionDef, name: str, width: ast.expr) -> str | None:
    """`max(len(doc.clauses) for doc in contracts)` when `fn` marks row `i` of `name` up to `len(X)` with a constant
    in a loop `for i, doc in enumerate(contracts)` (`pad_mask[i, :len(doc.clauses)] = False`), and the width is a setting
    rather than anything measured on the items: the longest row is the batch's own width."""
    if any(isinstance(n, ast.Call) and src.call_name(n) in ("len", "max") for n in ast.walk(width)):
        return None
    for loop in src.nodes(fn, ast.For):
        it = loop.iter
        if not (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and len(it.args) == 1
                and isinstance(loop.target, ast.Tuple) and len(loop.target.elts) == 2
                and all(isinstance(e, ast.Name) for e in loop.target.elts)):
            continue
        i, item = (e.id for e in loop.target.elts)
        for st in src.nodes(loop, ast.Assign):
            tgt = st.targets[0]
            if not (isinstance(tgt, ast.Subscript) and isinstance(tgt.value, ast.Name) and tgt.value.id == name
                    and isinstance(tgt.slice, ast.Tuple) and len(tgt.slice.elts) == 2):
                continue
            row, cut = tgt.slice.elts
            if not (isinstance(st.value, ast.Constant) and st.value.value in (True, False, 0, 1)):
                continue  # a mask's row is marked with a constant; a row given the item's own values is data
            if isinstance(row, ast.Name) and row.id == i and isinstance(cut, ast.Slice) and cut.lower is None \
                    and cut.step is None and isinstance(cut.upper, ast.Call) and src.call_name(cut.upper) == "len" \
                    and item in src.names_in(cut.upper):
                return f"max({ast.unparse(cut.upper)} for {item} in {ast.unparse(it.args[0])})"
    return None


def _width_set(file: str, tree: ast.Module, fn: ast.FunctionDef, stmt: ast.stmt, width: ast.expr, rows: str,
               key: str) -> tuple[list[Edit], dict]:
    """The edit that gives the mask its batch's longest row: where a plain name `width` is set in `fn` (so the
    other arrays made with it follow), else in the mask's own statement."""
    values = dict(mask_key=key, collator=fn.name, mask_made=" ".join(src.segment(file, stmt).split()),
                  mask_line=stmt.lineno, width=src.segment(file, width), padded_width=rows, rows_filled=rows,
                  replaced=src.segment(file, width))
    if isinstance(width, ast.Name):
        set_ = src.assignments(tree, width.id, fn, before=stmt.lineno)
        if len(set_) == 1 and not set_[0].augmented and isinstance(set_[0].stmt, ast.Assign):
            values.update(mask_made=" ".join(src.segment(file, set_[0].stmt).split()), mask_line=set_[0].stmt.lineno,
                          replaced=src.segment(file, set_[0].value))
            return edits_of(src.LineEditor.for_node(file, set_[0].stmt).replace(set_[0].value, rows)), values
    return edits_of(src.LineEditor.for_node(file, stmt).replace(width, rows)), values


def _arange_width(stmt: ast.stmt) -> ast.expr | None:
    """W of the one `torch.arange(W)` compared in a mask's assignment (`torch.arange(W)[None] < lengths[:, None]`),
    or of a (rows, W) mask made empty to be filled row by row (`torch.zeros(len(seqs), W)`, `torch.ones((B, W))`)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    ranges = [c for n in ast.walk(stmt.value) if isinstance(n, ast.Compare) for c in ast.walk(n)
              if isinstance(c, ast.Call) and src.call_name(c).split(".")[-1] == "arange" and len(c.args) in (1, 2)]
    if len(ranges) == 1:
        return ranges[0].args[-1]
    return _filled_width(stmt.value)


_EMPTY_MAKERS = {"torch.zeros", "torch.ones", "torch.full", "torch.empty", "np.zeros", "np.ones", "np.full",
                 "np.empty", "numpy.zeros", "numpy.ones", "numpy.full", "numpy.empty"}


def _filled_width(value: ast.expr) -> ast.expr | None:
    """W of `torch.zeros(B, W)` / `torch.zeros((B, W))` / `torch.full((B, W), v)` (a 2-D tensor made empty), when W
    is not itself read off a tensor's size (that width already follows the batch)."""
    if not (isinstance(value, ast.Call) and src.call_name(value) in _EMPTY_MAKERS and value.args):
        return None
    sizes = value.args[0].elts if isinstance(value.args[0], (ast.Tuple, ast.List)) else \
        value.args if src.call_name(value) not in ("torch.full", "np.full", "numpy.full") else []
    if len(sizes) != 2 or any(isinstance(x, ast.Starred) for x in sizes):
        return None
    width = sizes[1]
    follows = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "size"
                  or isinstance(n, ast.Attribute) and n.attr == "shape" for n in ast.walk(width))
    return None if follows else width


def _width_beside(ctx: Context, f: Finding, o: Any) -> list[Edit]:
    """A mask built as `torch.arange(W) >= lengths[:, None]` in a function that ran before the failure (a
    collate), next to the tensor it must fit (`tokens = pad_sequence(ids, ...)`, found by that tensor's own
    provenance in the same function): W, whatever it is, becomes that tensor's length."""
    other, other_len = f.hints.get("other"), f.hints.get("other_len")
    tree = src.tree_of(o.file)
    stmt = src.statement_at(tree, o.line) if tree is not None else None
    width = _arange_width(stmt) if stmt is not None else None
    if other is not None and other_len in other.shape and width is None and stmt is not None:
        return _longest_in_helper(ctx, f, o, tree, stmt) or helper_width_beside(ctx, f, o, tree, stmt)
    fn = src.enclosing_scope(tree, stmt.lineno) if width is not None else None
    rows = _rows_filled_to(fn, stmt.targets[0].id, width) if isinstance(fn, ast.FunctionDef) else None
    if rows is not None and _padded_beside(tree, stmt) is None:  # filled row by row: the longest row's width
        edits, values = _width_set(o.file, tree, fn, stmt, width, rows, stmt.targets[0].id)
        f.facts.add(MASK_ROWS_LONGEST)
        f.values.update(values)
        return edits
    if other is None or other_len not in other.shape or width is None:
        return []
    for p in provenance.trace(ctx, other):
        layers = {m.expr for fr in ctx.user_frames() if fr.function == p.function for m in fr.modules
                  if m.cls.startswith("Conv") or "Pool" in m.cls}  # a layer that changes the sequence's length
        if any(re.search(rf"(?<![\w.]){re.escape(m)}\s*\(", p.source or "") for m in layers):
            break  # made by a layer from another tensor (`self.framer(wav)`): that tensor's sizes are not its own
        made = src.statement_at(tree, p.line) if p.file == o.file and p.function == o.function else None
        if isinstance(made, ast.Assign) and len(made.targets) == 1 and isinstance(made.targets[0], ast.Name) \
                and made.lineno < stmt.lineno:
            length = f"{made.targets[0].id}.size({other.shape.index(other_len)})"
            return edits_of(src.LineEditor.for_node(o.file, stmt).replace(width, length))
    padded = _padded_beside(tree, stmt)
    return edits_of(src.LineEditor.for_node(o.file, stmt).replace(width, padded)) if padded else []


def _longest_of_param(node: ast.AST, params: set[str]) -> bool:
    """`lens.max()`, `max(lens)`, `int(np.max(lens))`: the longest of a parameter's values."""
    return any(isinstance(c, ast.Call) and src.call_name(c).split(".")[-1] == "max"
               and set(src.names_in(c)) & params for c in ast.walk(node))


def _padding_width(tree: ast.Module, stmt: ast.stmt, helpers: list[ast.Call]) -> list[str]:
    """The width the inputs are padded to beside the mask helper's calls: a name the other calls of the statement
    are given (`pad_to(seqs, width, pad_id)`), assigned in the function before it as the longest of something
    (`width = max(len(s) for s in seqs)`)."""
    scope = src.enclosing_scope(tree, stmt.lineno)
    out = []
    for call in src.calls(stmt):
        if any(call is h for h in helpers) or any(src.contains(h, call.lineno) and call in list(ast.walk(h))
                                                  for h in helpers):
            continue
        for a in call.args:
            made = src.last_assignment(tree, a.id, stmt.lineno) if isinstance(a, ast.Name) else None
            if made is not None and src.enclosing_scope(tree, made.stmt.lineno) is scope and any(
                    isinstance(c, ast.Call) and src.call_name(c) == "max" for c in ast.walk(made.value)):
                out.append(a.id)
    return out


def _longest_in_helper(ctx: Context, f: Finding, o: Any, tree: ast.Module, stmt: ast.stmt) -> list[Edit]:
    """The mask made by a helper of the file called once (`m = level_mask(lens)`) that sizes it by the longest
    of its lengths (`np.arange(lens.max())`), in a function that pads the tensor the mask must fit to a width
    of its own (`x = pad_stack(rows, NZMAX)`, a setting as long as that tensor): the helper takes the width as a
    parameter and the call passes the one the tensor was padded to."""
    other, other_len, file = f.hints["other"], f.hints["other_len"], o.file
    from ..provenance import user_function
    helpers = [(c, fn) for c in src.calls(stmt) for fn in [user_function(tree, c, stmt.lineno)]
               if isinstance(fn, ast.FunctionDef) and not c.keywords
               and any(_longest_of_param(r.args[0], {a.arg for a in fn.args.args}) for r in _ranges(fn))]
    if not helpers or len({id(fn) for _, fn in helpers}) != 1 \
            or len(src.callers_of(tree, helpers[0][1])) != len(helpers):
        return []  # one helper, every call of which is in this statement (the mask of each side of a pair)
    calls, fn = [c for c, _ in helpers], helpers[0][1]
    params = {a.arg for a in fn.args.args}
    sized = [c.args[0] for c in _ranges(fn) if _longest_of_param(c.args[0], params)]
    if len(sized) != 1 or any(len(fn.args.args) != len(c.args) for c in calls) or fn.args.vararg \
            or fn.args.kwonlyargs or fn.args.defaults or "width" in {n.id for n in src.nodes(fn, ast.Name)} | params:
        return []
    settings = set(ctx.scalar_names(other_len))
    made = [src.statement_at(tree, p.line) for p in provenance.trace(ctx, other)
            if p.file == file and p.function == o.function and p.line < stmt.lineno]
    widths = [n.id for a in made if isinstance(a, ast.Assign) for n in ast.walk(a.value)
              if isinstance(n, ast.Name) and n.id in settings] or _padding_width(tree, stmt, calls)
    if len(set(widths)) != 1:
        return []
    inside = src.LineEditor.for_node(file, fn).replace(fn.args.args[-1], f"{fn.args.args[-1].arg}, width")
    inside.replace(sized[0], "width")
    at_call = src.LineEditor.for_node(file, stmt)
    for call in calls:
        at_call.replace(call.args[-1], f"{src.segment(file, call.args[-1])}, {widths[0]}")
    found = edits_of(inside) + edits_of(at_call)
    if len(found) != 2:
        return []
    f.facts.add(MASK_HELPER_LONGEST)
    f.values.update(mask_helper=fn.name, longest=src.segment(file, sized[0]), mask_width_new=widths[0])
    return found


def _padded_beside(tree: ast.Module, stmt: ast.stmt) -> str | None:
    """`tokens.size(1)` for the one batch padded with `pad_sequence` in the function that builds the mask at
    `stmt`, before it (`tokens = pad_sequence(seqs, batch_first=True, ...)`): the width the mask must have."""
    fn = src.enclosing_scope(tree, stmt.lineno)
    if not isinstance(fn, ast.FunctionDef):
        return None
    found = [a for a in src.statements(fn, nested=True) if isinstance(a, ast.Assign) and a.lineno < stmt.lineno
             and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Call)
             and src.call_name(a.value).split(".")[-1] == "pad_sequence"]
    if len(found) != 1:
        return None
    first = src.keyword(found[0].value, "batch_first")
    batch_first = first is not None and isinstance(first.value, ast.Constant) and first.value.value is True
    return f"{found[0].targets[0].id}.size({1 if batch_first else 0})"


def _construct_at(ctx: Context, frame: FrameFacts, tree: ast.Module, a: Any, name: str, consts: set[str],
                  mask_len: Any, other_len: Any, outer: Any) -> list[Edit]:
    """Edit the assignment `a` that built the mask `name` in `frame`, sizing it by a tensor of the frame with
    the batch's length."""
    if isinstance(a.stmt, ast.Assign) and isinstance(a.stmt.targets[0], ast.Tuple) and a.value is a.stmt.value:
        return _through_collate(ctx, frame, a.stmt, name, consts, mask_len, other_len)
    sized = [t for t in frame.tensors if other_len in t.shape and t.expr.isidentifier()
             and (outer is None or t.ident != outer.ident)]
    sized.sort(key=lambda t: (not t.is_integer, len(t.shape)))
    if not sized:
        return []
    length = f"{sized[0].expr}.size({sized[0].shape.index(other_len)})"
    bound = bound_names(frame.file, a.stmt.lineno) or set()
    if sized[0].expr not in bound:  # `ids_t = torch.from_numpy(note_ids)` made after the mask: its source then
        source = _converted_from(tree, sized[0].expr, frame.line)
        if source is not None and source in bound:
            length = f"{source}.shape[{sized[0].shape.index(other_len)}]"
    e = src.LineEditor.for_node(frame.file, a.stmt)
    hits = [n for n in ast.walk(a.value) if (isinstance(n, ast.Name) and n.id in consts)
            or (isinstance(n, ast.Constant) and n.value == mask_len and type(n.value) is int)]
    if hits:
        for h in hits:
            e.replace(h, length)
        return edits_of(e)
    if isinstance(a.value, ast.Call) and isinstance(a.value.func, ast.Name):
        fn = next((d for d in src.nodes(tree, ast.FunctionDef) if d.name == a.value.func.id), None)
        if fn is not None:
            params = fn.args.args
            defaults = dict(zip([p.arg for p in params][len(params) - len(fn.args.defaults):], fn.args.defaults))
            for p, d in defaults.items():
                if (isinstance(d, ast.Name) and d.id in consts) or _static_int(d, tree) == mask_len:
                    if src.keyword(a.value, p) is None:
                        e.add_keywords(a.value, f"{p}={length}")
                        return edits_of(e)
            return _width_parameter(frame.file, fn, a, consts, mask_len, length)
    return []


def _converted_from(tree: ast.Module, name: str, line: int) -> str | None:
    """`note_ids` of `ids_t = torch.from_numpy(note_ids)` (also torch.tensor / torch.as_tensor): the array the
    tensor `name` holds the values of, with the same shape."""
    made = src.last_assignment(tree, name, line)
    value = made.value if made is not None else None
    if isinstance(value, ast.Call) and src.call_name(value) in ("torch.from_numpy", "torch.as_tensor", "torch.tensor") \
            and len(value.args) == 1 and isinstance(value.args[0], ast.Name):
        return value.args[0].id
    return None


def _width_parameter(file: str, fn: ast.FunctionDef, a: src.Assignment, consts: set[str], mask_len: Any,
                     length: str) -> list[Edit]:
    """A helper whose body sizes the mask with a constant (`torch.arange(MAX_TOKENS)`): the constant becomes
    the default of a new parameter (other callers keep it), and the call passes the batch's width."""
    uses = [n for n in src.walk_scope(fn) if (isinstance(n, ast.Name) and n.id in consts)
            or (isinstance(n, ast.Constant) and n.value == mask_len and type(n.value) is int)]
    stmts = {id(src.statement_at(src.tree_of(file), n.lineno)): src.statement_at(src.tree_of(file), n.lineno)
             for n in uses}
    args = fn.args
    taken = {x.arg for x in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    param = next((p for p in ("width", "length", "seq_len", "max_len") if p not in taken), None)
    if (len(stmts) != 1 or None in stmts.values() or not args.args or args.vararg or args.kwarg
            or args.kwonlyargs or param is None or fn.body[0].lineno == fn.lineno):
        return []
    default = src.segment(file, uses[0])
    last = args.defaults[-1] if args.defaults else args.args[-1]
    body_stmt = next(iter(stmts.values()))
    # one edit from the signature to the statement that uses the new parameter: checked as one block
    helper = src.LineEditor(file, fn.lineno, body_stmt.end_lineno or body_stmt.lineno)
    helper.replace(last, f"{src.segment(file, last)}, {param}={default}")
    for n in uses:
        helper.replace(n, param)
    call = src.LineEditor.for_node(file, a.stmt).add_keywords(a.value, f"{param}={length}")
    made = [helper.edit(), call.edit()]
    lines = [(m.start_line, m.end_line) for m in made if m is not None]
    overlap = any(x[1] >= y[0] for x, y in zip(sorted(lines), sorted(lines)[1:]))
    return [] if None in made or overlap else made  # type: ignore[return-value]


def _through_collate(ctx: Context, frame: FrameFacts, unpack: ast.Assign, name: str, consts: set[str],
                     mask_len: Any, other_len: Any) -> list[Edit]:
    """`ids, keep, y = batch` where the batch comes from a DataLoader's `collate_fn` that returns
    `ids, keep, ...`: the mask's width is fixed in the collate function; size it by the ids it returns."""
    targets = [t.id if isinstance(t, ast.Name) else None for t in unpack.targets[0].elts]
    sized = [(i, frame.tensor(n)) for i, n in enumerate(targets) if n and n != name and frame.tensor(n) is not None]
    sized = [(i, t) for i, t in sized if t is not None and other_len in t.shape[1:] and t.is_integer]
    if name not in targets or not sized:
        return []
    pos, ids = sized[0]
    for fr in dict.fromkeys(x.file for x in ctx.user_frames()):
        tree = src.tree_of(fr)
        for call in src.calls(tree) if tree is not None else ():
            kw = src.keyword(call, "collate_fn")
            if not (src.call_name(call).endswith("DataLoader") and kw is not None and isinstance(kw.value, ast.Name)):
                continue
            fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == kw.value.id), None)
            returns = [n for n in src.statements(fn) if isinstance(n, ast.Return)] if fn is not None else []
            ret = returns[-1].value if returns else None
            if not (isinstance(ret, ast.Tuple) and len(ret.elts) == len(targets)):
                continue
            made, ids_made = ret.elts[targets.index(name)], ret.elts[pos]
            if not (isinstance(made, ast.Name) and isinstance(ids_made, ast.Name)):
                continue
            built = [a for a in src.assignments(tree, made.id, fn) if a.stmt.lineno > fn.lineno]
            if not built:
                continue
            length = f"{ids_made.id}.size({ids.shape.index(other_len, 1)})"
            hits = [n for n in ast.walk(built[0].value) if (isinstance(n, ast.Name) and n.id in consts)
                    or (isinstance(n, ast.Constant) and n.value == mask_len and type(n.value) is int)]
            if hits:
                e = src.LineEditor.for_node(fr, built[0].stmt)
                for h in hits:
                    e.replace(h, length)
                return edits_of(e)
    return []


def _static_int(node: ast.AST, tree: ast.Module) -> int | None:
    """The int a default stands for, read without running anything: a number, a module-level constant, or
    an item of a module-level dict literal (`CFG["max_len"]`)."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    key = None
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        key, node = node.slice.value, node.value
    if not isinstance(node, ast.Name):
        return None
    made = [n.value for n in tree.body if isinstance(n, ast.Assign) and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name) and n.targets[0].id == node.id]
    value = made[-1] if made else None
    if key is not None and isinstance(value, ast.Dict):
        value = src.dict_item(value, key)
    return value.value if isinstance(value, ast.Constant) and type(value.value) is int else None


@locator("mask-bool")
def mask_bool(ctx: Context, f: Finding) -> Located:
    """The rewrite the analyzer planned (analyzers/maskdtype.py): a cast dropped where the mask was made,
    `1 - mask` → `~mask`, or the mask turned bool (or inverted, when the op wants True on the padding)
    where it is handed over."""
    factory = f.hints.get("mask_factory")
    if factory is not None:  # the batch entry made bool by the torch factory that makes it
        file, stmt, call = factory
        kind = f.values["factory_dtype"].removeprefix("dtype=")
        given = src.keyword(call, "dtype")
        editor = src.LineEditor.for_node(file, stmt)
        made = edits_of(editor.replace(given.value, kind) if given is not None else
                        editor.add_keywords(call, f"dtype={kind}"))
        if made:
            return made, None
    plan = f.hints.get("rewrite")
    if not plan:
        return [], None
    index, text, new, node = plan
    frame = ctx.frames[index] if isinstance(index, int) and 0 <= index < len(ctx.frames) else None
    if frame is None or frame.library:
        return [], None
    if node is not None and hasattr(node, "lineno"):
        stmt = statement_of(frame, node)
    else:
        found = failing_statement(frame)
        stmt = found[1] if found else None
        node = find_expr(frame.file, stmt, text) if stmt is not None and text else None
    if stmt is None or node is None:
        return [], None
    if text and new == f"{text}.bool()" and _read_again(frame, stmt, text):
        cast = src.insert_before(frame.file, stmt, f"{text} = {text}.bool()")
        if cast is not None:
            return [cast], None
    e = src.LineEditor.for_node(frame.file, stmt).replace(node, new)
    if text and new == f"{text}.bool()":
        _cast_sibling_masks(frame, stmt, node, e)
    return edits_of(e) + _same_hand_over(frame, stmt, node, new), None


def _read_again(frame, stmt: ast.stmt, name: str) -> bool:
    """The failing statement hands over a plain name (`src_key_padding_mask=pad_positions`) that later lines of
    the same scope read again (`h.masked_fill(pad_positions.unsqueeze(-1), 0.0)`, `~pad_positions`): the
    name itself is made bool before the statement, so that every use gets the bool mask."""
    tree = src.tree_of(frame.file)
    if tree is None or not name.isidentifier():
        return False
    scope = src.enclosing_scope(tree, stmt.lineno)
    end = stmt.end_lineno or stmt.lineno
    later = [n for n in src.walk_scope(scope) if isinstance(n, ast.Name) and n.id == name
             and isinstance(n.ctx, ast.Load) and n.lineno > end]
    subtracted = [n for n in src.walk_scope(scope) if getattr(n, "lineno", 0) > end and (  # `1 - mask`: bool cannot
        isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) and any(o in later for o in (n.left, n.right))
        or isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub) and n.operand in later)]
    return bool(later) and not subtracted


def _same_hand_over(frame, stmt: ast.stmt, node: ast.AST, new: str) -> list:
    """The other statements of the same scope that hand the same mask text to the same keyword
    (`encoder(x, src_key_padding_mask=b["keep"])` again for the evaluation batch): they get the same rewrite,
    or the script fails there next."""
    kw = next((k for c in src.calls(stmt) for k in c.keywords if k.value is node and k.arg), None)
    tree = src.tree_of(frame.file)
    if kw is None or tree is None:
        return []
    text = src.segment(frame.file, node)
    out = []
    for c in src.calls(src.enclosing_scope(tree, stmt.lineno)):
        other = src.keyword(c, kw.arg)
        held = src.statement_at(tree, c.lineno)
        if other is None or other.value is node or held is None or held is stmt or \
                src.segment(frame.file, other.value) != text:
            continue
        out += edits_of(src.LineEditor.for_node(frame.file, held).replace(other.value, new))
    return out


def _cast_sibling_masks(frame, stmt: ast.stmt, node: ast.AST, e) -> None:
    """The other masks the same call is given by keyword (`tgt_key_padding_mask=tgt_pad`,
    `memory_key_padding_mask=src_pad`), integer tensors of the frame like the one that failed, are made bool
    too: the call checks each of them in turn, so casting only the first would fail on the next."""
    failed = frame.tensor(src.segment(frame.file, node))
    call = next((c for c in src.calls(stmt) if any(k.value is node for k in c.keywords)), None)
    if failed is None or call is None:
        return
    for kw in call.keywords:
        t = frame.tensor(src.segment(frame.file, kw.value)) if kw.value is not node else None
        if (kw.arg and kw.arg.endswith("mask") and t is not None and t.dtype == failed.dtype
                and isinstance(kw.value, (ast.Name, ast.Attribute, ast.Subscript))):
            e.replace(kw.value, f"{src.segment(frame.file, kw.value)}.bool()")
