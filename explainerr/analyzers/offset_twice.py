"""An id map numbered from an offset whose lookups add the offset again: `self.to_idx = {name: i + 1 for i, name
in enumerate(names)}` (0 kept for unknown names) read as `self.to_idx.get(name, -1) + 1`.  The known names get ids
from 2 up, and the last one is C past the last row of the table sized for them: the ids are shifted twice, which no pattern
of the catalogue names (a larger table would hide it).  Read from the user's source only."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context


def _offset(node: ast.AST) -> int | None:
    """C for `x + C` with C a positive int literal."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.right, ast.Constant) \
            and type(node.right.value) is int and node.right.value > 0:
        return node.right.value
    return None


def _numbered_maps(tree: ast.Module) -> dict[str, int]:
    """`target text → C` for `target = {key: i + C for i, key in enumerate(...)}`."""
    out = {}
    for a in src.nodes(tree, ast.Assign):
        v = a.value
        if not (len(a.targets) == 1 and isinstance(v, ast.DictComp) and len(v.generators) == 1):
            continue
        gen = v.generators[0]
        it = gen.iter
        if not (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and isinstance(gen.target, ast.Tuple)
                and isinstance(gen.target.elts[0], ast.Name)):
            continue
        c = _offset(v.value)
        if c is not None and isinstance(v.value.left, ast.Name) and v.value.left.id == gen.target.elts[0].id:
            out[ast.unparse(a.targets[0])] = c
    return out


def offset_added_twice(ctx: Context) -> int | None:
    """The offset C of a lookup that adds C to a value of a map already numbered from C, in a user file."""
    from .classes import user_files
    for file in user_files(ctx):
        tree = src.tree_of(file)
        maps = _numbered_maps(tree) if tree is not None else {}
        if not maps:
            continue
        for n in ast.walk(tree):
            c = _offset(n)
            if c is None:
                continue
            read = n.left
            base = read.func.value if isinstance(read, ast.Call) and isinstance(read.func, ast.Attribute) \
                and read.func.attr == "get" else read.value if isinstance(read, ast.Subscript) else None
            if base is not None and maps.get(ast.unparse(base)) == c:
                return c
    return None
