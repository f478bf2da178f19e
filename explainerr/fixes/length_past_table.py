"""Fix for sequences made exactly k positions longer than a position table, by an expression that is the table's
own size plus k: `nn.Embedding(cfg.max_len, d)` reads positions of windows made by `build_windows(log,
cfg.max_len + 1)` (65 against 64).  The `+ k` is what takes the sequences past the table; without it they fit.
Read from the user's source: the table's size expression as written, the one `<that expression> + k` of the
user's files (k the overshoot the batch shows), outside the table's own statement."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import user_files
from ..facts import Context
from ..model import Edit
from . import edits_of

LENGTH_PAST_TABLE = fact("length-past-table", "`grown_expr` (line `grown_line`) makes the sequences the table's own "
                                              "size `table_size` plus `overshoot`, the `overshoot` position(s) they "
                                              "have past it")


def _text(node: ast.AST) -> str:
    return " ".join(ast.unparse(node).split())


def length_past_table(ctx: Context, f: Finding) -> list[Edit]:
    table, seq, rows = f.hints.get("table"), f.values.get("seq_len"), f.values.get("num_embeddings")
    size = getattr(table, "size", None)
    if size is None or type(seq) is not int or type(rows) is not int or seq <= rows or isinstance(size, ast.Constant):
        return []
    over, wanted = seq - rows, _text(size)
    hits = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for n in src.nodes(tree, ast.BinOp) if tree is not None else ():
            if isinstance(n.op, ast.Add) and isinstance(n.right, ast.Constant) and n.right.value == over \
                    and _text(n.left) == wanted:
                stmt = src.statement_at(tree, n.lineno)
                if stmt is not None and stmt is not getattr(table, "stmt", None):
                    hits.append((file, stmt, n))
    if len(hits) != 1:
        return []
    file, stmt, node = hits[0]
    f.facts.add(LENGTH_PAST_TABLE)
    f.values.update(grown_expr=" ".join(src.segment(file, node).split()), grown_line=node.lineno,
                    table_size=src.segment(file, node.left), overshoot=over,
                    grown_stmt=" ".join(src.segment(file, stmt).split()))
    return edits_of(src.LineEditor.for_node(file, stmt).replace(node, src.segment(file, node.left)))
