"""A batch encoding's per-example reader called without the example's index inside a loop over the batch:
`for i in range(len(texts)): wids = enc.word_ids()` reads example 0's word ids for every example (`word_ids`,
`sequence_ids`, `word_to_tokens` default to `batch_index=0`).  Every example then takes the first one's layout,
so counts built from it differ from the example's own: no length, padding or size is wrong.  Read from the user's
source."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from .classes import user_files

_PER_EXAMPLE = ("word_ids", "sequence_ids", "tokens")


def first_example_read(ctx: Context) -> bool:
    """A call `enc.word_ids()` (no argument) in the body of a `for` over the examples, where `enc` was made
    before the loop, in the same scope, by a call given the whole batch (`tokenizer(words, ...)`)."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for loop in src.nodes(tree, ast.For) if tree is not None else ():
            targets = set(src.names_in(loop.target))
            scope = src.enclosing_scope(tree, loop.lineno)
            for n in (n for st in loop.body for n in ast.walk(st)):
                if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _PER_EXAMPLE
                        and not n.args and not n.keywords and isinstance(n.func.value, ast.Name)
                        and n.func.value.id not in targets):
                    continue
                made = src.assignments(tree, n.func.value.id, scope, before=loop.lineno)
                if made and isinstance(made[-1].value, ast.Call) and made[-1].value.args and made[-1].stmt.lineno < \
                        loop.lineno and not any(isinstance(a, ast.Constant) for a in made[-1].value.args[:1]):
                    return True
    return False
