"""Rows transposed with `zip(*rows)` beside rows transposed with `itertools.zip_longest(*rows, fillvalue=...)`:
`zip` stops at the shortest row, so the labels lose every step past it while the inputs keep them all.  Read from
the user's source (nothing runs)."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import fact

ZIP_CUT = fact("zip-cut", "the labels are transposed with `zip(*...)` (`zip_call`, line `zip_line`), which stops at "
                          "the shortest row, beside `zip_longest` for the inputs (`longest_call`)")

ZIP_FILL = fact("zip-fill", "the file has a value for labels the loss skips (`zip_fill`)")


@dataclass(frozen=True)
class ZipCut:
    file: str
    stmt: ast.stmt
    call: ast.Call        # `zip(*tag_rows)`
    longest: ast.Call     # `itertools.zip_longest(*id_rows, fillvalue=stoi[PAD])`
    fill: str | None      # what the labels' transpose should fill with (`IGNORE`, `-100`)


def zip_cut(ctx: Context) -> ZipCut | None:
    """The one `zip(*rows)` of a user function that also transposes rows with `zip_longest(*..., fillvalue=...)`."""
    found = []
    for file in dict.fromkeys(f.file for f in ctx.user_frames()):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            calls = [c for c in src.calls(fn) if len(c.args) == 1 and isinstance(c.args[0], ast.Starred)]
            longest = [c for c in calls if src.call_name(c).rpartition(".")[2] == "zip_longest"
                       and src.keyword(c, "fillvalue") is not None]
            short = [c for c in calls if src.call_name(c) == "zip"]
            if len(longest) == 1 and len(short) == 1:
                stmt = src.statement_at(tree, short[0].lineno)
                if stmt is not None:
                    found.append(ZipCut(file=file, stmt=stmt, call=short[0], longest=longest[0],
                                        fill=_ignore_value(tree)))
    return found[0] if len(found) == 1 else None


def _ignore_value(tree: ast.Module) -> str | None:
    """The name of a module-level constant -100 (`IGNORE = -100`), else `-100` when the file's loss ignores it."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
                isinstance(stmt.value, ast.UnaryOp) and isinstance(stmt.value.op, ast.USub) and isinstance(
                    stmt.value.operand, ast.Constant) and stmt.value.operand.value == 100:
            return stmt.targets[0].id
    return "-100" if any(src.keyword(c, "ignore_index") is not None for c in src.calls(tree)) else None
