"""Where a re-run must get to: the statements of the failing stack that `--verify` watches.

For each user frame of the failure (outermost first), an anchor is the statement that was executing there (for
a compound statement, only its header lines: `for batch in loader:`), and every `for`/`while` loop around it in
the same function.  An anchor "starts" when execution enters its lines and "completes" when it leaves them
without an exception; the original run was inside the k-th start of every anchor when it failed, so a re-run
whose anchor completes k times has got past the failure.  k is 1 for anchors that run once per process (the
outermost anchor of module-level code); the others learn k from a re-run of the unchanged command.

Line ranges are given in the numbering of the code that runs: `map_range` moves them through the fix's edits.
Nothing here runs user code: it reads the source with `ast`.
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import Iterable, Sequence

from . import source as src
from .model import Edit, Report

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


@dataclass(frozen=True)
class Anchor:
    """Lines first..last of `function` in `file` (in the numbering of the code that runs); `once` when it
    runs at most once per process, so its first completion is past the failure."""

    id: int
    file: str
    function: str
    first: int
    last: int
    once: bool
    kind: str  # "statement" (where the frame was) or "loop" (a loop around it)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "file": self.file, "function": self.function, "first": self.first,
                "last": self.last, "once": self.once, "kind": self.kind}


def _children(node: ast.AST) -> Iterable[ast.AST]:
    for name in _BODIES:
        for child in getattr(node, name, ()) or ():
            if isinstance(child, ast.match_case) or isinstance(child, ast.ExceptHandler):
                yield from child.body
            else:
                yield child


def _header_end(node: ast.stmt) -> int:
    """The last line of a compound statement's header (the line before its body starts)."""
    body = getattr(node, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        return max(node.lineno, body[0].lineno - 1)
    return node.end_lineno or node.lineno


def statement_path(tree: ast.Module, line: int) -> list[ast.stmt]:
    """The statements containing `line`, outermost first, down to the innermost one (not into nested scopes
    unless the line is inside them)."""
    path: list[ast.stmt] = []
    nodes: Iterable[ast.AST] = tree.body
    while True:
        hit = None
        for n in nodes:
            if isinstance(n, ast.stmt) and n.lineno <= line <= (n.end_lineno or n.lineno):
                hit = n
                break
        if hit is None:
            return path
        path.append(hit)
        nodes = list(_children(hit))


def frame_anchors(tree: ast.Module, line: int, function: str) -> list[tuple[int, int, str]]:
    """(first, last, kind) for the frame executing `line` in `function`: loops around it, outermost first,
    then the statement itself (its header when it is a compound statement and `line` is in the header)."""
    path = statement_path(tree, line)
    # keep only the statements of the function's own scope: after the last scope that contains the line
    scope_at = max((i for i, n in enumerate(path) if isinstance(n, _SCOPES)), default=-1)
    scope_name = getattr(path[scope_at], "name", None) if scope_at >= 0 else "<module>"
    if scope_name != function:
        return []  # the line is not in that function's own code
    own = path[scope_at + 1:]
    if not own:
        return []
    stmt = own[-1]
    out = [(n.lineno, n.end_lineno or n.lineno, "loop") for n in own[:-1] if isinstance(n, _LOOPS)]
    header_end = _header_end(stmt)
    if getattr(stmt, "body", None) and line <= header_end:
        if isinstance(stmt, _LOOPS):
            out.append((stmt.lineno, stmt.end_lineno or stmt.lineno, "loop"))
        out.append((stmt.lineno, header_end, "statement"))
    else:
        out.append((stmt.lineno, stmt.end_lineno or stmt.lineno, "statement"))
    return out


def _replacement_lines(e: Edit) -> int:
    if not e.replacement:
        return 0
    text = e.replacement[:-1] if e.replacement.endswith("\n") else e.replacement
    return text.count("\n") + 1


def map_range(first: int, last: int, edits: Sequence[Edit]) -> tuple[int, int]:
    """Lines first..last of the original file, in the numbering after `edits` (whole-line replacements of the
    same file).  A range that overlaps an edit grows to cover the edit's replacement."""
    def new_line(n: int, end: bool) -> int:
        shift = 0
        for e in edits:
            size = _replacement_lines(e)
            if e.end_line < n:
                shift += size - (e.end_line - e.start_line + 1)
            elif e.start_line <= n:  # inside this edit: its replacement's first or last line
                return e.start_line + shift + (max(size - 1, 0) if end else 0)
        return n + shift
    lo, hi = new_line(first, False), new_line(last, True)
    return lo, max(lo, hi)


def anchors_for(report: Report, edits: Sequence[Edit] = ()) -> list[Anchor]:
    """The anchors of the report's failing stack; with `edits`, in the numbering of the edited files."""
    out: list[Anchor] = []
    for f in report.frames:
        if f.library or (f.function.startswith("<") and f.function != "<module>"):
            continue  # comprehensions and lambdas are part of the statement of the frame that made them
        if f.file.startswith("<") or not os.path.isfile(f.file):
            continue
        tree = src.tree_of(f.file)
        if tree is None:
            continue
        spans = frame_anchors(tree, f.line, f.function)
        mine = [e for e in edits if e.file == f.file]
        for n, (first, last, kind) in enumerate(spans):
            lo, hi = map_range(first, last, mine) if mine else (first, last)
            out.append(Anchor(id=len(out), file=f.file, function=f.function, first=lo, last=hi,
                              once=f.function == "<module>" and n == 0, kind=kind))
    return out
