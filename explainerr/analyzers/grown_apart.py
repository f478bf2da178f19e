"""Two collections grown side by side in a loop, one by the items a mask keeps and the other by every item: a
self-training round adds the confident pool items to the inputs (`picked_ids = picked_ids + [i for i, ok in
zip(pool, confident.tolist()) if ok]`) but every prediction to the labels (`picked_y = torch.cat([picked_y,
top_class])`), so after the first round the labels outnumber the inputs.  The unfiltered part takes the same mask
(`top_class[confident]`).  Read from the user's source: the loop's accumulating assignments."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files

GROWN_APART = fact("grown-apart", "`kept_name` grows by the items `mask` keeps (line `kept_line`) while `whole_name` "
                                  "grows by every item, `whole_part` (line `whole_line`)")


def grown_apart(ctx: Context) -> Finding | None:
    """The reading, with the hint `grown_apart` (file, statement, the unfiltered part, its masked text), when
    exactly one loop of the user's files grows one name by a comprehension filtered through a mask and another
    by a tensor part not filtered."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for loop in src.nodes(tree, ast.For, ast.While) if tree is not None else ():
            grown = [g for st in loop.body for g in [_grows(st)] if g is not None]
            kept = [(name, st, mask) for name, st, part in grown for mask in [_filtered_by(tree, st, part)] if mask]
            whole = [(name, st, part) for name, st, part in grown if _filtered_by(tree, st, part) is None
                     and isinstance(part, (ast.Name, ast.Attribute))]
            if len(kept) == 1 and len(whole) == 1 and kept[0][0] != whole[0][0]:
                found.append((file, kept[0], whole[0]))
    if len(found) != 1:
        return None
    file, (kept_name, kept_st, mask), (whole_name, whole_st, part) = found[0]
    text = f"{src.segment(file, part)}[{mask}]"
    return Finding(facts={GROWN_APART}, values={
        "kept_name": kept_name, "kept_line": kept_st.lineno, "mask": mask, "whole_name": whole_name,
        "whole_part": src.segment(file, part), "whole_line": whole_st.lineno, "whole_fixed": text},
        hints={"grown_apart": (file, whole_st, part, text)})


def _grows(stmt: ast.stmt) -> tuple[str, ast.stmt, ast.expr] | None:
    """(name, statement, the new part) for `x = x + part`, `x = torch.cat([x, part])`, `x += part`,
    `x.extend(part)`."""
    grown = src.list_growth(stmt)
    if grown is not None and grown[1] == "extend":
        return grown[0], stmt, grown[2]
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    name, v = stmt.targets[0].id, stmt.value
    if isinstance(v, ast.BinOp) and isinstance(v.op, ast.Add) and isinstance(v.left, ast.Name) and v.left.id == name:
        return name, stmt, v.right
    if isinstance(v, ast.Call) and src.call_name(v).split(".")[-1] in ("cat", "concatenate") and v.args \
            and isinstance(v.args[0], (ast.List, ast.Tuple)) and len(v.args[0].elts) == 2 \
            and isinstance(v.args[0].elts[0], ast.Name) and v.args[0].elts[0].id == name:
        return name, stmt, v.args[0].elts[1]
    return None


def _filtered_by(tree: ast.Module, stmt: ast.stmt, part: ast.expr) -> str | None:
    """The mask (its text) a part keeps items by: a comprehension (or a name assigned one before `stmt`) over
    `zip(items, mask.tolist())` with `if ok`, or a part indexed by a mask (`x[mask]` is already filtered)."""
    comp = part
    if isinstance(part, ast.Name):
        made = src.last_assignment(tree, part.id, stmt.lineno)
        comp = made.value if made is not None else None
    if isinstance(part, ast.Subscript):
        return ast.unparse(part.slice)
    if not (isinstance(comp, ast.ListComp) and len(comp.generators) == 1 and comp.generators[0].ifs):
        return None
    gen = comp.generators[0]
    it = gen.iter
    if not (isinstance(it, ast.Call) and src.call_name(it) == "zip" and isinstance(gen.target, ast.Tuple)
            and len(gen.target.elts) == len(it.args)):
        return None
    tested = {n for c in gen.ifs for n in src.names_in(c)}
    for t, a in zip(gen.target.elts, it.args):
        if isinstance(t, ast.Name) and t.id in tested:
            base = a.func.value if isinstance(a, ast.Call) and isinstance(a.func, ast.Attribute) \
                and a.func.attr == "tolist" else a
            return ast.unparse(base)
    return None
