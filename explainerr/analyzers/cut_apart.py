"""Inputs cut, labels not: a collate function builds the examples' inputs with a cut (`[...][:MAX_WORDS]`) and
their labels the same way without it, so an example longer than the cut keeps all its labels and the padded
labels come out wider than the inputs.  The labels get the same cut at the same place of their expression.
Read from the user's source."""
from __future__ import annotations

import ast
import re
from typing import Any

from .. import source as src
from ..facts import Context
from . import Finding, fact

CUT_APART = fact("cut-apart", "`cut_fn` cuts each example's `ids_list` with `[:limit]` (line `cut_line`) but builds "
                              "`labels_list` (line `labels_line`) without the cut")
LABELS_CUT = fact("labels-cut", "`labels_fixed` is the labels' expression with the inputs' cut")


def cut_apart(ctx: Context, f: Finding, key: str, other_key: str) -> bool:
    """`key` (the labels) and `other_key` (the inputs) are entries of the mapping one user function returns;
    the inputs' list is built with a `[:N]` cut and the labels' list without one.  The edit puts the same cut
    where the inputs' expression has it, when the labels' expression has the same shape there."""
    from .collators import returned_mappings
    for file, tree, fn, _ret, items in returned_mappings(ctx):
        if key not in items or other_key not in items:
            continue
        labels_made, ids_made = _built(tree, fn, items[key]), _built(tree, fn, items[other_key])
        if labels_made is None or ids_made is None:
            continue
        cut = _cut(ids_made[1])
        if cut is None or _cut(labels_made[1]) is not None:
            continue
        f.facts.add(CUT_APART)
        limit = src.segment(file, cut.slice.upper)  # type: ignore[attr-defined]
        f.values.update(cut_fn=fn.name, ids_list=ids_made[0], labels_list=labels_made[0], limit=limit,
                        cut_line=cut.lineno, labels_line=labels_made[1].lineno)
        counterpart = _follow(labels_made[1], _path(ids_made[1], cut))  # where the cut sits
        stmt = src.statement_at(tree, counterpart.lineno) if counterpart is not None else None
        if counterpart is not None and stmt is not None:
            wrapped = src.segment(file, counterpart)
            if not isinstance(counterpart, (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.List, ast.ListComp)):
                wrapped = f"({wrapped})"
            f.facts.add(LABELS_CUT)
            f.values["labels_fixed"] = f"{wrapped}[:{limit}]"
            f.hints["cut_apart"] = (file, stmt, counterpart, f"{wrapped}[:{limit}]")
        f.confidence = "high"
        return True
    return False


def _built(tree: ast.Module, fn: ast.FunctionDef, value: ast.AST) -> tuple[str, ast.AST] | None:
    """(name, expression) of the list an entry is made from: the one local name among the entry's names that
    `fn` assigns (`pad_sequence(tag_seqs, ...)` → `tag_seqs = [...]`), else the entry itself."""
    names = [n for n in dict.fromkeys(src.names_in(value)) if src.assignments(tree, n, fn)]
    if len(names) == 1:
        return names[0], src.assignments(tree, names[0], fn)[-1].value
    return (ast.unparse(value), value) if not names else None


def _cut(node: ast.AST) -> ast.Subscript | None:
    """The one `x[:N]` cut (no start, no step) inside `node`."""
    cuts = [n for n in ast.walk(node) if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice)
            and n.slice.lower is None and n.slice.step is None and n.slice.upper is not None]
    return cuts[0] if len(cuts) == 1 else None


def _path(root: ast.AST, target: ast.AST) -> list[tuple[str, Any]] | None:
    """The fields (and list positions) that lead from `root` to `target`."""
    if root is target:
        return []
    for field, value in ast.iter_fields(root):
        children = [(k, v) for k, v in enumerate(value)] if isinstance(value, list) else [(None, value)]
        for k, child in children:
            if isinstance(child, ast.AST):
                rest = _path(child, target)
                if rest is not None:
                    return [(field, k), *rest]
    return None


def _follow(root: ast.AST, path: list[tuple[str, Any]] | None) -> ast.expr | None:
    """The node at `path` in `root`, when the same fields exist there."""
    if path is None:
        return None
    node: Any = root
    for field, k in path:
        value = getattr(node, field, None)
        if k is not None:
            if not isinstance(value, list) or k >= len(value):
                return None
            value = value[k]
        if not isinstance(value, ast.AST):
            return None
        node = value
    return node if isinstance(node, ast.expr) else None


MASK_CUT_APART = fact("mask-cut-apart", "`cut_fn` cuts `cut_expr` with `[:limit]` for the inputs (line `cut_line`) "
                                        "but reads it whole where the mask `mask_entry` is made (`uncut`, line "
                                        "`uncut_line`)")


