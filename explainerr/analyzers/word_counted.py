"""A mask that counts words beside ids that count word pieces: one function of the user's makes the ids with a
tokenizer call (`tokenizer(texts, padding=True, ...)["input_ids"]`) and the mask from the texts' word counts
(`len(t.split())`), so the mask is as wide as the longest text in words while the ids are as wide as it is in
word pieces plus special tokens.  Read from the user's source: both assignments, in one function."""
from __future__ import annotations

import ast
from typing import NamedTuple

from .. import source as src
from ..facts import Context
from . import Finding, fact

MASK_COUNTS_WORDS = fact("mask-counts-words", "the mask is sized by word counts (`word_count`, line `mask_line`) "
                                              "while the ids are word pieces of `ids_call` (line `ids_line`)")


class WordCounted(NamedTuple):
    """The function's two assignments: the ids' (`ids = CALL["input_ids"]`, or `enc = CALL` read as
    `enc["input_ids"]`) and the mask's, with the tokenizer call and the encoding's name when it is kept whole."""

    file: str
    ids_stmt: ast.Assign
    call: ast.Call
    encoding: str | None
    mask_stmt: ast.Assign
    mask_name: str


def _word_count(node: ast.AST, split_names: set[str]) -> ast.Call | None:
    """`len(x.split())` / `len(words)` with `words = x.split()` in the function: the len call."""
    for n in ast.walk(node):
        if not (isinstance(n, ast.Call) and src.call_name(n) == "len" and len(n.args) == 1):
            continue
        arg = n.args[0]
        if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "split":
            return n
        if isinstance(arg, ast.Name) and arg.id in split_names:
            return n
    return None


def _in_order(fn: ast.AST) -> list[ast.stmt]:
    """The statements of `fn`'s own body (not of functions inside it), in the order of the source."""
    return sorted(src.statements(fn), key=lambda n: (n.lineno, n.col_offset))


def _split_names(fn: ast.AST) -> set[str]:
    return {t.id for a in _in_order(fn) if isinstance(a, ast.Assign)
            for t in a.targets if isinstance(t, ast.Name) and isinstance(a.value, ast.Call)
            and isinstance(a.value.func, ast.Attribute) and a.value.func.attr == "split"}


def _counted_names(fn: ast.AST, split_names: set[str]) -> dict[str, ast.Call]:
    """Locals of `fn` whose value is computed from word counts (`lengths = [len(t.split()) for t in texts]`,
    `width = max(lengths)`), each with the word-count call it goes back to."""
    out: dict[str, ast.Call] = {}
    for a in _in_order(fn):
        if not (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)):
            continue
        counted = _word_count(a.value, split_names)
        if counted is None:
            counted = next((out[n] for n in src.names_in(a.value) if n in out), None)
        if counted is not None:
            out.setdefault(a.targets[0].id, counted)
    return out


def counts_words(fn: ast.AST, node: ast.AST) -> bool:
    """`node` holds a word count (`len(text.split())`), or reads a local of `fn` computed from one (`n_words + 2`)."""
    splits = _split_names(fn)
    return _word_count(node, splits) is not None or any(n in _counted_names(fn, splits) for n in src.names_in(node))


def _counted_in_helper(tree: ast.Module, a: ast.Assign) -> ast.Call | None:
    """`mask = helper(texts, ...)` where the user's `helper` returns a mask sized by word counts of its own:
    the word-count call in the helper."""
    from ..provenance import user_function
    if not isinstance(a.value, ast.Call):
        return None
    fn = user_function(tree, a.value, a.lineno)
    if fn is None:
        return None
    splits = _split_names(fn)
    return next((c for stmt in _in_order(fn) if (c := _word_count(stmt, splits)) is not None), None)


