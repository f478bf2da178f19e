"""Fix for a loop whose indexed array went through a helper that keeps some of its items by a boolean mask
(`xy = drop_noisy(trip["xy"], trip["acc"], MAX_ACC)` of `def drop_noisy(xy, acc, max_acc): keep = acc <=
max_acc; return xy[keep]`) while the array that bounds the loop, read from the same record (`ts = trip["ts"]`),
kept every item.  The bounding array is kept by the same mask where it is read, the helper's condition written
with the call's own arguments (`ts = trip["ts"][trip["acc"] <= MAX_ACC]`)."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from ..model import Edit
from . import edits_of

KEPT_BY_HELPER_TOO = fact("kept-by-helper-too", "`kept` (line `kept_line`) keeps only the items where "
                                                "`kept_condition` (in `kept_helper`), but `whole` (line `whole_line`) "
                                                "keeps them all: it gets the same condition")


def kept_by_helper_too(ctx: Context, f: Finding) -> list[Edit]:
    frame, tensor, bound = f.hints.get("frame"), f.values.get("tensor"), f.values.get("bound_source")
    if frame is None or not isinstance(tensor, str) or not isinstance(bound, str) \
            or not tensor.isidentifier() or not bound.isidentifier():
        return []
    kept, whole = ctx.origin(tensor, frame), ctx.origin(bound, frame)
    if kept is None or whole is None or kept[0] is not whole[0] or kept[2] is None or whole[2] is None:
        return []
    oframe = kept[0]
    tree = src.tree_of(oframe.file)
    call, read = kept[2], whole[2]
    if tree is None or not isinstance(call, ast.Call) or not isinstance(read, (ast.Subscript, ast.Attribute)):
        return []
    fns = src.called_functions(tree, call)
    if len(fns) != 1:
        return []
    condition = _keep_condition(oframe.file, fns[0], call)
    if condition is None:
        return []
    roots = {src.root_name(a) for a in ast.walk(ast.parse(condition, mode="eval")) if isinstance(a, (ast.Subscript,
                                                                                          ast.Attribute))} - {None}
    if src.root_name(read) is None or src.root_name(read) not in roots:
        return []  # the mask is not read from the record the bounding array comes from
    stmt = src.statement_at(tree, read.lineno)
    if stmt is None:
        return []
    said = condition if isinstance(condition, str) else ast.unparse(condition)
    e = src.LineEditor.for_node(oframe.file, stmt).replace(read, f"{src.segment(oframe.file, read)}[{said}]")
    found = edits_of(e)
    if found:
        kept_stmt = src.statement_at(tree, call.lineno)
        f.facts.add(KEPT_BY_HELPER_TOO)
        f.values.update(kept=tensor, kept_line=kept_stmt.lineno if kept_stmt else call.lineno, kept_condition=said,
                        kept_helper=fns[0].name, whole=bound, whole_line=stmt.lineno)
    return found


def _keep_condition(file: str, fn: ast.FunctionDef, call: ast.Call) -> str | None:
    """The helper returns `param[keep]` with `keep` a comparison of its parameters (assigned once, or inline):
    that comparison with each parameter replaced by what the call gives it."""
    if call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    params = [a.arg for a in fn.args.args]
    if len(params) != len(call.args):
        return None
    found = src.returned_mask(fn)
    if found is None or not isinstance(found[0].value.value, ast.Name) or found[0].value.value.id not in params:
        return None
    keep = found[1]
    given = dict(zip(params, call.args))
    names = [n for n in ast.walk(keep) if isinstance(n, ast.Name)]
    if not {n.id for n in names} <= set(params) | {"np", "torch", "math"} or keep.lineno != keep.end_lineno:
        return None  # reads a local of the helper, or spans lines: not written where the array is read
    text = src.segment(file, keep)
    for n in sorted(names, key=lambda n: n.col_offset, reverse=True):  # each parameter as the call gives it
        if n.id in given:
            a, b = n.col_offset - keep.col_offset, n.end_col_offset - keep.col_offset
            arg = src.segment(file, given[n.id])
            text = text[:a] + (arg if isinstance(given[n.id], (ast.Name, ast.Subscript, ast.Attribute, ast.Call,
                                                                 ast.Constant)) else f"({arg})") + text[b:]
    return text

