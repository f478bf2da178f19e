"""Inputs flattened one level deeper than the labels, read from the user's source (nothing runs): two
comprehensions over the same rows in one scope, the inputs' walking an inner list of each row
(`[note for entry in group for note in entry["notes"]]`, one input per note) and the labels' walking the rows
alone (`[FAULT_TO_ID[entry["fault"]] for entry in group]`, one label per row), so there are more predictions
than labels.  The fix repeats each row's label once per item of the same inner list
(`... for entry in group for _ in entry["notes"]`)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files
from .filtered import _LABELY

FLATTENED_APART = fact("flattened-apart", "`flat` (line `flat_line`) makes one item per item of `inner` of each "
                                          "row of `source`, but `per_row` (line `per_row_line`) makes one per row")
_COMPS = (ast.ListComp, ast.GeneratorExp)


def _made(stmt: ast.stmt) -> tuple[str, ast.AST] | None:
    """The name a statement assigns alone and the one comprehension its value holds."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    comps = [c for c in ast.walk(stmt.value) if isinstance(c, _COMPS)]
    return (stmt.targets[0].id, comps[0]) if len(comps) == 1 else None


def _nested(comp: ast.AST) -> bool:
    """`[x for row in rows for x in row.items]`: two loops, the inner one over a part of the outer's row."""
    gens = comp.generators
    return len(gens) == 2 and not any(g.ifs for g in gens) and isinstance(gens[0].target, ast.Name) \
        and gens[0].target.id in src.names_in(gens[1].iter)


def flattened_apart(ctx: Context, labels: str | None) -> Finding | None:
    """The one pair, in one scope of the user's files, of a nested comprehension and a one-loop comprehension
    over the same rows, the one-loop one making the labels: assigned to `labels` (the loss's labels as the user
    names them), named like labels, or returned beside the nested one's result."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        scopes = [tree, *src.nodes(tree, ast.FunctionDef, ast.AsyncFunctionDef)] if tree is not None else []
        for scope in scopes:
            returned = {n for r in src.nodes(scope, ast.Return) if r.value is not None for n in src.names_in(r.value)}
            flat, per_row = {}, {}
            for stmt in src.statements(scope):
                made = _made(stmt)
                if made is None:
                    continue
                name, comp = made
                source = src.segment(file, comp.generators[0].iter)
                if _nested(comp):
                    flat.setdefault(source, []).append((name, stmt, comp))
                elif len(comp.generators) == 1 and not comp.generators[0].ifs \
                        and isinstance(comp.generators[0].target, ast.Name):
                    per_row.setdefault(source, []).append((name, stmt, comp))
            for source, rows in per_row.items():
                inputs = flat.get(source, [])
                labely = [r for r in rows if r[0] == labels or _LABELY.search(r[0]) or r[0] in returned]
                if len(inputs) == 1 and len(labely) == 1:
                    found.append((file, source, inputs[0], labely[0]))
    if len(found) != 1:
        return None
    file, source, (flat_name, flat_stmt, flat_comp), (name, stmt, comp) = found[0]
    inner = flat_comp.generators[1].iter
    outer, mine = flat_comp.generators[0].target.id, comp.generators[0].target.id

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            return ast.Name(id=mine, ctx=ast.Load()) if node.id == outer else node

    inner_text = src.segment(file, inner) if outer == mine else ast.unparse(Rename().visit(ast.parse(
        src.segment(file, inner), mode="eval")).body)
    used = set(src.names_in(comp))
    item = next(n for n in ("_", "_item", "_each") if n not in used)
    old = src.segment(file, comp)
    g = comp.generators[0]
    opening, closing = (old[0], old[-1]) if old[:1] in "([" else ("", "")
    fixed = (f"{opening}{src.segment(file, comp.elt)} for {mine} in {src.segment(file, g.iter)} "
             f"for {item} in {inner_text}{closing}")
    return Finding(facts={FLATTENED_APART}, values={
        "flat": flat_name, "flat_line": flat_stmt.lineno, "inner": src.segment(file, inner), "source": source,
        "per_row": name, "per_row_line": stmt.lineno, "per_row_fixed": fixed},
        hints={"flattened_apart": (file, stmt, comp, fixed)})
