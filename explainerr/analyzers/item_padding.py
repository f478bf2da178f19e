"""A Dataset that tokenizes one text per item with `padding=True` (or "longest"): that pads to the longest text
of the same call, the text itself, so every item keeps its own length and a default collate cannot stack them.
`padding="max_length"` pads each item to the `max_length` the call already gives.  Read from the user's
Dataset's `__getitem__`, or its other methods that encode the examples one by one in a loop."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import _field_default

PADDING_SETTING = fact("padding-setting", "the padding that call gets is a setting's default, `padding_field` (line "
                                          "`padding_field_line`), that no construction changes")
PADDING_PER_ITEM = fact("padding-per-item", "`item_call` in `dataset` tokenizes one text per item with "
                                            "padding to the longest of the call: nothing is padded")


def padding_per_item(ctx: Context, f: Finding) -> bool:
    """Adds the fact, and the hint `padding_per_item` = (file, statement, padding value node), for the one
    tokenizer call in the user's Datasets' `__getitem__` with `padding=True`/"longest" and a `max_length=`."""
    from ..batches import user_datasets
    from ..fixes import is_tokenizer_call
    found = []
    for file, cls in user_datasets(ctx):
        tree = src.tree_of(file)
        for method in (n for n in cls.body if isinstance(n, ast.FunctionDef)) if tree else ():
            for call in _one_text_calls(method):
                pad, length = src.keyword(call, "padding"), src.keyword(call, "max_length")
                if pad is None or length is None or not is_tokenizer_call(call, ctx):
                    continue
                if isinstance(pad.value, ast.Constant) and pad.value.value in (True, "longest"):
                    found.append((file, f"{cls.name}.{method.name}", call, pad.value, length.value, None))
                    continue
                field = _field_default(tree, pad.value)  # `padding=self.cfg.padding` of `padding: object = True`
                if field is not None and isinstance(field.value, ast.Constant) and field.value.value in (True, "longest"):
                    found.append((file, f"{cls.name}.{method.name}", call, pad.value, length.value, field))
    if len(found) != 1:
        return False
    file, cls_name, call, pad, length, field = found[0]
    tree = src.tree_of(file)
    stmt = src.statement_at(tree, call.lineno)
    if stmt is None:
        return False
    f.facts.add(PADDING_PER_ITEM)
    length_field = _field_default(tree, length)
    given = length_field.value if length_field is not None else length
    f.values.update(item_call=" ".join(src.segment(file, call).split()), item_line=call.lineno,
                    item_dataset=cls_name, item_padding=src.segment(file, pad),
                    item_max_length=src.segment(file, length) + (
                        f"` = `{given.value}" if given is not length and isinstance(given, ast.Constant) else ""))
    f.hints["padding_per_item"] = (file, stmt, pad)
    if field is not None:  # the padding is a setting's default: the default is what is changed
        f.facts.add(PADDING_SETTING)
        f.values.update(padding_field=" ".join(src.segment(file, field).split()), padding_field_line=field.lineno)
        f.hints["padding_per_item"] = (file, field, field.value)
    f.confidence = "high"
    return True


def _one_text_calls(method: ast.FunctionDef):
    """The calls of `method` that encode one item's text: any in `__getitem__`; in another method (`__init__`
    encoding the examples one by one), those inside a `for` loop whose first argument is not a list of texts."""
    if method.name == "__getitem__":
        yield from (c for c in src.walk_scope(method) if isinstance(c, ast.Call))
        return
    for loop in (n for n in src.walk_scope(method) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)):
        for c in ast.walk(loop):  # a field of the item the loop walks (`ep["instruction"]`), not a chunk of texts
            if isinstance(c, ast.Call) and c.args and isinstance(c.args[0], (ast.Subscript, ast.Attribute)) and \
                    src.root_name(c.args[0]) == loop.target.id:
                yield c


UNTRUNCATED = fact("pad-without-truncation", "`cut_call` (line `cut_line`) pads to max_length = `cut_length` "
                                             "without truncation: one of the lengths is that max_length and "
                                             "another is longer (`cut_long`)")


def padded_not_truncated(ctx: Context, f: Finding, sizes: tuple[int, int] | None) -> bool:
    """The two lengths that differ are a tokenizer call's `max_length` (with `padding="max_length"`) and a
    longer one, and that call does not truncate: padding only lengthens, so a longer text keeps its length.
    Adds the fact and the hint `untruncated` = (file, statement, call)."""
    from ..fixes import is_tokenizer_call
    if not sizes or sizes[0] == sizes[1]:
        return False
    short, long = min(sizes), max(sizes)
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            pad, length, cut = (src.keyword(call, k) for k in ("padding", "max_length", "truncation"))
            if pad is None or length is None or not (isinstance(pad.value, ast.Constant)
                                                      and pad.value.value == "max_length"):
                continue
            if cut is not None and not (isinstance(cut.value, ast.Constant) and cut.value.value in (False, None)):
                continue
            value = length.value.value if isinstance(length.value, ast.Constant) else next(
                (fr.scalars.get(src.segment(file, length.value)) for fr in ctx.user_frames()
                 if src.segment(file, length.value) in fr.scalars), None)
            if value == short and is_tokenizer_call(call, ctx):
                found.append((file, tree, call, length))
    site = src.sole_site(found, 2)
    if site is None:
        return False
    (file, _, call, length), stmt = site
    f.facts.add(UNTRUNCATED)
    f.values.update(cut_call=" ".join(src.segment(file, call).split()), cut_line=call.lineno,
                    cut_length=src.segment(file, length.value), cut_long=long)
    f.hints["untruncated"] = (file, stmt, call)
    f.confidence = "high"
    return True
