"""Inputs filtered, labels not, read from the user's source (nothing runs): two comprehensions over the same
rows in one scope, the inputs' with a condition (`[t for t, _ in rows if t.strip()]`) and the labels' without
(`[y for _, y in rows]`), so every dropped row shifts the labels against the inputs.  The fix gives the
labels' comprehension the same condition, binding the names it needs where the labels' loop ignored them."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files

FILTERED_SIBLING = fact("filtered-sibling", "`kept` (line `kept_line`) keeps the items of `source` where "
                                            "`condition`, but `unfiltered` (line `unfiltered_line`) is made from "
                                            "every item of `source`")
_LABELY = re.compile(r"label|target|tag|\by\b|gold|score|class", re.I)
_COMPS = (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)


@dataclass
class Sibling:
    name: str
    stmt: ast.Assign
    comp: ast.AST


def filtered_sibling(ctx: Context, labels: str | None) -> Finding | None:
    """The one pair of comprehensions over the same rows, in one scope of the user's files, where the
    filtered one does not make labels and the unfiltered one does: it is assigned to `labels` (the user's
    name of the loss's labels), or, when that is not known, named like labels."""
    def labely(name: str) -> bool:
        return name == labels or (labels is None and bool(_LABELY.search(name)))

    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        scopes = [tree, *src.nodes(tree, ast.FunctionDef, ast.AsyncFunctionDef)] \
            if tree is not None else []
        for scope in scopes:
            by_source: dict[str, list[Sibling]] = {}
            for a in src.statements(scope):
                if not (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)):
                    continue
                comps = [c for c in ast.walk(a.value) if isinstance(c, _COMPS) and len(c.generators) == 1
                         and isinstance(c.generators[0].iter, ast.Name)]
                if len(comps) == 1:
                    by_source.setdefault(comps[0].generators[0].iter.id, []).append(
                        Sibling(a.targets[0].id, a, comps[0]))
            for source, made in by_source.items():
                kept = [m for m in made if m.comp.generators[0].ifs and not labely(m.name)]
                plain = [m for m in made if not m.comp.generators[0].ifs and labely(m.name)]
                if len(kept) == 1 and len(plain) == 1:
                    found.append((file, source, kept[0], plain[0]))
    if len(found) != 1:
        return None
    file, source, kept, plain = found[0]
    g = kept.comp.generators[0]
    return Finding(facts={FILTERED_SIBLING}, values={
        "kept": kept.name, "kept_line": kept.stmt.lineno, "source": source, "unfiltered": plain.name,
        "unfiltered_line": plain.stmt.lineno, "condition": " and ".join(src.segment(file, c) for c in g.ifs)},
        hints={"filtered_sibling": (file, kept, plain)})


def filter_like(file: str, kept: Sibling, plain: Sibling) -> str | None:
    """The text of `plain`'s comprehension with `kept`'s condition, binding in the labels' loop target the
    names the condition reads where that target ignored them (`_`); None when it cannot."""
    g, h = kept.comp.generators[0], plain.comp.generators[0]
    needed = {n for c in g.ifs for n in src.names_in(c)} & set(src.names_in(g.target))
    bound = set(src.names_in(h.target))
    target = src.segment(file, h.target)
    if not needed <= bound:
        if not (isinstance(g.target, ast.Tuple) and isinstance(h.target, ast.Tuple)
                and len(g.target.elts) == len(h.target.elts)):
            return None
        parts = []
        for mine, theirs in zip(h.target.elts, g.target.elts):
            want = set(src.names_in(theirs)) & needed
            if want and not (isinstance(mine, ast.Name) and mine.id == "_"):
                return None
            parts.append(src.segment(file, theirs) if want else src.segment(file, mine))
        target = ", ".join(parts)
    cond = " ".join(f"if {src.segment(file, c)}" for c in g.ifs)
    comp = plain.comp
    head = f"{src.segment(file, comp.key)}: {src.segment(file, comp.value)}" if isinstance(comp, ast.DictComp) \
        else src.segment(file, comp.elt)
    old = src.segment(file, comp)
    opening, closing = (old[0], old[-1]) if old[:1] in "([{" else ("", "")
    return f"{opening}{head} for {target} in {src.segment(file, h.iter)} {cond}{closing}"


REORDERED_SIBLING = fact("reordered-sibling", "`moved` and `kept_order` are made from the same rows of `source`, "
                                              "and `moved` alone is reordered later (`reorder`, line "
                                              "`reorder_line`)")
