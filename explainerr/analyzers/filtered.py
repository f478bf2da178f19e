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
