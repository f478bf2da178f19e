"""Parallel columns reordered apart: a block of the user's code reorders (or filters) some entries of a dict of
parallel columns by one index (`cols["input_ids"] = [cols["input_ids"][i] for i in order]`, or
`enc["input_ids"] = enc["input_ids"][perm]` for tensors) and leaves the mask's entry as it was, so each row's
mask now belongs to another row and the lengths a batch pads to differ.  Read from the user's source."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

REORDERED_APART = fact("reordered-apart", "`reorder_where` rebuilds `reordered` of `columns` from the rows `order` "
                                          "picks and leaves `left_key` as it was")
_KEY = re.compile(r"""(?:\[["'](?P<a>\w+)["']\]|\.(?P<b>\w+))$""")


def entry_key(expr: str) -> str | None:
    """`attention_mask` of `batch["attention_mask"]` or `enc.attention_mask`."""
    m = _KEY.search(expr)
    return (m.group("a") or m.group("b")) if m else None


def _reorder(stmt: ast.stmt) -> tuple[str, str, str] | None:
    """(dict name, key, index name) of `D["k"] = [D["k"][i] for i in ORDER]` or `D["k"] = D["k"][ORDER]`."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript)):
        return None
    target = stmt.targets[0]
    if not (isinstance(target.value, ast.Name) and isinstance(target.slice, ast.Constant)
            and isinstance(target.slice.value, str)):
        return None
    d, key, value = target.value.id, target.slice.value, stmt.value

    def is_entry(node: ast.AST) -> bool:
        return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == d
                and isinstance(node.slice, ast.Constant) and node.slice.value == key)

    if isinstance(value, ast.ListComp) and len(value.generators) == 1:
        gen = value.generators[0]
        elt = value.elt
        if (isinstance(gen.target, ast.Name) and isinstance(gen.iter, ast.Name) and isinstance(elt, ast.Subscript)
                and is_entry(elt.value) and isinstance(elt.slice, ast.Name) and elt.slice.id == gen.target.id):
            return d, key, gen.iter.id
    if isinstance(value, ast.Subscript) and is_entry(value.value) and isinstance(value.slice, ast.Name):
        return d, key, value.slice.id
    return None


_WITH_BODIES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.For, ast.AsyncFor, ast.While, ast.If,
                ast.With, ast.AsyncWith, ast.Try)


def _blocks(tree: ast.Module, lines: set[int]):
    """The statement lists of the module (bodies of functions, loops, branches, the module itself) that hold a
    statement starting on one of `lines`."""
    for node in src.nodes(tree, *_WITH_BODIES):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and any(isinstance(st, ast.stmt) and st.lineno in lines for st in block):
                yield node, block


def _keys_read(owner: ast.AST, d: str) -> list[str]:
    """The constant keys of `d["key"]` anywhere in `owner`, in order of appearance."""
    keys = [n.slice.value for n in src.nodes(owner, ast.Subscript) if isinstance(n.value, ast.Name)
            and n.value.id == d and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)]
    return list(dict.fromkeys(keys))


def _ids_like(key: str) -> bool:
    return bool(re.search(r"ids|input|token", key, re.I))


def reordered_apart(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts) -> bool:
    """Adds the fact, and the hint `reordered` = (file, last re-indexing statement, the statement to copy, the
    key left out), when one block of a user file re-indexes entries of a dict by one index (the other tensor's
    entry, or an ids entry) and not its mask entry: the blamed mask's key, used in that file, or a mask key the
    dict is read with in the same scope."""
    mask_key, other_key = entry_key(mask.expr), entry_key(other.expr)
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        reorders = {n.lineno for n in src.nodes(tree, ast.Assign) if _reorder(n) is not None}
        if not reorders:  # the usual case: one pass over the file's assignments decides
            continue
        constants = {n.value for n in src.nodes(tree, ast.Constant) if isinstance(n.value, str)}
        for owner, block in _blocks(tree, reorders):
            found = [(stmt, r) for stmt in block if (r := _reorder(stmt)) is not None]
            for d, order in dict.fromkeys((r[0], r[2]) for _, r in found):
                same = [(s, r) for s, r in found if r[0] == d and r[2] == order]
                done = [r[1] for _, r in same]
                if not (other_key in done or any(_ids_like(k) for k in done)):
                    continue
                left = [k for k in ([mask_key] if mask_key in constants else []) + [
                    k for k in _keys_read(owner, d) if "mask" in k.lower()] if k and k not in done]
                if not left:
                    continue
                model = next((s for s, r in same if r[1] == other_key), None) or next(
                    s for s, r in same if _ids_like(r[1]))
                f.facts.add(REORDERED_APART)
                where = (f"`{owner.name}`" if isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef))
                         else "The code")
                f.values.update(columns=d, order=order, left_key=left[0], reorder_line=same[0][0].lineno,
                                reorder_where=where, reordered=", ".join(f"`{k}`" for k in done))
                f.hints["reordered"] = (file, same[-1][0], model, left[0])
                # the blamed mask's own key left out is decided; a mask key of the dict, likely
                f.confidence = "high" if left[0] == mask_key else "medium"
                return True
    return False