_REORDERS = ("sorted", "reversed")


def reordered_sibling(ctx: Context) -> Finding | None:
    """The one pair of comprehensions over the same rows, in one scope of the user's files, of which one is
    reordered afterwards (`a = sorted(a, key=...)`, `a.sort(...)`, `a = a[::-1]`) and the other not: the
    lists no longer pair up item by item.  The fix reorders the two together."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        scopes = [tree, *src.nodes(tree, ast.FunctionDef, ast.AsyncFunctionDef)] if tree is not None else []
        for scope in scopes:
            by_source: dict[str, list[Sibling]] = {}
            stmts = src.statements(scope)
            for a in stmts:
                if not (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)):
                    continue
                comps = [c for c in ast.walk(a.value) if isinstance(c, _COMPS) and len(c.generators) == 1
                         and isinstance(c.generators[0].iter, ast.Name)]
                if len(comps) == 1 and not comps[0].generators[0].ifs:
                    by_source.setdefault(comps[0].generators[0].iter.id, []).append(
                        Sibling(a.targets[0].id, a, comps[0]))
            for source, made in by_source.items():
                if len(made) != 2:
                    continue
                after = max(m.stmt.lineno for m in made)
                moves = {m.name: _reorder(m.name, [s for s in stmts if s.lineno > after]) for m in made}
                moved = [m for m in made if moves[m.name] is not None]
                if len(moved) == 1:
                    other = next(m for m in made if m is not moved[0])
                    found.append((file, source, moved[0], other, moves[moved[0].name]))
    if len(found) != 1:
        return None
    file, source, moved, other, stmt = found[0]
    return Finding(facts={REORDERED_SIBLING}, values={
        "moved": moved.name, "kept_order": other.name, "source": source,
        "reorder": " ".join(src.segment(file, stmt).split()), "reorder_line": stmt.lineno},
        hints={"reordered_sibling": (file, stmt, moved.name, other.name)}, confidence="high")


def _reorder(name: str, stmts: tuple[ast.stmt, ...] | list[ast.stmt]) -> ast.stmt | None:
    """The statement that reorders list `name` in place or into itself, if any."""
    for s in stmts:
        if (isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)
                and s.targets[0].id == name):
            v = s.value
            if (isinstance(v, ast.Call) and src.call_name(v) in _REORDERS and v.args
                    and isinstance(v.args[0], ast.Name) and v.args[0].id == name):
                return s
            if (isinstance(v, ast.Subscript) and isinstance(v.value, ast.Name) and v.value.id == name
                    and isinstance(v.slice, ast.Slice) and v.slice.lower is None and v.slice.upper is None
                    and v.slice.step is not None):
                return s
            return None  # rebound to something else: not the same list any more
        if (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute)
                and s.value.func.attr in ("sort", "reverse") and isinstance(s.value.func.value, ast.Name)
                and s.value.func.value.id == name):
            return s
    return None


def reorder_together(file: str, stmt: ast.stmt, moved: str, other: str) -> str | None:
    """`a = sorted(a, key=k)` / `a.sort(key=k)` → both lists sorted by `a`'s key, as pairs."""
    call = stmt.value if isinstance(stmt, (ast.Assign, ast.Expr)) else None
    if not isinstance(call, ast.Call):
        return None
    name = src.call_name(call)
    if not (name == "sorted" or name.endswith(".sort")):
        return None
    key = src.keyword(call, "key")
    rev = src.keyword(call, "reverse")
    by = f"({src.segment(file, key.value)})(pair[0])" if key is not None else "pair[0]"
    extra = f", reverse={src.segment(file, rev.value)}" if rev is not None else ""
    return (f"{moved}, {other} = (list(t) for t in zip(*sorted(zip({moved}, {other}), "
            f"key=lambda pair: {by}{extra})))")


SPLIT_UNLIKE = fact("split-unlike", "`split_one` and `split_other` split two parallel strings of one item on one line "
                                    "(line `split_line`) with different separators")