def mask_cut_apart(ctx: Context, f: Finding, mask_len: int, other_len: int) -> bool:
    """A function returning a batch mapping cuts an expression (`it["ids"][: self.max_tokens]`) for the inputs,
    and the statements its mask entry is made from read the same expression whole (`len(it["ids"])`): the mask
    keeps the uncut length.  The edit gives that reading the same cut.  Only when the mask is the longer one."""
    from .collators import returned_mappings
    if mask_len <= other_len:
        return False
    keys = _mask_keys(ctx, f)
    for file, tree, fn, _ret, items in returned_mappings(ctx):
        made_of = {key: _made_from(tree, fn, entry) for key, entry in items.items()}
        for key, made in made_of.items():
            if key not in keys if keys else "mask" not in str(key).lower():
                continue  # another entry than the mask (the targets, the ids)
            cuts = [n for other, stmts in made_of.items() if other != key for s in stmts for n in ast.walk(s)
                    if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and isinstance(n.slice, ast.Slice)
                    and n.slice.lower is None and n.slice.step is None and n.slice.upper is not None]
            for cut in cuts:  # a cut made for another entry (the inputs)
                base = ast.unparse(cut.value)
                if any(src.contains(s, cut.lineno) for s in made):
                    continue  # the entry itself is made with the cut
                uncut = [n for s in made for n in ast.walk(s) if isinstance(n, ast.expr) and ast.unparse(n) == base
                         and isinstance(getattr(n, "ctx", ast.Load()), ast.Load) and not _under_cut(s, n)]
                if len(uncut) != 1:
                    continue
                node = uncut[0]
                stmt = next(s for s in made if any(x is node for x in ast.walk(s)))
                limit = src.segment(file, cut.slice.upper)  # type: ignore[attr-defined]
                text = f"{src.segment(file, node)}[:{limit}]"
                f.facts.add(MASK_CUT_APART)
                f.values.update(cut_fn=src.scope_name(file, fn.body[0].lineno) or fn.name,
                                cut_expr=src.segment(file, cut.value), limit=limit, cut_line=cut.lineno, mask_entry=key,
                                uncut=" ".join(src.segment(file, stmt).split()), uncut_line=stmt.lineno)
                f.hints["mask_cut_apart"] = (file, stmt, node, text)
                f.confidence = "high"
                return True
    return False


def _mask_keys(ctx: Context, f: Finding) -> set[str]:
    """The batch keys the failing mask is read from: in its own text (`batch["item_mask"]`) or in what the
    callers hand it (`masked_mean(h, batch["item_mask"])` for the parameter `m`), a few calls up."""
    mask = f.hints.get("mask")
    texts = [str(f.values.get("mask") or "")]
    if mask is not None:
        frame, expr = ctx.frames[mask.frame], mask.expr.lstrip("~")
        for _ in range(3):
            given = ctx.origin(expr, frame) if expr.isidentifier() else None
            if given is None:
                break
            frame, expr = given[0], given[1].strip()
            texts.append(expr)
    return {m for t in texts for m in re.findall(r"\[[\"'](\w+)[\"']\]", t)}


MASK_LEFT_UNCUT = fact("mask-left-uncut", "line `cut_line` cuts `cut_names` to `cut_slice` before they are "
                                          "returned, but not `mask_name`, returned as the mask `mask_entry`")


def mask_left_uncut(ctx: Context, f: Finding, mask_len: int, other_len: int) -> bool:
    """A function returning a batch mapping rebinds the inputs' names to a cut of themselves (`tok, seg =
    tok[:, :longest], seg[:, :longest]`) and returns the mask's name as it was made: the mask keeps the uncut
    width.  The edit gives the mask's entry the same cut.  Only when the mask is the longer one."""
    from .collators import returned_mappings
    if mask_len <= other_len:
        return False
    mask_text = str(f.values.get("mask") or "")
    for file, tree, fn, _ret, items in returned_mappings(ctx):
        names = {key: e.id for key, e in items.items() if isinstance(e, ast.Name)}
        cut = {}  # name -> (statement, its slice's text) for `name = name[...]` cuts in the function
        for st in src.statements(fn):
            if not isinstance(st, ast.Assign) or len(st.targets) != 1:
                continue
            t, v = st.targets[0], st.value
            pairs = list(zip(t.elts, v.elts)) if isinstance(t, ast.Tuple) and isinstance(v, ast.Tuple) and \
                len(t.elts) == len(v.elts) else [(t, v)]
            for a, b in pairs:
                if isinstance(a, ast.Name) and isinstance(b, ast.Subscript) and isinstance(b.value, ast.Name) \
                        and b.value.id == a.id and _slices(b.slice):
                    cut[a.id] = (st, src.segment(file, b.slice))
        for key, name in names.items():
            if f'"{key}"' not in mask_text and f"'{key}'" not in mask_text or name in cut:
                continue
            done = [(n, cut[n]) for k, n in names.items() if k != key and n in cut]
            slices = {c[1] for _, c in done}
            if not done or len(slices) != 1 or len({c[0].lineno for _, c in done}) != 1:
                continue
            made = src.assignments(tree, name, fn)
            if not made or made[-1].stmt.lineno > done[0][1][0].lineno:
                continue  # the mask is made after the cut: not one left out of it
            cut_slice = slices.pop()
            f.facts.add(MASK_LEFT_UNCUT)
            f.values.update(cut_line=done[0][1][0].lineno, cut_names=", ".join(f"`{n}`" for n, _ in done),
                            cut_slice=f"[{cut_slice}]", mask_name=name, mask_entry=key,
                            mask_cut=f"{name}[{cut_slice}]")
            f.hints["mask_cut_apart"] = (file, _ret, items[key], f"{name}[{cut_slice}]")
            f.confidence = "high"
            return True
    return False


def _slices(node: ast.AST) -> bool:
    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    return any(isinstance(p, ast.Slice) for p in parts)


def _made_from(tree: ast.Module, fn: ast.FunctionDef, entry: ast.AST) -> list[ast.stmt]:
    """The assignments in `fn` that `entry` depends on, through the names they bind."""
    out: list[ast.stmt] = []
    todo = list(src.names_in(entry))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for a in src.assignments(tree, name, fn):
            if a.stmt not in out:
                out.append(a.stmt)
                todo += src.names_in(a.value)
    return out


def _under_cut(stmt: ast.stmt, node: ast.AST) -> bool:
    for n in ast.walk(stmt):
        if isinstance(n, ast.Subscript) and n.value is node and isinstance(n.slice, ast.Slice):
            return True
    return False
