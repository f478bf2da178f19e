"""A mask sized before the special tokens were added: the user's code builds each example's ids as
`[cls] + pieces + [sep]` (k tokens around the pieces) but its mask as `[1] * len(pieces)`, so every mask is k
positions shorter than its ids.  Read from the user's source: both lines, in one function (or module)."""
from __future__ import annotations

import ast
from typing import Iterator, NamedTuple

from .. import source as src
from ..facts import Context
from . import Finding, fact

MASK_BEFORE_SPECIALS = fact("mask-before-specials", "the mask is sized by `pieces` (`mask_made`, line `mask_line`) "
                                                    "while the ids add `n_added` special tokens around them "
                                                    "(`ids_made`, line `ids_line`)")


class Sized(NamedTuple):
    """`len(<name>)` inside the mask's expression (`len_arg` to replace by `ids`, the name of the ids)."""

    file: str
    stmt: ast.stmt
    len_arg: ast.Name
    ids: str


def _ones_of_len(node: ast.AST) -> ast.Name | None:
    """`[1] * len(x)` / `[True] * len(x)` / `torch.ones(len(x))`: the name `x`."""
    size = None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        lst, size = (node.left, node.right) if isinstance(node.left, ast.List) else (node.right, node.left)
        if not (isinstance(lst, ast.List) and len(lst.elts) == 1 and isinstance(lst.elts[0], ast.Constant)
                and lst.elts[0].value in (1, True)):
            return None
    elif isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] == "ones" and node.args:
        size = node.args[0]
    if isinstance(size, ast.Call) and src.call_name(size) == "len" and len(size.args) == 1 and isinstance(
            size.args[0], ast.Name):
        return size.args[0]
    return None


def _terms(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from _terms(node.left)
        yield from _terms(node.right)
    else:
        yield node


def _added_around(value: ast.AST, name: str) -> int | None:
    """For `[cls] + f(name) + [sep]`: how many elements the literal lists add around the one term that reads
    `name`; None for another shape."""
    terms = list(_terms(value))
    reading = [t for t in terms if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(t))]
    if len(terms) < 2 or len(reading) != 1 or isinstance(reading[0], ast.List):
        return None
    lists = [t for t in terms if t is not reading[0]]
    if not all(isinstance(t, ast.List) for t in lists):
        return None
    return sum(len(t.elts) for t in lists)


def mask_before_specials(ctx: Context, f: Finding, mask_len: int, other_len: int) -> bool:
    """Adds the fact and the hint `mask_before_specials` (a Sized) when exactly one scope of the user's files
    makes a mask `[1] * len(pieces)` and, before it, ids from `pieces` plus `other_len - mask_len` literal
    tokens."""
    from .classes import user_files
    k = other_len - mask_len
    if k < 1:
        return False
    found: list[tuple[Sized, ast.Assign, ast.AST]] = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for node in src.nodes(tree, ast.BinOp, ast.Call) if tree is not None else ():
            piece = _ones_of_len(node)
            stmt = src.statement_at(tree, node.lineno) if piece is not None else None
            if stmt is None:
                continue
            scope = src.enclosing_scope(tree, stmt.lineno)
            for a in src.statements(scope):
                if (a.lineno < stmt.lineno and isinstance(a, ast.Assign) and len(a.targets) == 1
                        and isinstance(a.targets[0], ast.Name) and a.targets[0].id != piece.id
                        and _added_around(a.value, piece.id) == k):
                    found.append((Sized(file, stmt, piece, a.targets[0].id), a, node))
    if len(found) != 1:
        return False
    sized, ids_made, mask_node = found[0]
    f.facts.add(MASK_BEFORE_SPECIALS)
    f.values.update(pieces=sized.len_arg.id, mask_made=" ".join(src.segment(sized.file, mask_node).split()),
                    mask_line=sized.stmt.lineno, n_added=k, ids_name=sized.ids,
                    ids_made=" ".join(src.segment(sized.file, ids_made.value).split()), ids_line=ids_made.lineno)
    f.hints["mask_before_specials"] = sized
    f.confidence = "high"  # the two lines differ by exactly the positions the message says
    return True