def _ids_of_tokenizer(ctx: Context, fn: ast.AST) -> tuple[ast.Assign, ast.Call, str | None] | None:
    """The one assignment of `fn` that takes `input_ids` of a tokenizer call: `ids = CALL["input_ids"]` /
    `CALL.input_ids` (encoding None), or `enc = CALL` later read as `enc["input_ids"]` (assigned to a name, or
    else read where it is used)."""
    from ..fixes import is_tokenizer_call
    found = []
    kept = {}
    for a in _in_order(fn):
        if not (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)):
            continue
        v = a.value
        if isinstance(v, ast.Call) and is_tokenizer_call(v, ctx):
            kept[a.targets[0].id] = (a, v)
            continue
        key = v.slice.value if isinstance(v, ast.Subscript) and isinstance(v.slice, ast.Constant) else \
            v.attr if isinstance(v, ast.Attribute) else None
        base = v.value if isinstance(v, (ast.Subscript, ast.Attribute)) else None
        if key != "input_ids":
            continue
        if isinstance(base, ast.Call) and is_tokenizer_call(base, ctx):
            found.append((a, base, None))
        elif isinstance(base, ast.Name) and base.id in kept:
            found.append((kept[base.id][0], kept[base.id][1], base.id))
    if not found:  # `enc = CALL` read as `enc["input_ids"]` where it is used (`model(input_ids=enc["input_ids"])`)
        read = {n.value.id for n in ast.walk(fn) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
                and n.value.id in kept and isinstance(n.slice, ast.Constant) and n.slice.value == "input_ids"}
        found = [(kept[name][0], kept[name][1], name) for name in read]
    return found[0] if len(found) == 1 else None


def _specials(call: ast.Call) -> str:
    kw = src.keyword(call, "add_special_tokens")
    if kw is not None and not (isinstance(kw.value, ast.Constant) and kw.value.value is True):
        return ""
    return " and adds special tokens around the text"


def _given_with_width(tree: ast.Module, fn: ast.FunctionDef, name: str) -> bool:
    """`name` is an argument of a call in `fn` of the file's helper that makes a tensor at a width it is given
    (`span_mask(counts, width)`)."""
    from .padded_to_max import width_helper_calls
    return any(src.enclosing_scope(tree, c.lineno) is fn and any(isinstance(a, ast.Name) and a.id == name
                                                                  for a in c.args) for c, _ in width_helper_calls(tree))


def mask_counts_words(ctx: Context, f: Finding, mask_len: int, other_len: int) -> bool:
    """Adds the fact and the hint `mask_counts_words` (a WordCounted) when exactly one function of the user's
    files makes ids with a tokenizer call and, after it, a mask from the texts' word counts (a local named as a
    mask, or the one the failing mask traces back to; counted there or in the user's helper that makes it), and
    the mask is the shorter of the two."""
    from ..provenance import trace
    from .classes import user_files
    if other_len <= mask_len:
        return False
    seen = f.hints.get("mask")
    traced = {(o.file, o.line) for o in trace(ctx, seen)} if seen is not None and not ctx.frames[seen.frame].library \
        else set()
    found: list[tuple[WordCounted, ast.Call]] = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            ids = _ids_of_tokenizer(ctx, fn)
            if ids is None:
                continue
            splits = _split_names(fn)
            counted = _counted_names(fn, splits)
            for a in _in_order(fn):
                if not (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                        and a.lineno > ids[0].lineno
                        and ("mask" in a.targets[0].id.lower() or (file, a.lineno) in traced)):
                    continue
                if "mask" not in a.targets[0].id.lower() and _given_with_width(tree, fn, a.targets[0].id):
                    continue  # counts handed to a helper with a width of its own: the width sizes the mask
                count = _word_count(a.value, splits) or next(
                    (counted[n] for n in src.names_in(a.value) if n in counted), None) or _counted_in_helper(tree, a)
                if count is not None:  # the first: later ones are made from it (`model(ids, keep)`)
                    found.append((WordCounted(file, ids[0], ids[1], ids[2], a, a.targets[0].id), count))
                    break
    if len(found) != 1:
        return False
    made, count = found[0]
    f.facts.add(MASK_COUNTS_WORDS)
    f.values.update(word_count=" ".join(src.segment(made.file, count).split()), mask_line=made.mask_stmt.lineno,
                    ids_call=" ".join(src.segment(made.file, made.call).split()), ids_line=made.ids_stmt.lineno,
                    counted_mask=made.mask_name, specials=_specials(made.call))
    f.hints["mask_counts_words"] = made
    f.confidence = "high"
    return True
