"""Chunks counted by floor division: `n = len(ids) // size` pieces for `np.array_split(ids, n)` (or
`torch.tensor_split` / `.chunk`) leaves the remainder spread over the pieces, so each is longer than `size`
whenever the length is not a multiple of it.  The count must round up: `(len(ids) + size - 1) // size`.
Read from the user's source."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

FLOOR_CHUNKS = fact("floor-chunks", "`chunk_count` (line `chunk_line`) counts the pieces of a split with floor "
                                    "division (`floor_expr`) for `split_call`: the pieces come out longer than `chunk_size`")
_SPLITS = ("array_split", "tensor_split", "chunk")


def floor_chunks(ctx: Context, f: Finding) -> bool:
    """Adds the fact and the hint `floor_chunks` = (file, statement, floor-division node, ceiling text) for the
    one split in the user's files whose number of pieces is, or is assigned from, `a // b`."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            if src.call_name(call).split(".")[-1] not in _SPLITS:
                continue
            method = src.call_name(call).endswith(".chunk") or not src.call_name(call).startswith(("np.", "numpy.",
                                                                                                  "torch."))
            count = next((k.value for k in call.keywords if k.arg in ("indices_or_sections", "sections", "chunks")),
                         None) or (call.args[0] if method and call.args else call.args[1] if len(call.args) > 1
                                   else None)
            floor = _floor_of(tree, count, call.lineno) if count is not None else None
            if floor is not None:
                found.append((file, tree, floor, src.call_name(call)))
    site = src.sole_site(found, 2)
    if site is None:
        return False
    (file, _, floor, split), stmt = site
    a, b = src.segment(file, floor.left), src.segment(file, floor.right)
    size = b if isinstance(floor.right, (ast.Name, ast.Constant, ast.Attribute)) else f"({b})"
    ceiling = f"({a} + {size} - 1) // {size}"
    f.facts.add(FLOOR_CHUNKS)
    f.values.update(split_call=split, chunk_count=" ".join(src.segment(file, stmt).split()), chunk_line=stmt.lineno,
                    floor_expr=src.segment(file, floor), chunk_size=b, ceiling=ceiling)
    f.hints["floor_chunks"] = (file, stmt, floor, ceiling)
    return True


def _floor_of(tree: ast.Module, count: ast.AST, line: int) -> ast.BinOp | None:
    """The `a // b` that is, or (through one name assigned before `line`) gives, the number of pieces."""
    nodes = [count]
    if isinstance(count, ast.Name):
        a = src.last_assignment(tree, count.id, line)
        if a is not None:
            nodes.append(a.value)
    for node in nodes:
        for n in ast.walk(node):
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.FloorDiv):
                return n
    return None
