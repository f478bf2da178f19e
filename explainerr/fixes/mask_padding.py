"""Fix for a mask made by its own tokenizer call, padded otherwise than the ids: `enc = tokenizer(texts,
padding="max_length", max_length=48, ...)` gives the ids, and `tokenizer(batch_texts, padding="longest")
["attention_mask"]` (in a lambda or a helper) gives the mask, so the mask is as wide as each batch's longest text
while the ids are 48 wide.  The mask's call is given the ids' call's padding and length settings.  Read from the
user's source: the one tokenizer call whose attention mask alone is read, and the one call that pads to a
maximum length."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit
from . import edits_of, tokenizes

MASK_PADDED_APART = fact("mask-padded-apart", "the mask is read off its own tokenizer call (`mask_call`, line "
                                              "`mask_call_line`), padded `mask_padding`, while the ids' call (line "
                                              "`ids_call_line`) pads to `ids_max`")

MASK_WIDTH_UNLIKE_IDS = fact("mask-width-unlike-ids", "`mask_helper_call` (line `mask_helper_line`) makes the mask "
                                                      "`mask_width` wide, while the tokenizer call beside it (line "
                                                      "`ids_call_line`) pads the ids to `max_length=ids_max`")

MASK_WIDTH_DEFAULT = fact("mask-width-default", "the mask helper's call leaves its `width_param` at the default "
                                                "`mask_width`")

_SETTINGS = ("padding", "truncation", "max_length")


def _padding(call: ast.Call) -> str | None:
    kw = src.keyword(call, "padding")
    return ast.unparse(kw.value) if kw is not None else None


def _mask_only(tree: ast.Module, call: ast.Call) -> bool:
    """The call's result is read only for its attention mask: `tok(...)["attention_mask"]` / `.attention_mask`."""
    for n in src.nodes(tree, ast.Subscript, ast.Attribute):
        if n.value is call:
            key = n.slice.value if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant) else \
                getattr(n, "attr", None)
            return key == "attention_mask"
    return False


def mask_padded_apart(ctx: Context, f: Finding) -> list[Edit]:
    from ..analyzers.classes import user_files
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        calls = [c for c in src.calls(tree) if tokenizes(c, ctx, tree)] if tree is not None else []
        masks = [c for c in calls if _mask_only(tree, c)]
        padded = [c for c in calls if c not in masks and _padding(c) in ("'max_length'", '"max_length"')
                  and src.keyword(c, "max_length") is not None]
        if len(masks) == 1 and len(padded) == 1 and _padding(masks[0]) not in ("'max_length'", '"max_length"'):
            found.append((file, masks[0], padded[0]))
    if len(found) != 1:
        return []
    file, mask, ids = found[0]
    stmt = src.statement_at(src.tree_of(file), mask.lineno)
    if stmt is None:
        return []
    editor = src.LineEditor.for_node(file, stmt)
    added = []
    for name in _SETTINGS:
        theirs, ours = src.keyword(ids, name), src.keyword(mask, name)
        if theirs is None:
            continue
        text = src.segment(file, theirs.value)
        if ours is not None:
            editor.replace(ours.value, text)
        else:
            added.append(f"{name}={text}")
    if added:
        editor.add_keywords(mask, ", ".join(added))
    made = edits_of(editor)
    if made:
        f.facts.add(MASK_PADDED_APART)
        f.values.update(mask_call=" ".join(src.segment(file, mask).split()), mask_call_line=mask.lineno,
                        mask_padding=f"with `padding={src.segment(file, src.keyword(mask, 'padding').value)}`"
                        if _padding(mask) else "without padding",
                        ids_call_line=ids.lineno, ids_max=src.segment(file, src.keyword(ids, "max_length").value))
    return made


def helper_width_unlike_ids(ctx: Context, f: Finding) -> list[Edit]:
    """`lengths_to_mask(lengths, cfg.max_events)` in the function whose tokenizer call pads the ids to
    `max_length=max_len`, another width: the helper is given the ids' width, where the ids' width is readable
    there.  Only when the two widths, where the frames or the text tell them, are the mask's and the ids'."""
    from ..analyzers.classes import static_int, user_files
    from ..analyzers.padded_to_max import width_helper_calls, width_helper_defaults
    from .checks import bound_names
    mask_len, other_len = f.hints.get("mask_len"), f.hints.get("other_len")
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        sized = width_helper_calls(tree)
        for call in (c for c in src.calls(tree) if tokenizes(c, ctx, tree)):
            most = src.keyword(call, "max_length")
            if most is None or _padding(call) not in ("'max_length'", '"max_length"'):
                continue
            scope = src.enclosing_scope(tree, call.lineno)
            beside = [(c, w) for c, w in sized if src.enclosing_scope(tree, c.lineno) is scope]
            left = [(c, p, d) for c, p, d in width_helper_defaults(tree) if src.enclosing_scope(tree, c.lineno) is scope]
            if not beside and len(left) == 1:  # `build_mask(ids, idents)`: the width left to its default
                helper, param, default = left[0]
                if static_int(ctx, tree, default) == mask_len and static_int(ctx, tree, most.value) in (None, other_len):
                    found.append((file, tree, call, most.value, helper, (param, default)))
                continue
            if len(beside) != 1 or ast.dump(beside[0][1]) == ast.dump(most.value):
                continue
            helper, width = beside[0]
            w, m = static_int(ctx, tree, width), static_int(ctx, tree, most.value)
            if w not in (None, mask_len) or m not in (None, other_len):
                continue
            found.append((file, tree, call, most.value, helper, width))
    if len(found) != 1:
        return []
    file, tree, call, ids_max, helper, width = found[0]
    text = src.segment(file, ids_max)
    if not set(src.names_in(ids_max)) <= (bound_names(file, helper.lineno) or set()):
        return []
    stmt = src.statement_at(tree, helper.lineno)
    if stmt is None:
        return []
    editor = src.LineEditor.for_node(file, stmt)
    if isinstance(width, tuple):  # the parameter left at its default: given the ids' width by keyword
        param, default = width
        made = edits_of(editor.add_keywords(helper, f"{param}={text}"))
        said = src.segment(file, default)
        if made:
            f.facts.add(MASK_WIDTH_DEFAULT)
            f.values["width_param"] = param
    else:
        made = edits_of(editor.replace(width, text))
        said = src.segment(file, width)
    if made:
        f.facts.add(MASK_WIDTH_UNLIKE_IDS)
        f.values.update(mask_helper_call=" ".join(src.segment(file, helper).split()), mask_helper_line=helper.lineno,
                        mask_width=said, ids_call_line=call.lineno, ids_max=text)
    return made
