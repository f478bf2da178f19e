"""A layer's width counted by hand beside the collection it counts: `n_meta: int = 3` in the settings (or
`N_META = 3` at module level) sizes the layer, while the features are built from `META_COLUMNS`, a list written
in the file that now has one entry more.  When the number the layer needs for that term is the length of exactly
one collection the file writes and iterates (and whose length nothing else takes), the count is written as
`len(META_COLUMNS)` where the number is, so it follows the list."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import fact
from ..analyzers.classes import module_defs, settings_class_of
from ..model import Edit

COUNTED_BY_HAND = fact("counted-by-hand", "a term of the layer's size, `count_field` = `count_was` (line "
                                          "`count_line`), is written by hand, and `counted`, the one collection "
                                          "of the file with the length the layer needs there, is what the input's "
                                          "features are built from")

_DISPLAYS = (ast.List, ast.Tuple, ast.Dict, ast.Set)


def _count_sites(file: str, tree: ast.Module, node: ast.AST) -> list[tuple[str, ast.stmt, ast.Constant]]:
    """The hand-written int counts the size expression reads: (as read, the statement, its number): a module
    constant `N_META = 3`, a field of a settings class read through its instance or a settings parameter."""
    defs = module_defs(tree)
    out = []
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id in defs and isinstance(defs[n.id].value, ast.Constant) \
                and type(defs[n.id].value.value) is int:
            out.append((n.id, defs[n.id], defs[n.id].value))
        elif isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name):
            classes = {c.name: c for c in src.nodes(tree, ast.ClassDef)}
            cls = classes.get(n.value.id) or _annotated(tree, n, classes) or settings_class_of(tree, n.value.id)
            for st in (cls.body if cls is not None else []):
                target = st.target if isinstance(st, ast.AnnAssign) else st.targets[0] if isinstance(
                    st, ast.Assign) and len(st.targets) == 1 else None
                if isinstance(target, ast.Name) and target.id == n.attr and isinstance(st.value, ast.Constant) \
                        and type(st.value.value) is int:
                    out.append((src.segment(file, n), st, st.value))
    return out


def _annotated(tree: ast.Module, node: ast.Attribute, classes: dict) -> ast.ClassDef | None:
    """The file's class a parameter is annotated with (`cfg: NetConfig`) in the function that reads
    `cfg.<field>`."""
    fn = src.enclosing_scope(tree, node.lineno)
    args = fn.args.args + fn.args.kwonlyargs if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) else []
    ann = next((a.annotation for a in args if a.arg == node.value.id), None)  # type: ignore[attr-defined]
    return classes.get(ann.id) if isinstance(ann, ast.Name) else None


def _collections(tree: ast.Module, length: int) -> list[str]:
    """The module-level collections written in the file with `length` entries that the code iterates (`for k
    in META_COLUMNS`, `INDEX_FNS.values()`, `enumerate(COLS)`) and whose length nothing takes yet."""
    walked = set()  # what loops and comprehensions iterate, and the receivers and arguments of calls they iterate
    for it in [g.iter for g in src.nodes(tree, ast.comprehension)] + [f.iter for f in src.nodes(tree, ast.For)]:
        walked.add(id(it))
        if isinstance(it, ast.Call):
            walked |= {id(a) for a in it.args} | ({id(it.func.value)} if isinstance(it.func, ast.Attribute) else set())
    counted = {c.args[0].id for c in src.calls(tree) if src.call_name(c) == "len" and c.args
               and isinstance(c.args[0], ast.Name)}
    found = []
    for name, st in module_defs(tree).items():
        if not isinstance(st.value, _DISPLAYS) or name in counted or len(getattr(st.value, "elts", None) or getattr(
                st.value, "keys", [])) != length:
            continue
        if any(n.id == name and isinstance(n.ctx, ast.Load) and id(n) in walked for n in src.nodes(tree, ast.Name)):
            found.append(name)
    return found


def counted_by_hand(f, site, hidden: int, in_features: int | None) -> list[Edit]:
    """`n_meta: int = 3` → `n_meta: int = len(META_COLUMNS)` for the one term of the layer's size whose number,
    raised by what the layer is short of, is the length of the one collection the file iterates; the number
    itself when the collection is written after the count (`len()` would read a name not yet bound)."""
    tree = src.tree_of(site.file)
    if tree is None or site.node is None or not isinstance(in_features, int) or hidden == in_features:
        return []
    picks = []
    sites = _count_sites(site.file, tree, site.node)
    st = site.stmt
    if isinstance(site.node, ast.Constant) and isinstance(st, ast.Assign) and st in tree.body and \
            len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) and st.value is site.node \
            and type(site.node.value) is int:  # the site is the count's own line: `EXTRA = 3`
        sites = [(st.targets[0].id, st, site.node)]
    for said, stmt, const in sites:
        need = const.value + hidden - in_features
        if need > 0:
            picks += [(said, stmt, const, c) for c in _collections(tree, need)]
    if len(picks) != 1:
        return []
    said, stmt, const, counted = picks[0]
    made = module_defs(tree)[counted]
    fixed = f"len({counted})" if made.lineno < stmt.lineno else str(const.value + hidden - in_features)
    edit = src.LineEditor.for_node(site.file, stmt).replace(const, fixed).edit()
    if edit is None:
        return []
    f.facts.add(COUNTED_BY_HAND)
    f.values.update(count_field=said, count_was=const.value, count_line=stmt.lineno, counted=counted, count_fixed=fixed,
                    count_need=const.value + hidden - in_features)
    return [edit]
