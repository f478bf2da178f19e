"""Fix for a mask made from the user's own per-word flags beside ids a tokenizer made with its special tokens:
`enc = tokenizer(texts, padding=True)` gives `[CLS] w1 .. wn [SEP]`, while `mask = torch.tensor(np.stack(observed))`
holds one flag per word, so the mask is as many positions short as the tokenizer adds (2 for [CLS] and [SEP], 1 for
one of them).  The mask gets a 1 for each added token at its place: `torch.nn.functional.pad(mask, (1, 1),
value=1)`.  Read from the user's source: the one dict of the user's files that returns the tokenizer's ids beside a
mask of its own making, in the function that calls the tokenizer."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import user_files
from ..facts import Context
from ..model import Edit
from . import edits_of, tokenizes

MASK_WITHOUT_SPECIALS = fact("mask-without-specials", "`mask_name` = `mask_source` (line `mask_line`) holds one flag "
                                                      "per word while the tokenizer call (line `tok_line`) adds "
                                                      "`n_added` special token(s) to the ids beside it")


def _reads_encoding(value: ast.AST, enc: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in enc for n in ast.walk(value))


def mask_without_specials(ctx: Context, f: Finding) -> list[Edit]:
    from .checks import bound_names
    mask_len, other_len = f.hints.get("mask_len"), f.hints.get("other_len")
    if type(mask_len) is not int or type(other_len) is not int or other_len - mask_len not in (1, 2):
        return []
    k = other_len - mask_len
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for d in src.nodes(tree, ast.Dict) if tree is not None else ():
            items = {key.value: v for key, v in zip(d.keys, d.values) if isinstance(key, ast.Constant)}
            ids, mask = items.get("input_ids"), items.get("attention_mask")
            fn = src.enclosing_scope(tree, d.lineno)
            if ids is None or not isinstance(mask, ast.Name) or not isinstance(fn, ast.FunctionDef):
                continue
            calls = [c for c in src.calls(fn) if tokenizes(c, ctx, tree) and src.keyword(c, "add_special_tokens") is None]
            encs = {a.targets[0].id for a in src.statements(fn) if isinstance(a, ast.Assign) and len(a.targets) == 1
                    and isinstance(a.targets[0], ast.Name) and a.value in calls}
            made = src.assignments(tree, mask.id, fn)
            if len(calls) != 1 or not encs or not _reads_encoding(ids, encs) or len(made) != 1 \
                    or _reads_encoding(made[0].value, encs):
                continue
            found.append((file, made[0], calls[0]))
    if len(found) != 1:
        return []
    file, made, call = found[0]
    if "torch" not in (bound_names(file, made.stmt.lineno) or set()):
        return []
    source = src.segment(file, made.value)
    fixed = f"torch.nn.functional.pad({source}, ({1}, {1 if k == 2 else 0}), value=1)"
    f.facts.add(MASK_WITHOUT_SPECIALS)
    f.values.update(mask_name=made.stmt.targets[0].id if isinstance(made.stmt, ast.Assign) else "the mask",
                    mask_source=" ".join(source.split()), mask_line=made.stmt.lineno, tok_line=call.lineno,
                    n_added=k, mask_fixed=fixed)
    return edits_of(src.LineEditor.for_node(file, made.stmt).replace(made.value, fixed))
