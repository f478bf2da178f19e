"""Shifted windows cut from one sequence: inputs `x[i:i + L]` and targets `x[i + k:i + k + L]` (next-token
prediction, truncated backpropagation through time).  The shifted window reaches the end of `x` k steps
earlier, so the last window's targets are shorter than its inputs and the loss gets more predictions than
labels.  Read from the user's source: the statement that cuts both windows and the loop variable they share."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

SHIFTED_WINDOW = fact("shifted-window", "`window_fn` cuts inputs and targets `shift` apart from `base` with one "
                                        "length `window`: the shifted one runs out first")


def _plus(node: ast.AST) -> tuple[ast.AST, ast.AST] | None:
    return (node.left, node.right) if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) else None


def _same(a: ast.AST, b: ast.AST) -> bool:
    return ast.dump(a) == ast.dump(b)


def _window(sub: ast.Subscript) -> tuple[int, ast.Slice] | None:
    """(dimension, slice) of `x[a:b]` or `x[:, a:b]` with one slice that has both bounds."""
    parts = sub.slice.elts if isinstance(sub.slice, ast.Tuple) else [sub.slice]
    cut = [(d, p) for d, p in enumerate(parts) if isinstance(p, ast.Slice) and p.lower is not None
           and p.upper is not None and p.step is None]
    full = [p for p in parts if isinstance(p, ast.Slice) and p.lower is None and p.upper is None]
    return cut[0] if len(cut) == 1 and len(cut) + len(full) == len(parts) else None


def _pair(a: ast.Subscript, b: ast.Subscript) -> tuple[int, ast.AST, ast.AST, int, ast.AST, ast.AST] | None:
    """(dim, start, length, shift, length node of a, length node of b) when b's window is a's moved by a constant."""
    wa, wb = _window(a), _window(b)
    if wa is None or wb is None or wa[0] != wb[0] or not _same(a.value, b.value):
        return None
    (dim, sa), (_, sb) = wa, wb
    ua, ub, lb = _plus(sa.upper), _plus(sb.upper), _plus(sb.lower)
    if ua is None or ub is None or lb is None or not _same(ua[0], sa.lower) or not _same(ub[0], sb.lower):
        return None
    if not (_same(lb[0], sa.lower) and isinstance(lb[1], ast.Constant) and type(lb[1].value) is int
            and lb[1].value > 0 and _same(ua[1], ub[1])):
        return None
    return dim, sa.lower, ua[1], lb[1].value, ua[1], ub[1]


def shifted_window(ctx: Context) -> Finding | None:
    """The fact, with the hint `shifted` = (file, first line, last line, dim, base, start, length, shift, the two
    length nodes), for the one pair of such windows in one function (or the module) of the user's files: in one
    tuple (`yield x[i:i + L], x[i + 1:i + 1 + L]`) or in nearby statements."""
    found = []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        windows = [n for n in src.nodes(tree, ast.Subscript) if _window(n) is not None]  # few in any file
        for i, a in enumerate(windows):
            for b in windows[i + 1:]:
                if abs(a.lineno - b.lineno) > 3:
                    continue
                hit = _pair(a, b) or _pair(b, a)
                scope = src.enclosing_scope(tree, a.lineno)
                if hit is not None and scope is src.enclosing_scope(tree, b.lineno):
                    found.append((file, tree, scope, a, b, hit))
    if len(found) != 1:
        return None
    file, tree, scope, a, b, (dim, start, length, shift, na, nb) = found[0]
    first = src.statement_at(tree, min(a.lineno, b.lineno))
    last = src.statement_at(tree, max(a.lineno, b.lineno))
    if first is None or last is None:
        return None
    f = Finding(confidence="high")
    f.facts.add(SHIFTED_WINDOW)
    pair = sorted((a, b), key=lambda n: (n.lineno, n.col_offset))
    f.values.update(window_fn=f"`{scope.name}`" if isinstance(scope, ast.FunctionDef) else f"Line {first.lineno}",
                    base=src.segment(file, a.value), window=src.segment(file, length), shift=shift,
                    steps=f"{shift} step{'s' if shift != 1 else ''}", start=src.segment(file, start),
                    windows=" and ".join(f"`{src.segment(file, n)}`" for n in pair), window_dim=dim)
    f.hints["shifted"] = (file, first.lineno, last.end_lineno or last.lineno, dim, src.segment(file, a.value),
                          src.segment(file, start), src.segment(file, length), shift, na, nb)
    return f

