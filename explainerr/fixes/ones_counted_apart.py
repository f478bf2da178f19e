"""Fix for a mask of ones counted apart from the ids it goes with: one function of the user's builds a record
`{"input_ids": token_ids[:MAX], "attention_mask": word_mask[:MAX]}` whose ids are a list it fills piece by piece
while the mask is `[1] * (len(page["words"]) + 2)` (or `torch.ones(n)`), a count of something else than those
ids.  A mask of ones has one entry per id: it is counted from the ids, `[1] * len(token_ids)`, once they are
complete.  Read from the user's source; the mask's key is the failing mask's, the ids' key the one it met (or, when it met
a tensor made from the ids, the one entry of the record whose batch tensor has that length)."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import user_files
from ..facts import Context
from ..model import Edit
from . import edits_of

ONES_COUNTED_APART = fact("ones-counted-apart", "`ones_name` (line `ones_line`) is a mask of ones counted as "
                                                "`ones_count`, not from `ids_name`, the ids of the same record")
_KEY = re.compile(r"""\w+\[["'](\w+)["']\]""")


def _count_of_ones(value: ast.AST) -> ast.AST | None:
    """The count of `[1] * count`, `count * [1]` or `torch.ones(count)`."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):
        for ones, count in ((value.left, value.right), (value.right, value.left)):
            if isinstance(ones, ast.List) and len(ones.elts) == 1 and isinstance(ones.elts[0], ast.Constant) \
                    and ones.elts[0].value in (1, True):
                return count
    if isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] == "ones" and len(value.args) == 1 \
            and not isinstance(value.args[0], (ast.Tuple, ast.List)):
        return value.args[0]
    return None


def _named(node: ast.AST) -> str | None:
    """`word_mask` of `word_mask` or `word_mask[:MAX]`."""
    while isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _changed_after(fn: ast.AST, name: str, line: int) -> bool:
    """`name` is assigned, extended or appended to after `line` in `fn`."""
    for n in ast.walk(fn):
        if getattr(n, "lineno", 0) <= line:
            continue
        if isinstance(n, (ast.Assign, ast.AugAssign)) and any(
                isinstance(t, ast.Name) and t.id == name for t in (n.targets if isinstance(n, ast.Assign) else [n.target])):
            return True
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in (
                "append", "extend", "insert") and isinstance(n.func.value, ast.Name) and n.func.value.id == name:
            return True
    return False


def _keys_of_length(ctx: Context, length: object, mask_key: str) -> set[str]:
    """The keys of the batch entries the frames hold (`batch["ids"]`) that are `length` long, the mask's aside."""
    out = set()
    for fr in ctx.user_frames():
        for t in fr.tensors:
            m = _KEY.fullmatch(t.expr)
            if m and m.group(1) != mask_key and len(t.shape) >= 2 and t.shape[1] == length:
                out.add(m.group(1))
    return out


def ones_counted_apart(ctx: Context, f: Finding) -> list[Edit]:
    mask_key = _KEY.fullmatch(str(f.values.get("mask", "")))
    if mask_key is None:
        return []
    other = _KEY.fullmatch(str(f.values.get("other", "")))
    ids_keys = {other.group(1)} if other is not None else _keys_of_length(ctx, f.values.get("other_len"),
                                                                         mask_key.group(1))
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for d in src.nodes(tree, ast.Dict) if tree is not None else ():
            entries = {k.value: v for k, v in zip(d.keys, d.values) if isinstance(k, ast.Constant)}
            keyed = [k for k in entries if k in ids_keys]
            if mask_key.group(1) not in entries or len(keyed) != 1:
                continue
            mask, ids = _named(entries[mask_key.group(1)]), _named(entries[keyed[0]])
            fn = src.enclosing_scope(tree, d.lineno)
            if mask is None or ids is None or mask == ids or not isinstance(fn, ast.FunctionDef):
                continue
            made = src.assignments(tree, mask, fn, before=d.lineno)
            ids_made = src.assignments(tree, ids, fn, before=d.lineno)
            if len(made) != 1 or not ids_made:
                continue
            count = _count_of_ones(made[0].value)
            if count is None or ids in src.names_in(count) or _changed_after(fn, ids, made[0].stmt.lineno) or \
                    _changed_after(fn, mask, made[0].stmt.lineno):
                continue
            found.append((file, made[0].stmt, count, mask, ids))
    if len(found) != 1:
        return []
    file, stmt, count, mask, ids = found[0]
    made = edits_of(src.LineEditor.for_node(file, stmt).replace(count, f"len({ids})"))
    if made:
        f.facts.add(ONES_COUNTED_APART)
        f.values.update(ones_name=mask, ones_line=stmt.lineno, ones_count=" ".join(src.segment(file, count).split()),
                        ids_name=ids)
    return made
