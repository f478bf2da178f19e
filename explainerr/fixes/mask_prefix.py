"""Fix for a mask made by a helper at the width the sequences had before positions were put in front of them:
a collate fills `ids = torch.full((n, W + k), pad)` with `k` leading items per row (`ids[i, 0] = cls_id`,
`ids[i, k:len(s) + k] = s`) and makes the mask with `helper(lengths, W)`.  The mask gets the ids' width,
`W + k`, and (when the rows start at `k`) the lengths grow by `k` too, so the leading items are attended."""
from __future__ import annotations

import ast
from typing import Any

from .. import provenance
from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit
from . import edits_of

MASK_BEFORE_PREFIX = fact("mask-before-prefix", "`mask_made` (line `mask_line`) sizes the mask `mask_width_old` wide, "
                                                "the width of the sequences before `prefix_k` leading position(s) "
                                                "were put in front of each row of `ids_made` (line `ids_line`)")


def helper_width_beside(ctx: Context, f: Finding, o: Any, tree: ast.Module, stmt: ast.stmt) -> list[Edit]:
    other = f.hints.get("other")
    call = stmt.value if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) else None
    fn = provenance.user_function(tree, call, stmt.lineno) if call is not None else None
    if other is None or not isinstance(fn, ast.FunctionDef) or call.keywords or fn.args.vararg:
        return []
    params = [a.arg for a in fn.args.args]
    ranges = [c for c in src.calls(fn) if src.call_name(c).split(".")[-1] == "arange" and len(c.args) == 1
              and isinstance(c.args[0], ast.Name) and c.args[0].id in params]
    if len(ranges) != 1 or len(call.args) != len(params):
        return []
    at = params.index(ranges[0].args[0].id)
    width = call.args[at]
    file = o.file
    scope = src.enclosing_scope(tree, stmt.lineno)
    said = src.segment(file, width)
    filled = [(a, w) for a in src.statements(scope) if isinstance(a, ast.Assign) and a.lineno < stmt.lineno
              and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
              for w in [_full_width(a.value)] if isinstance(w, ast.BinOp) and isinstance(w.op, ast.Add)
              and src.segment(file, w.left) == said and isinstance(w.right, ast.Constant)
              and isinstance(w.right.value, int) and w.right.value > 0]
    widths = {d for d in other.shape} if other is not None else set()
    if len(filled) != 1 or not widths:
        return []
    ids_stmt, ids_width = filled[0]
    k = ids_width.right.value
    e = src.LineEditor.for_node(file, stmt).replace(width, src.segment(file, ids_width))
    lengths = _lengths_param(fn, params, ranges[0])
    lengths_too = ""
    if lengths is not None and _rows_start_at(scope, ids_stmt.targets[0].id, k):
        lengths_too = ", and count the leading positions in its lengths too"
        arg = call.args[params.index(lengths)]
        text = src.segment(file, arg)
        e.replace(arg, f"{text} + {k}" if isinstance(arg, (ast.Name, ast.Attribute, ast.Subscript, ast.Call))
                  else f"({text}) + {k}")
    found = edits_of(e)
    if found:
        f.facts.add(MASK_BEFORE_PREFIX)
        f.values.update(mask_made=" ".join(src.segment(file, stmt).split()), mask_line=stmt.lineno,
                        mask_width_old=src.segment(file, width), prefix_k=k,
                        ids_made=src.segment(file, ids_stmt.targets[0]), ids_line=ids_stmt.lineno,
                        mask_width_new=src.segment(file, ids_width), lengths_too=lengths_too)
    return found


def _full_width(value: ast.expr) -> ast.expr | None:
    """W of `torch.full((B, W), v)`, `torch.zeros(B, W)`, `torch.zeros((B, W))`."""
    if not (isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in ("full", "zeros", "ones", "empty")
            and value.args):
        return None
    sizes = value.args[0].elts if isinstance(value.args[0], (ast.Tuple, ast.List)) else value.args
    return sizes[1] if len(sizes) == 2 else None


def _lengths_param(fn: ast.FunctionDef, params: list[str], arange: ast.Call) -> str | None:
    """The parameter the helper compares its positions with (`positions < lengths.unsqueeze(1)`)."""
    for cmp in src.nodes(fn, ast.Compare):
        names = {n.id for n in ast.walk(cmp) if isinstance(n, ast.Name)} & set(params)
        names.discard(arange.args[0].id)
        if len(names) == 1:
            return names.pop()
    return None


def _rows_start_at(scope: ast.AST, ids: str, k: int) -> bool:
    """A row of `ids` is written from column `k` on (`ids[i, k:len(s) + k] = ...`)."""
    for st in src.nodes(scope, ast.Assign):
        for t in st.targets:
            if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == ids \
                    and isinstance(t.slice, ast.Tuple) and len(t.slice.elts) == 2:
                cols = t.slice.elts[1]
                if isinstance(cols, ast.Slice) and isinstance(cols.lower, ast.Constant) and cols.lower.value == k:
                    return True
    return False
