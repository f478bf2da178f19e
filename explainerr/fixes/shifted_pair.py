"""Fix for inputs and next-step targets cut from one window that is k steps longer than the model takes: the
targets drop the window's first k steps (`targets = chunk[1:]`), the inputs keep the whole window
(`inputs = chunk`), so the inputs are k positions past the table (and k longer than their targets).  The inputs
drop the last k steps instead (`chunk[:-1]`): the pair stays aligned and fits.  Read from the user's source: the
one block of the user's files where a name is used whole beside a slice of it starting at k, k the overshoot the
batch shows."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import user_files
from ..facts import Context
from ..model import Edit
from . import edits_of

SHIFTED_PAIR = fact("shifted-pair", "`inputs_stmt` (line `inputs_line`) takes the whole window `window` as the "
                                    "inputs while `targets_expr` drops its first `overshoot` step(s) for the "
                                    "targets: the inputs are `overshoot` longer than the table `pair_limit`")


def _shift(node: ast.AST) -> tuple[str, int] | None:
    """(name, k) for `w[k:]` or `w[k:, ...]` (a cut of the first axis that drops the first k items)."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)):
        return None
    cut = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) and node.slice.elts else node.slice
    if isinstance(cut, ast.Slice) and cut.upper is None and cut.step is None and isinstance(cut.lower, ast.Constant) \
            and type(cut.lower.value) is int and cut.lower.value > 0:
        return node.value.id, cut.lower.value
    return None


def _whole_uses(stmt: ast.stmt, name: str) -> list[ast.Name]:
    """`name` handed on whole by `stmt`: `x = name`, or an element of a tuple it assigns, yields or returns."""
    value = getattr(stmt, "value", None)
    if isinstance(value, (ast.Yield, ast.YieldFrom)) or isinstance(stmt, ast.Return):
        value = value.value if isinstance(value, (ast.Yield, ast.YieldFrom)) else value
    elif not isinstance(stmt, ast.Assign):
        return []
    parts = value.elts if isinstance(value, ast.Tuple) else [value]
    return [p for p in parts if isinstance(p, ast.Name) and p.id == name]


def _pairs(body: list[ast.stmt], over: int):
    """(statement, whole-name node, shifted node) for each name of the block read whole and cut at `over`."""
    shifted = {}
    for stmt in body:
        for node in ast.walk(stmt):
            hit = _shift(node)
            if hit is not None and hit[1] == over:
                shifted.setdefault(hit[0], node)
    for stmt in body:
        for name, cut in shifted.items():
            for whole in _whole_uses(stmt, name):
                yield stmt, whole, cut


def shifted_pair(ctx: Context, f: Finding) -> list[Edit]:
    """`inputs = chunk` → `inputs = chunk[:-k]` beside `targets = chunk[k:]` (see the module docstring)."""
    seq = f.values.get("seq_len")
    limit = f.values.get("max_positions", f.values.get("num_embeddings"))
    if type(seq) is not int or type(limit) is not int or seq <= limit:
        return []
    over = seq - limit
    hits = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for block in (getattr(n, field) for n in (ast.walk(tree) if tree is not None else ())
                      for field in ("body", "orelse") if isinstance(getattr(n, field, None), list)):
            hits.extend((file, *found) for found in _pairs(block, over))
    if len(hits) != 1:
        return []
    file, stmt, whole, cut = hits[0]
    fixed = f"{whole.id}[:-{over}]"
    f.facts.add(SHIFTED_PAIR)
    f.confidence = "high"  # the window, the shift and the overshoot are one number: the facts decide
    f.values.update(inputs_stmt=" ".join(src.segment(file, stmt).split()), inputs_line=stmt.lineno,
                    window=whole.id, targets_expr=src.segment(file, cut), overshoot=over, pair_limit=limit,
                    inputs_fixed=fixed)
    return edits_of(src.LineEditor.for_node(file, stmt).replace(whole, fixed))
