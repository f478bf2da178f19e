"""An example's sequence filtered by a boolean mask, its labels not, read from the user's source (nothing runs):
one function (a Dataset's `__getitem__`, a featurizer) reads the sequence and its labels by the same index
(`hits = self.hits[idx]`, `labels = self.labels[idx]`), keeps the sequence's entries where a condition on it
holds (`above_threshold = hits[:, 3] > MIN_CHARGE`, `hits = hits[above_threshold]`) and returns the labels
whole: every example has fewer entries than labels, and padding the batch does not bring them together.
The fix keeps the labels by the same mask where they are returned."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files
from .filtered import _LABELY

MASKED_APART = fact("masked-apart", "`fn` keeps the entries of `kept` where `mask` (`mask_made`, line `mask_line`) "
                                    "but returns `unfiltered`, read by the same index, whole")


def _read_by(st: ast.stmt) -> tuple[str, str] | None:
    """(name, index text) of `name = <container>[<index>]`."""
    if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
            and isinstance(st.value, ast.Subscript) and not isinstance(st.value.slice, ast.Slice):
        return st.targets[0].id, ast.unparse(st.value.slice)
    return None


def masked_apart(ctx: Context) -> Finding | None:
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            body = list(fn.body)
            reads: dict[str, str] = {}
            for r in map(_read_by, body):
                if r is not None:
                    reads.setdefault(*r)  # the first read of each name: `hits = hits[keep]` later is the filter
            returns = [st for st in src.statements(fn) if isinstance(st, ast.Return) and st.value is not None]
            if len(reads) < 2 or len(returns) != 1:
                continue
            ret = returns[0]
            masks = {st.targets[0].id: st for st in body if isinstance(st, ast.Assign) and len(st.targets) == 1
                     and isinstance(st.targets[0], ast.Name) and isinstance(st.value, ast.Compare)}
            for st in body:
                if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                        and isinstance(st.value, ast.Subscript) and isinstance(st.value.value, ast.Name)
                        and st.value.value.id == st.targets[0].id and isinstance(st.value.slice, ast.Name)):
                    continue
                kept, mask = st.targets[0].id, st.value.slice.id
                made = masks.get(mask)
                if kept not in reads or made is None or kept not in src.names_in(made.value):
                    continue
                stored = {t.id for s in body for t in ast.walk(s) if isinstance(t, ast.Name)
                          and isinstance(t.ctx, ast.Store)}
                rest = [n for n, index in reads.items() if n != kept and index == reads[kept]
                        and n in src.names_in(ret.value) and n not in src.names_in(made.value)
                        and sum(1 for s in body for t in ast.walk(s) if isinstance(t, ast.Name) and t.id == n
                                and isinstance(t.ctx, ast.Store)) == 1]
                if len(rest) == 1 and mask in stored:
                    found.append((file, fn, st, made, kept, mask, rest[0], ret))
    if len(found) != 1:
        return None
    file, fn, st, made, kept, mask, other, ret = found[0]
    uses = [n for n in ast.walk(ret.value) if isinstance(n, ast.Name) and n.id == other]
    f = Finding(facts={MASKED_APART}, values={
        "fn": fn.name, "kept": kept, "mask": mask, "mask_made": " ".join(src.segment(file, made).split()),
        "mask_line": made.lineno, "filter_line": st.lineno, "unfiltered": other, "unfiltered_fixed": f"{other}[{mask}]"})
    if len(uses) == 1:
        f.hints["masked_apart"] = (file, ret, uses[0], f"{other}[{mask}]")
    return f


ROWS_FILTERED_APART = fact("rows-filtered-apart", "`filtered` are kept where `mask` (line `filter_line`), but "
                                                  "`unfiltered`, made from the same `source`, is not")


def _filters(st: ast.stmt) -> tuple[list[str], str] | None:
    """(names, mask) of `a, b = a[m], b[m]` / `a = a[m]`: each name kept by the same boolean mask."""
    if not (isinstance(st, ast.Assign) and len(st.targets) == 1):
        return None
    target, value = st.targets[0], st.value
    pairs = list(zip(target.elts, value.elts)) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) \
        and len(target.elts) == len(value.elts) else [(target, value)]
    names, masks = [], set()
    for t, v in pairs:
        if not (isinstance(t, ast.Name) and isinstance(v, ast.Subscript) and isinstance(v.value, ast.Name)
                and v.value.id == t.id and isinstance(v.slice, ast.Name)):
            return None
        names.append(t.id)
        masks.add(v.slice.id)
    return (names, masks.pop()) if len(masks) == 1 else None


def _source_of(st: ast.stmt) -> set[str]:
    """The plain names handed to the calls that make an assignment's value (`rows` of `featurize(rows, v)`)."""
    return {a.id for c in ast.walk(st.value) if isinstance(c, ast.Call) for a in c.args if isinstance(a, ast.Name)} \
        if isinstance(st, ast.Assign) else set()


def rows_filtered_apart(ctx: Context) -> Finding | None:
    """`feats, ids = featurize(rows)` and `labels = encode_labels(rows)`, then `feats, ids = feats[active],
    ids[active]` with `labels` left whole: from the first dropped row on the labels no longer line up, and there
    are more of them.  The labels are kept by the same mask in that statement."""
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        scopes = [tree, *src.nodes(tree, ast.FunctionDef)] if tree is not None else []
        for scope in scopes:
            stmts = [s for s in (scope.body if hasattr(scope, "body") else [])]
            for k, st in enumerate(stmts):
                got = _filters(st)
                if got is None:
                    continue
                names, mask = got
                made = {n: next((s for s in reversed(stmts[:k]) if isinstance(s, ast.Assign) and n in src.names_in(
                    s.targets[0])), None) for n in names}
                sources = set().union(*(_source_of(s) for s in made.values() if s is not None))
                for s in stmts[:k]:
                    if not (isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)):
                        continue
                    other = s.targets[0].id
                    later = [x for x in stmts[k + 1:] if isinstance(x, ast.Assign) and other in src.names_in(x.targets[0])]
                    if other in names or not _LABELY.search(other) or not (_source_of(s) & sources) or later:
                        continue
                    found.append((file, st, names, mask, other, (_source_of(s) & sources)))
    if len(found) != 1:
        return None
    file, st, names, mask, other, source = found[0]
    target, value = st.targets[0], st.value
    f = Finding(facts={ROWS_FILTERED_APART}, values={
        "filtered": ", ".join(f"`{n}`" for n in names), "mask": mask, "filter_line": st.lineno, "unfiltered": other,
        "source": sorted(source)[0], "unfiltered_fixed": f"{other}[{mask}]"})
    if isinstance(target, ast.Tuple):
        f.hints["rows_filtered_apart"] = (file, st, [(target.elts[-1], f", {other}"), (value.elts[-1], f", {other}[{mask}]")])
    else:
        f.hints["rows_filtered_apart"] = (file, st, None)
    return f
