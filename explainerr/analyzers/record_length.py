"""A length kept beside the ids of each record that counts words, not the ids: a function of the user's returns
a record `{"ids": ids, "span": n_words + 2}` whose length item is made from a word count (`len(text.split())`)
while the ids are the record's word pieces, and the mask is later built from that length (`[1] * r["span"]`), so
a word split into pieces leaves the mask shorter than its ids.  The length is taken from the ids themselves,
`len(ids)`.  Read from the user's source: the returned dict display, the assignments of the function, and a read
of the length's key elsewhere."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files
from .word_counted import counts_words

RECORD_LENGTH = fact("record-length", "`record_fn` (line `record_line`) stores the record's length as `len_key` = "
                                      "`len_made`, a count of words, beside its word pieces `ids_name`; the mask is "
                                      "built from `len_key`")


def _tokenized(fn: ast.FunctionDef, name: ast.Name) -> bool:
    """`name` is made in `fn` by a tokenizer call (`tok.encode(text)`, `tokenizer(text)["input_ids"]`,
    `convert_tokens_to_ids(...)`): word pieces."""
    return any(isinstance(c, ast.Call) and ("token" in src.call_name(c).lower() or src.call_name(c).endswith(
        ".encode")) for a in src.assignments(fn, name.id) for c in ast.walk(a.value))


def record_length(ctx: Context, f: Finding, mask_len: int, other_len: int) -> bool:
    if mask_len >= other_len:
        return False
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            for ret in (r for r in src.statements(fn) if isinstance(r, ast.Return) and isinstance(r.value, ast.Dict)):
                items = {k.value: v for k, v in zip(ret.value.keys, ret.value.values)
                         if isinstance(k, ast.Constant) and isinstance(k.value, str)}
                lists = [k for k, v in items.items() if isinstance(v, ast.Name) and src.assignments(fn, v.id)]
                counted = [k for k, v in items.items() if k not in lists and counts_words(fn, v)]
                if len(counted) != 1 or not lists:
                    continue
                key = counted[0]
                read = [n for n in src.nodes(tree, ast.Subscript) if isinstance(n.slice, ast.Constant)
                        and n.slice.value == key and not src.contains(fn, n.lineno)]
                ids = [k for k in lists if _tokenized(fn, items[k])]
                if read and len(ids) == 1:
                    found.append((file, fn, ret, key, items[key], items[ids[0]]))
    if len(found) != 1:
        return False
    file, fn, ret, key, value, ids = found[0]
    f.facts.add(RECORD_LENGTH)
    f.values.update(record_fn=fn.name, record_line=ret.lineno, len_key=key, len_made=src.segment(file, value),
                    ids_name=ids.id)
    f.hints["record_length"] = (file, ret, value, f"len({ids.id})")
    return True
