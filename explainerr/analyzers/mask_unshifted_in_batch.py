"""A mask made from the whole sequence beside the shifted sequence it masks, in one batch: a collate function
returns `{"dec_in": tgt[:, :-1], "tgt_pad_mask": tgt.eq(pad)}` (or assigns both names), so the decoder inputs
drop a position the mask still covers.  The mask is made from the same slice: `tgt[:, :-1].eq(pad)`.  Read from the
user's source: the one dict (or function) of the user's files that makes both names, the sequence as a slice of
the source that drops one position at dimension 1, the mask from the source whole."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from . import Finding
from .classes import user_files


def _one_off(node: ast.AST) -> str | None:
    """`[:, :-1]` or `[:, 1:]` when `node` is `S[:, :-1]` / `S[:, 1:]` of a plain name S."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Tuple)
            and len(node.slice.elts) == 2 and isinstance(node.slice.elts[1], ast.Slice)):
        return None
    first, cut = node.slice.elts
    if not (isinstance(first, ast.Slice) and first.lower is None and first.upper is None) or cut.step is not None:
        return None
    if cut.upper is None and isinstance(cut.lower, ast.Constant) and cut.lower.value == 1:
        return "[:, 1:]"
    if cut.lower is None and isinstance(cut.upper, ast.UnaryOp) and isinstance(cut.upper.op, ast.USub) \
            and isinstance(cut.upper.operand, ast.Constant) and cut.upper.operand.value == 1:
        return "[:, :-1]"
    return None


def _made_pairs(tree: ast.Module):
    """(mask value, sequence value) per dict literal with string keys, and per function's plain assignments."""
    for d in src.nodes(tree, ast.Dict):
        yield {k.value: v for k, v in zip(d.keys, d.values) if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    for fn in src.nodes(tree, ast.FunctionDef):
        yield {a.targets[0].id: a.value for a in src.statements(fn) if isinstance(a, ast.Assign)
               and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)}


def _key(expr: str) -> str | None:
    """The name a batch gives a value read as `name`, `batch["name"]` or `batch.name`."""
    m = re.fullmatch(r"(?:\w+(?:\[[\"'](\w+)[\"']\]|\.(\w+)))|(\w+)", expr.strip())
    return next((g for g in m.groups() if g), None) if m else None


def mask_unshifted_in_batch(ctx: Context, f: Finding, mask: str, other: str) -> bool:
    """Hint `mask_not_shifted` = (file, the mask's value node, its text made from the shifted slice) and the facts
    of fixes/masks.py's shifted mask, when exactly one place of the user's files makes both names that way."""
    from .masks import MASK_NOT_SHIFTED
    mask, other = _key(mask), _key(other)
    if mask is None or other is None:
        return False
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for made in _made_pairs(tree) if tree is not None else ():
            seq, value = made.get(other), made.get(mask)
            cut = _one_off(seq) if seq is not None else None
            if cut is None or value is None or value.lineno != value.end_lineno:
                continue
            whole = [n for n in ast.walk(value) if isinstance(n, ast.Name) and n.id == seq.value.id]
            parents = {id(c) for n in ast.walk(value) if isinstance(n, ast.Subscript) for c in ast.walk(n.value)}
            if len(whole) == 1 and id(whole[0]) not in parents:
                found.append((file, seq, value, whole[0], cut))
    if len(found) != 1:
        return False
    file, seq, value, name, cut = found[0]
    text = src.segment(file, value)
    at = name.col_offset - value.col_offset
    fixed = f"{text[:at]}{name.id}{cut}{text[at + len(name.id):]}"
    f.facts.add(MASK_NOT_SHIFTED)
    f.values.update(shifted=src.segment(file, seq), shifted_line=seq.lineno, mask_shifted=fixed)
    f.hints["mask_not_shifted"] = (file, value, fixed)
    f.confidence = "high"
    return True
