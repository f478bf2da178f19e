"""Labels padded to a fixed width by the Dataset and stacked as they are by the user's collate function, which
pads the inputs only to the batch's longest (`return pad_sequence(ids, ...), torch.stack(labels)`): every batch
of shorter examples carries more labels than predictions.  The labels are cut to the inputs' width where the
collate function returns them, so each loop that reads the batch (training and evaluation alike) gets one
label per position; the columns cut are the labels' own padding.  Read from the user's source only: the
statement that unpacks the batch in a user frame, the DataLoader's `collate_fn` and the tuple it returns."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact
from .classes import user_calls, user_files
from .collators import collate_def

CUT_IN_COLLATE = fact("labels-cut-in-collate", "the collate function `collator` (line `collator_line`) returns "
                                               "`ids_item` as wide as the predictions beside the labels "
                                               "`labels_item` at their fixed, wider width")


def cut_in_collate(ctx: Context, labels: TensorFacts, width: int) -> Finding | None:
    """The finding, with hint `cut_in_collate` = (file, the returned labels node, its new text), when the
    labels are a name unpacked from a batch tuple in their frame (`x, y = batch`, `for x, y in loader`), the
    user's files give DataLoaders one collate function returning a tuple of that arity, and the returned item
    at the place of an unpacked name holding the inputs (`width` positions, the predictions') is a name of that function."""
    unpacked = _unpacked(ctx, labels)
    if unpacked is None:
        return None
    names, at, whole = unpacked
    frame = ctx.frames[labels.frame]
    inputs = [k for k, n in enumerate(names) if k != at and any(
        t.expr in (n, f"{whole}[{k}]") and len(t.shape) >= 2 and t.shape[1] == width for t in frame.tensors)]
    found = {(file, fn.lineno): (file, fn, ret) for file, fn, ret in _collate_returns(ctx, len(names))}
    if len(found) != 1 or len(inputs) != 1:
        return None
    file, fn, ret = next(iter(found.values()))
    item, other = ret.value.elts[at], ret.value.elts[inputs[0]]
    if not isinstance(other, ast.Name) or isinstance(item, ast.Subscript) or not src.assignments(
            src.tree_of(file), other.id, fn, before=ret.lineno):
        return None
    written = src.segment(file, item)
    new = f"{written if isinstance(item, (ast.Name, ast.Call, ast.Attribute)) else f'({written})'}" \
          f"[:, :{other.id}.size(1)]"
    if _views(ctx):  # a slice is not contiguous: `labels.view(-1)` would refuse it
        new += ".contiguous()"
    f = Finding(facts={CUT_IN_COLLATE})
    f.values.update(collator=fn.name, collator_line=fn.lineno, ids_item=other.id, labels_item=written,
                    labels_fixed=new)
    f.hints["cut_in_collate"] = (file, ret, item, new)
    return f


def _unpacked(ctx: Context, labels: TensorFacts) -> tuple[list[str], int, str] | None:
    """The names a batch tuple is unpacked into where `labels` is bound in its frame, the labels' place, and
    the unpacked name (`batch` of `x, y = batch`; '' for a loop)."""
    frame = ctx.frames[labels.frame]
    tree = src.tree_of(frame.file) if labels.expr.isidentifier() and not frame.library else None
    if tree is None:
        return None
    scope = src.enclosing_scope(tree, frame.line)
    targets = [(a.stmt.targets[0], a.stmt.value) for a in src.assignments(tree, labels.expr, scope,
                                                                         before=frame.line)
               if isinstance(a.stmt, ast.Assign) and len(a.stmt.targets) == 1]
    targets += [(lp.target, None) for lp in src.enclosing_loops(tree, frame.line)]
    for target, value in reversed(targets):
        if isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
            names = [e.id for e in target.elts]
            if labels.expr in names:
                return names, names.index(labels.expr), value.id if isinstance(value, ast.Name) else ""
    return None


def _collate_returns(ctx: Context, n: int):
    """(file, function, return) for each `collate_fn` of a DataLoader in the user's files whose every return
    gives a tuple of `n` items (the last one taken)."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in (c for c in src.calls(tree) if src.call_name(c).split(".")[-1] == "DataLoader") \
                if tree is not None else ():
            fn = collate_def(tree, call)
            rets = [r for r in src.statements(fn) if isinstance(r, ast.Return)] if fn is not None else []
            if rets and all(isinstance(r.value, ast.Tuple) and len(r.value.elts) == n for r in rets):
                yield file, fn, rets[-1]


def _views(ctx: Context) -> bool:
    """True when the user's files call `.view(...)` on some tensor."""
    return any(isinstance(n.func, ast.Attribute) and n.func.attr == "view" for _, n in user_calls(ctx))
