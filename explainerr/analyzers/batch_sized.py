"""Labels made once with the DataLoader's batch size (`targets = torch.arange(BATCH_SIZE)` before the loop,
in-batch negatives, all-zero or all-one targets, or such factories joined: `torch.cat([torch.ones(BATCH),
torch.zeros(BATCH * NEG)])` for positives and sampled negatives), used in every step: the last, partial batch
has fewer predictions than labels.  Read from the source (nothing runs): the labels' assignment is a tensor
factory (or a cat/stack of factories) sized by the constant the DataLoader is given as `batch_size`, made
outside the loop the loss runs in."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

FIXED_BATCH_LABELS = fact("labels-per-batch-size", "the labels are made once, before the loop, with the "
                                                   "DataLoader's batch size (`made`): the last batch is smaller")
PER_EXAMPLE_COUNT = fact("labels-per-batch-joined", "the labels are joined blocks sized from the batch size (several "
                                                   "labels per example): the fix sizes them from `per_batch`, the "
                                                   "batch the loop unpacked, not from the predictions")
_FACTORIES = ("arange", "zeros", "ones", "full", "empty", "randint")
_JOINS = ("cat", "concat", "concatenate", "stack", "hstack")


def fixed_batch_labels(ctx: Context, labels: TensorFacts | None, logits: TensorFacts | None,
                       rows: int) -> Finding | None:
    """The finding, with the failing statement's labels (and any other tensor made the same way, `fake_y`
    beside `real_y`) rewritten as the same factory sized by the predictions' `rows`, read from the
    predictions' name, else from the batch the loop unpacked (hints `per_batch`: file, statement, [(node,
    new text)])."""
    frame = ctx.user
    if labels is None or frame is None or not labels.expr.isidentifier():
        return None
    tree = src.tree_of(frame.file)
    made = _made_with_batch_size(ctx, tree, frame, labels.expr)
    loops = src.enclosing_loops(tree, frame.line) if tree is not None else []
    if made is None or not loops or any(src.contains(n, made[0].lineno) for n in loops):
        return None
    call, size = made[1], made[2]
    per_batch = _per_batch_count(ctx, tree, frame, call, size.id, rows, loops[0], logits)
    stmt = src.statement_at(tree, frame.line)
    f = Finding(facts={FIXED_BATCH_LABELS}, values={"made": src.segment(frame.file, call), "batch_const": size.id})
    if per_batch is None or stmt is None:
        return f
    if per_batch != (logits.expr if logits is not None else None):
        f.facts.add(PER_EXAMPLE_COUNT)
        f.values["per_batch"] = per_batch
    swaps = []
    for name in dict.fromkeys(n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)):
        other = _made_with_batch_size(ctx, tree, frame, name)
        if other is None or other[2].id != size.id or any(src.contains(n, other[0].lineno) for n in loops):
            continue
        new = src.with_name_replaced(frame.file, other[1], size.id, f"{per_batch}.size(0)")
        if new is None:
            return f
        swaps += [(n, new) for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id == name
                  and isinstance(n.ctx, ast.Load)]
    if swaps:
        f.hints["per_batch"] = (frame.file, stmt, swaps)
    return f


def _per_batch_count(ctx: Context, tree: ast.Module, frame, call: ast.Call, const: str, rows: int, loop: ast.For,
                     logits: TensorFacts | None) -> str | None:
    """The name whose first dimension is this batch's number of examples: a tensor the loop unpacked whose
    rows, put for the constant, give the predictions' `rows` (`diners`, 65 rows: 65 + 65 * 4 = 325 labels for
    one positive and four negatives each), else the predictions themselves when the labels are one per
    example (one factory sized by the constant alone)."""
    sizes = _factory_sizes(call)
    if not sizes:
        return None
    if len(sizes) == 1 and isinstance(sizes[0], ast.Name) and logits is not None and logits.expr.isidentifier() \
            and frame.tensor(logits.expr):
        return logits.expr
    return next((t.expr for t in frame.tensors if t.expr in src.names_in(loop.target) and t.shape
                 and _total(ctx, tree, sizes, const, t.shape[0]) == rows), None)


def _factory_sizes(call: ast.Call) -> list[ast.expr]:
    """The size argument of each factory `call` is or joins (torch.cat([ones(n), zeros(n * k)]))."""
    fn = src.call_name(call).split(".")[-1]
    if fn in _JOINS and call.args and isinstance(call.args[0], (ast.List, ast.Tuple)):
        parts = [_factory_sizes(e) if isinstance(e, ast.Call) else [] for e in call.args[0].elts]
        return [s for p in parts for s in p] if parts and all(parts) else []
    if fn not in _FACTORIES or not call.args:
        return []
    return [call.args[1] if fn == "randint" and len(call.args) > 2 else call.args[0]]


def _total(ctx: Context, tree: ast.Module, sizes: list[ast.expr], const: str, n: int) -> int | None:
    """The labels' length with `n` put for the constant (other names: the ints the file and frames hold)."""
    from .classes import static_int
    values = [static_int(ctx, tree, s, {const: n}) for s in sizes]
    return None if any(v is None for v in values) else sum(values)


def _made_with_batch_size(ctx: Context, tree, frame, name: str) -> tuple[ast.stmt, ast.Call, ast.Name] | None:
    """(statement, factory call, its size name) when `name` was made by a tensor factory sized with the
    constant a DataLoader of the file gets as `batch_size`."""
    found = ctx.origin(name, frame)
    if tree is None or found is None or found[0] is not frame or not isinstance(found[2], ast.Call):
        return None
    call = found[2]
    sizes = _factory_sizes(call)
    named = [n for s in sizes for n in ast.walk(s) if isinstance(n, ast.Name) and _loader_batch_size(tree, n.id)]
    if not named or any(n.id != named[0].id for n in named):
        return None
    stmt = src.statement_at(tree, call.lineno)
    return (stmt, call, named[0]) if stmt is not None else None


def _loader_batch_size(tree: ast.Module, name: str) -> bool:
    return any(src.call_name(c).split(".")[-1] == "DataLoader" and isinstance(
        getattr(src.keyword(c, "batch_size"), "value", None), ast.Name) and src.keyword(c, "batch_size").value.id == name
        for c in src.calls(tree))
