"""A per-word table cut short by truncation: the tensor a loop indexes is read off `word_ids()` of an encoding
that a tokenizer call made with `truncation=True`, so the words past `max_length` have no entry, while the loop
counts every word of the text.  Read from the user's source: the tensor's provenance (or the user's helper
it was made by) and the one truncating tokenizer call of the user's files."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

WORDS_TRUNCATED = fact("words-truncated", "the indexed tensor is read off `word_ids()` of an encoding truncated by "
                                          "`trunc_call` (line `trunc_line`, max_length `trunc_max`)")


def _reads_word_ids(ctx: Context, tensor: TensorFacts) -> bool:
    """The tensor's provenance calls `.word_ids(`, on its own lines or in a user function one of them calls."""
    from ..provenance import origin_statement, user_function, trace
    for o in trace(ctx, tensor):
        stmt = origin_statement(o)
        if stmt is None:
            continue
        tree = src.tree_of(o.file)
        bodies = [stmt] + [fn for c in src.calls(stmt) for fn in [user_function(tree, c, o.line)] if fn is not None]
        if any(isinstance(c.func, ast.Attribute) and c.func.attr == "word_ids" for b in bodies for c in src.calls(b)):
            return True
    return False


def words_truncated(ctx: Context, f: Finding, tensor: TensorFacts) -> bool:
    """Adds WORDS_TRUNCATED (and `trunc_call`, `trunc_line`, `trunc_max`) when `tensor` is read off
    `word_ids()` and exactly one tokenizer call of the user's files truncates to a `max_length`."""
    from ..fixes import tokenizes
    from .classes import user_files
    from .idsource import one_line
    if ctx.frames[tensor.frame].library or not _reads_word_ids(ctx, tensor):
        return False
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            cut, limit = src.keyword(call, "truncation"), src.keyword(call, "max_length")
            if (cut is not None and limit is not None and not (isinstance(cut.value, ast.Constant) and not cut.value.value)
                    and tokenizes(call, ctx, tree)):
                found.append((file, call, limit))
    if len(found) != 1:
        return False
    file, call, limit = found[0]
    f.facts.add(WORDS_TRUNCATED)
    f.values.update(trunc_call=one_line(file, call), trunc_line=call.lineno, trunc_max=one_line(file, limit.value))
    f.confidence = "high"  # the cut explains the shorter table: the loop's words outnumber what was kept
    return True
