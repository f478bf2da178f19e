"""Fix for a layer sized by the number of items the script asked a selector for, while the selector kept fewer:
`hvg_idx = select_hvgs(X, genes, N_TOP_GENES)` returns 387 indices where 400 were asked, the features are
`X[:, hvg_idx]`, 387 wide, and the model is built with `AEConfig(n_genes=N_TOP_GENES)`.  The width is counted from
what was kept: `n_genes=len(hvg_idx)`.  Read from the user's source and the frames: the one argument of the user's
files that holds the layer's width, and the one name made by a call given that same argument that a frame holds
with the input's width as its length, or that the file selects the features' columns with (`X[:, hvg_idx]`)."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import static_int, user_files
from ..facts import Context
from ..model import Edit
from . import edits_of
from .checks import bound_names

KEPT_FEWER = fact("kept-fewer", "`selected` (line `selected_line`) holds `got` items, made by `selector` which was "
                                "asked for `asked` = `want`; the layer is sized by `asked`")


def _kept_names(ctx: Context, got: int) -> dict[str, object]:
    """Names in the user's frames holding `got` items: a list's length or an array's first dimension."""
    out: dict[str, object] = {}
    for fr in ctx.user_frames():
        for name, n in getattr(fr, "lengths", {}).items():
            if n == got and name.isidentifier():
                out.setdefault(name, fr)
        for t in fr.tensors:
            if t.expr.isidentifier() and len(t.shape) == 1 and t.shape[0] == got:
                out.setdefault(t.expr, fr)
    return out


def _column_selections(tree: ast.Module) -> set[str]:
    """Names the file selects columns with: `X[:, kept]`, `X[..., kept]` (the features are as wide as it holds)."""
    out = set()
    for n in src.nodes(tree, ast.Subscript):
        if isinstance(n.slice, ast.Tuple) and len(n.slice.elts) == 2 and isinstance(n.slice.elts[1], ast.Name) and (
                isinstance(n.slice.elts[0], ast.Slice) or (isinstance(n.slice.elts[0], ast.Constant)
                                                           and n.slice.elts[0].value is Ellipsis)):
            out.add(n.slice.elts[1].id)
    return out


def requested_count(ctx: Context, f: Finding) -> list[Edit]:
    want, got = f.values.get("in_features"), f.values.get("hidden")
    if not isinstance(want, int) or not isinstance(got, int) or got >= want:
        return []
    kept = _kept_names(ctx, got)
    hits = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for name in set(kept) | _column_selections(tree):
            made = src.assignments(tree, name)
            if len(made) != 1 or not isinstance(made[0].value, ast.Call):
                continue
            call = made[0].value
            asked = [a for a in [*call.args, *(k.value for k in call.keywords)]
                     if isinstance(a, (ast.Name, ast.Attribute)) and static_int(ctx, tree, a) == want]
            if len(asked) != 1:
                continue
            text = ast.unparse(asked[0])
            # the other places that size something by the same request: arguments of other calls
            sized = [(c, a) for c in src.calls(tree) if c is not call
                     for a in [*c.args, *(k.value for k in c.keywords)] if ast.unparse(a) == text]
            for c, a in sized:
                stmt = src.statement_at(tree, c.lineno)
                if stmt is not None and stmt.lineno > made[0].stmt.lineno and name in (
                        bound_names(file, stmt.lineno) or set()):
                    hits.append((file, stmt, a, name, made[0].stmt, call, text))
    if len(hits) != 1:
        return []
    file, stmt, arg, name, made_stmt, call, text = hits[0]
    out = edits_of(src.LineEditor.for_node(file, stmt).replace(arg, f"len({name})"))
    if out:
        f.facts.add(KEPT_FEWER)
        f.values.update(selected=name, selected_line=made_stmt.lineno, got=got, want=want, asked=text,
                        selector=src.call_name(call), sized_at=" ".join(src.segment(file, stmt).split()),
                        sized_line=stmt.lineno)
    return out
