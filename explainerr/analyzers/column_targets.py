"""In-batch targets that count the columns of a score matrix: `scores = queries @ keys.T` holds one row per query
and one column per key (the positives and extra negatives), and the loss wants one target per row, the column
of that row's positive.  Targets made with `torch.arange` over the keys (`torch.arange(keys.size(0))`, or a
helper of the user's that returns one, given `keys`) have one per column: counted over the queries they
would fit.  Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .reduction import _unscaled

COLUMN_TARGETS = fact("column-targets", "the targets are made with arange over `cols`, the right operand of the "
                                        "pairwise scores `pairwise` (line `scores_line`), while the scores have one "
                                        "row per item of `rows`")


@dataclass
class Counted:
    file: str
    stmt: ast.stmt     # the failing statement, where the targets are made or passed
    node: ast.Name     # `keys` where the targets take their count from
    rows: str          # the left operand of the product: one row per item


def column_targets(ctx: Context, logits) -> Finding | None:
    """The reading, when the scores the loss got are a product `rows @ cols.T` assigned in the failing function
    and the targets on the failing line are `torch.arange(<cols>...)` or `helper(cols)` whose one return is an
    arange over its parameter."""
    if logits is None or not logits.expr.isidentifier() or len(logits.shape) != 2:
        return None
    frame = ctx.frames[logits.frame]
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, logits.expr, frame.line) if tree is not None else None
    product = _unscaled(made.value) if made is not None else None
    if not (isinstance(product, ast.BinOp) and isinstance(product.op, ast.MatMult)):
        return None
    rows, cols = _operand(product.left), _operand(product.right, transposed=True)
    stmt = src.statement_at(tree, frame.line)
    if rows is None or cols is None or rows == cols or stmt is None:
        return None
    for call in src.calls(stmt):
        if len(call.args) < 2 or not (isinstance(call.args[0], ast.Name) and call.args[0].id == logits.expr):
            continue
        node = _counted_name(tree, call.args[1], cols)
        if node is not None:
            f = Finding(facts={COLUMN_TARGETS}, confidence="high")
            f.values.update(rows=rows, cols=cols, pairwise=" ".join(src.segment(frame.file, made.value).split()),
                            scores_line=made.stmt.lineno, targets=" ".join(src.segment(frame.file, call.args[1]).split()))
            f.hints["column_targets"] = Counted(frame.file, stmt, node, rows)
            return f
    return None


def _operand(node: ast.AST, transposed: bool = False) -> str | None:
    """The plain name of a product's operand: `keys` of `keys.T`, `keys.t()`, `keys.transpose(0, 1)` (the right
    one, `transposed`), `queries` (the left one)."""
    if transposed:
        if isinstance(node, ast.Attribute) and node.attr in ("T", "mT"):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("t", "transpose"):
            node = node.func.value
        else:
            return None
    return node.id if isinstance(node, ast.Name) else None


def _counted_name(tree: ast.Module, target: ast.AST, cols: str) -> ast.Name | None:
    """`cols` as the count of `torch.arange(cols.size(0))` / `torch.arange(len(cols))`, or as the argument of
    `helper(cols)` when the helper's one return is such an arange over its parameter."""
    if not isinstance(target, ast.Call):
        return None
    if src.call_name(target).rpartition(".")[2] == "arange":
        return next((n for n in ast.walk(target) if isinstance(n, ast.Name) and n.id == cols), None)
    helper = next((d for d in tree.body if isinstance(d, ast.FunctionDef) and isinstance(target.func, ast.Name)
                   and d.name == target.func.id), None)
    if helper is None or len(target.args) != 1 or not (isinstance(target.args[0], ast.Name)
                                                       and target.args[0].id == cols):
        return None
    returns = [r.value for r in src.nodes(helper, ast.Return) if r.value is not None]
    params = [a.arg for a in helper.args.args]
    if len(returns) != 1 or len(params) != 1 or not isinstance(returns[0], ast.Call) or \
            src.call_name(returns[0]).rpartition(".")[2] != "arange" or params[0] not in src.names_in(returns[0]):
        return None
    return target.args[0]