def split_unlike(ctx: Context) -> Finding | None:
    """The one statement of the user's files that splits two strings of the same item, one with `.split()`
    (runs of whitespace) and the other with `.split(" ")` (every single space, so a double space gives an
    empty token): their lengths part wherever the text has extra spaces.  The fix splits both alike."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for stmt in src.nodes(tree, ast.Assign, ast.Expr, ast.Return) if tree is not None else ():
            splits = [c for c in ast.walk(stmt) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                      and c.func.attr == "split" and not c.keywords]
            bare = [c for c in splits if not c.args]
            spaced = [c for c in splits if len(c.args) == 1 and isinstance(c.args[0], ast.Constant)
                      and c.args[0].value == " "]
            if bare and len(spaced) == 1:
                found.append((file, stmt, spaced[0], bare[0]))
    if len(found) != 1:
        return None
    file, stmt, spaced, bare = found[0]
    return Finding(facts={SPLIT_UNLIKE}, confidence="medium", values={
        "split_one": src.segment(file, spaced), "split_other": src.segment(file, bare), "split_line": stmt.lineno,
        "split_fixed": src.segment(file, spaced.func.value) + ".split()"},
        hints={"split_unlike": (file, stmt, spaced)})


ISLICE_RESTARTS = fact("islice-restarts", "in `islice_fn`, `islice(restarted, ...)` takes a list, which starts again "
                                          "at its first item on every call, beside `islice` over the iterator "
                                          "`advancing` = `iter(advanced)`")


def islice_restarts(ctx: Context) -> Finding | None:
    """One function of the user's files slices two parallel sequences batch by batch with `itertools.islice`:
    one through an iterator made with `iter(...)` (it advances), the other through the sequence itself, which
    gives its first items again on every call.  The fix gives the second its own iterator."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            iters = {a.targets[0].id: a for a in src.nodes(fn, ast.Assign)
                     if len(a.targets) == 1 and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Call)
                     and src.call_name(a.value) == "iter" and len(a.value.args) == 1}
            slices = [c for c in src.nodes(fn, ast.Call) if src.call_name(c).split(".")[-1] == "islice" and c.args
                      and isinstance(c.args[0], ast.Name)]
            advancing = [c for c in slices if c.args[0].id in iters]
            restarted = [c for c in slices if c.args[0].id not in iters
                         and c.args[0].id in [a.arg for a in fn.args.args]]
            if len(advancing) == 1 and len(restarted) == 1:
                found.append((file, fn, iters[advancing[0].args[0].id], restarted[0]))
    if len(found) != 1:
        return None
    file, fn, made, call = found[0]
    name = call.args[0].id
    return Finding(facts={ISLICE_RESTARTS}, confidence="medium", values={
        "islice_fn": fn.name, "restarted": name, "advancing": made.targets[0].id,
        "advanced": src.segment(file, made.value.args[0]), "restarted_iter": f"{name}_iter"},
        hints={"islice_restarts": (file, made, call, name)})


def indices_of_unfiltered(tree: ast.Module, loop: ast.For, base: str, line: int) -> bool:
    """The loop walks positions made by a call over every row of `R` (`folds = group_kfold(vessel_ids, k=3)`
    after `vessel_ids = [v for v, _, _ in REPORTS]`) and indexes `base`, made from a filtered subset of the same
    rows (`pool_x = torch.tensor([... for ... in pool])` after `pool = [r for r in REPORTS if ...]`): positions
    into the whole list read on the subset.  No bound is wrong; the positions were computed for other rows."""
    it = loop.iter
    if isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args:
        it = it.args[0]
    if not isinstance(it, ast.Name) or not base.isidentifier():
        return False

    def rows_of(name: str, before: int, filtered: bool) -> str | None:
        made = src.last_assignment(tree, name, before)
        comp = made.value if made is not None else None
        if not (isinstance(comp, _COMPS) and len(comp.generators) == 1
                and isinstance(comp.generators[0].iter, ast.Name)):
            return None
        return comp.generators[0].iter.id if bool(comp.generators[0].ifs) == filtered else None

    made = src.last_assignment(tree, it.id, loop.lineno)
    if made is None or not isinstance(made.value, ast.Call):
        return False
    args = [a for a in [*made.value.args, *(k.value for k in made.value.keywords)] if isinstance(a, ast.Name)]
    whole = {r for a in args if (r := rows_of(a.id, made.stmt.lineno, False)) is not None}
    held = src.last_assignment(tree, base, line)
    if held is None or not whole:
        return False
    subsets = {c.generators[0].iter.id for c in ast.walk(held.value) if isinstance(c, _COMPS)
               and len(c.generators) == 1 and isinstance(c.generators[0].iter, ast.Name)}
    return any(rows_of(p, held.stmt.lineno, True) in whole for p in subsets)
