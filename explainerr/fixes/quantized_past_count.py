"""Fix for values put into N bins by dividing by their largest value instead of their number of values:
`velocity * BINS // 127` maps velocities 0..127 to 0..BINS, so the largest velocity gets bin BINS, one past the
last of the BINS bins (a label the classifier lacks, or, with an offset, the id one past the vocabulary).  Dividing
by the number of values (`// 128`) gives 0..BINS - 1.  Read from the user's source: the one expression
`x * N // C` (or `int(x * N / C)`, `int(x / C * N)`) of the user's files, N a bin count that sizes the failing
table or classifier."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import module_defs, static_int, user_files
from ..facts import Context
from ..model import Edit
from . import edits_of

QUANTIZED_PAST_COUNT = fact("quantized-past-count", "`quant_expr` (line `quant_line`) puts values into `quant_count` "
                                                    "= `quant_n` bins by dividing by `quant_div`, their largest value: "
                                                    "that value itself gets bin `quant_n`, one past the last")


@dataclass(frozen=True)
class Quantizer:
    file: str
    stmt: ast.stmt
    expr: ast.expr        # the whole `x * N // C`
    count: ast.expr       # N
    divisor: ast.Constant  # C
    n: int


def _parts(node: ast.AST) -> tuple[ast.expr, ast.Constant] | None:
    """(N's candidates' product, C) of `x * N // C`, `int(x * N / C)` or `int(x / C * N)`."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv) and isinstance(node.left, ast.BinOp) \
            and isinstance(node.left.op, ast.Mult) and isinstance(node.right, ast.Constant):
        return node.left, node.right
    if isinstance(node, ast.Call) and src.call_name(node) == "int" and len(node.args) == 1:
        inner = node.args[0]
        if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Div) and isinstance(inner.left, ast.BinOp) \
                and isinstance(inner.left.op, ast.Mult) and isinstance(inner.right, ast.Constant):
            return inner.left, inner.right
        if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Mult) and isinstance(inner.left, ast.BinOp) \
                and isinstance(inner.left.op, ast.Div) and isinstance(inner.left.right, ast.Constant):
            return ast.BinOp(left=inner.left.left, op=ast.Mult(), right=inner.right), inner.left.right
    return None


def _quantizers(ctx: Context) -> list[Quantizer]:
    out = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for node in ast.walk(tree) if tree is not None else ():
            parts = _parts(node)
            if parts is None or type(parts[1].value) is not int or parts[1].value < 2:
                continue
            product, divisor = parts
            counts = [s for s in (product.left, product.right) if isinstance(s, (ast.Name, ast.Attribute))]
            sized = [(c, n) for c in counts for n in [static_int(ctx, tree, c)] if type(n) is int and 1 < n < divisor.value]
            stmt = src.statement_at(tree, node.lineno)
            if len(sized) == 1 and stmt is not None:
                out.append(Quantizer(file, stmt, node, sized[0][0], divisor, sized[0][1]))
    return out


def _sizes(tree: ast.Module, name: str, depth: int = 0) -> set[str]:
    """The module constants `name`'s definition is built from, transitively (`VOCAB = OFFSET + BINS`)."""
    defs = module_defs(tree)
    if depth > 4 or name not in defs:
        return set()
    found = set(src.names_in(defs[name].value)) & set(defs)
    for n in list(found):
        found |= _sizes(tree, n, depth + 1)
    return found


def quantized_past_count(ctx: Context, f: Finding, bad: object, limit: object) -> list[Edit]:
    """`x * N // C` → `x * N // (C + 1)` when the bad value is exactly the limit and N sizes it: the classes
    themselves (`limit == N`), or a module constant the limit is built from (`VOCAB = OFFSET + N`)."""
    if type(bad) is not int or type(limit) is not int or bad != limit:
        return []
    hits = []
    for q in _quantizers(ctx):
        tree = src.tree_of(q.file)
        name = q.count.id if isinstance(q.count, ast.Name) else None
        sizing = q.n == limit or (name is not None and any(
            name in _sizes(tree, const) for const, a in module_defs(tree).items()
            if static_int(ctx, tree, ast.Name(id=const, ctx=ast.Load())) == limit))
        if sizing:
            hits.append(q)
    if len(hits) != 1:
        return []
    q = hits[0]
    scope = src.scope_name(q.file, q.stmt.lineno)
    f.facts.add(QUANTIZED_PAST_COUNT)
    f.facts.discard("one-based")  # bins 0..N, not 1..N: the top value alone is past the count
    f.confidence = "high"  # the largest value lands exactly one bin past the count: the numbers decide
    f.values.update(quant_expr=" ".join(src.segment(q.file, q.expr).split()), quant_line=q.stmt.lineno,
                    quant_where=f", in `{scope}`" if scope else "", quant_count=src.segment(q.file, q.count),
                    quant_n=q.n, quant_last=q.n - 1, quant_div=q.divisor.value, quant_fixed=q.divisor.value + 1)
    return edits_of(src.LineEditor.for_node(q.file, q.stmt).replace(q.divisor, str(q.divisor.value + 1)))
