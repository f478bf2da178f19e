"""Teacher-forcing targets left unshifted where the batch is made: a user function builds the decoder's input
as `tgt[:, :-1]` and returns the targets as `tgt` itself (`dec_in = tgt[:, :-1]`, `dec_target = tgt`,
`return src, dec_in, dec_target`), and the loop unpacks its result; or a collate function (a collator's
`__call__`) returns a mapping whose `labels` is `tgt` (`labels = tgt.clone()`) beside `tgt[:, :-1]` for the
decoder's input, which a library's loop hands to the model.  The targets are one step longer than the
predictions; shifted by one where they are made (`tgt[:, 1:]`), every loss that reads them gets the right
steps.  Read from the user's source: the unpacking assignment, the function's returned tuple, its assignments."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import fact
from .layout import _kept

SHIFT_AT_SOURCE = fact("shift-at-source", "`maker` feeds the decoder `fed` = `base[:, :-1]` and returns the targets "
                                            "`returned` = `base`, unshifted")


def unshifted_source(ctx: Context, labels: TensorFacts | None) -> tuple[tuple[str, ast.stmt, ast.expr, str],
                                                                         dict[str, object]] | None:
    """((file, the assignment of the returned targets, its value, the shifted value's text), the sentence's
    values) when `labels` is unpacked from a call of a user function that returns `base[:, :-1]` and `base`
    side by side."""
    if labels is None or not labels.expr.isidentifier():
        return None
    frame = ctx.frames[labels.frame]
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, labels.expr, frame.line) if tree is not None else None
    stmt = made.stmt if made is not None else None
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple)
            and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name)):
        return None
    names = [e.id if isinstance(e, ast.Name) else None for e in stmt.targets[0].elts]
    at = names.index(labels.expr)
    fn = next((d for d in src.nodes(tree, ast.FunctionDef) if d.name == stmt.value.func.id), None)
    rets = [r for r in src.statements(fn, nested=True) if isinstance(r, ast.Return)] if fn is not None else []
    if len(rets) != 1 or not isinstance(rets[0].value, ast.Tuple) or len(rets[0].value.elts) != len(names):
        return None
    items = rets[0].value.elts
    values = [src.assigned_value(tree, fn, e, rets[0].lineno) if isinstance(e, ast.Name) else e for e in items]
    mine = values[at]
    if not isinstance(mine, ast.Name) or not isinstance(items[at], ast.Name):
        return None
    fed = [k for k, v in enumerate(values) if k != at and _without_last(v, mine.id)]
    if not fed:
        return None
    assigned = src.last_assignment(tree, items[at].id, rets[0].lineno)
    if assigned is None or assigned.augmented or not isinstance(assigned.stmt, ast.Assign):
        return None
    said = {"maker": fn.name, "maker_line": fn.lineno, "fed": ast.unparse(items[fed[0]]), "base": mine.id,
            "returned": items[at].id, "shifted_labels": f"{mine.id}[:, 1:]"}
    return (frame.file, assigned.stmt, assigned.stmt.value, f"{mine.id}[:, 1:]"), said


def _without_last(node: ast.AST | None, base: str) -> bool:
    """`base[:, :-1]`."""
    return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == base
            and ast.unparse(node).replace(" ", "").endswith("[:,:-1]"))


def unshifted_in_mapping(ctx: Context) -> tuple[tuple[str, ast.stmt, ast.expr, str], dict[str, object]] | None:
    """The same mistake in a function of the user's files returning a mapping (a collator): its `labels` entry is
    `base` (through a local and copies) while another entry is `base[:, :-1]`; the edit shifts `base` where the
    labels' local is assigned.  None unless exactly one such function."""
    from .collators import returned_mappings
    found = []
    for file, tree, fn, ret, items in returned_mappings(ctx):
        value = items.get("labels")
        if not isinstance(value, ast.Name):
            continue
        assigned = src.last_assignment(tree, value.id, ret.lineno)
        if assigned is None or assigned.augmented or not isinstance(assigned.stmt, ast.Assign) \
                or not src.contains(fn, assigned.stmt.lineno):
            continue
        base = _kept(assigned.stmt.value)
        if not isinstance(base, ast.Name):
            continue
        for key, other in items.items():
            if key in ("labels", "__mapping__"):
                continue
            made = src.assigned_value(tree, fn, other, ret.lineno) if isinstance(other, ast.Name) else other
            if _without_last(_kept(made), base.id):
                said = {"maker": fn.name, "maker_line": fn.lineno, "fed": key, "base": base.id, "returned": value.id,
                        "shifted_labels": f"{base.id}[:, 1:]"}
                found.append(((file, assigned.stmt, base, f"{base.id}[:, 1:]"), said))
                break
    return found[0] if len(found) == 1 else None
