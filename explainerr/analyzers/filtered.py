"""Inputs filtered, labels not, read from the user's source (nothing runs): two comprehensions over the same
rows in one scope, the inputs' with a condition (`[t for t, _ in rows if t.strip()]`) and the labels' without
(`[y for _, y in rows]`), so every dropped row shifts the labels against the inputs.  The fix gives the
labels' comprehension the same condition, binding the names it needs where the labels' loop ignored them.
The rows may be an attribute (`self._records`), the labels handed to a setter (`self.set_targets([...])`), and the
inputs' condition may sit in a helper of the user's that filters the list it is given
(`cleaner.clean_all([r.text for r in rows])` with `return [t for t in texts if self.is_usable(t)]`): the helper's
condition is read in the caller's names (`cleaner.is_usable(r.text)`)."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files

FILTERED_IN_HELPER = fact("filtered-in-helper", "the inputs' items are dropped inside the user's helper `helper`, "
                                                "whose condition reads `condition` in the caller's names")
FILTERED_SIBLING = fact("filtered-sibling", "`kept` (line `kept_line`) keeps the items of `source` where "
                                            "`condition`, but `unfiltered` (line `unfiltered_line`) is made from "
                                            "every item of `source`")
_LABELY = re.compile(r"label|target|tag|\by\b|gold|score|class", re.I)
_COMPS = (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)


@dataclass
class Sibling:
    name: str
    stmt: ast.stmt
    comp: ast.AST
    condition: str | None = None  # a helper's condition in the caller's names; None: the comprehension's own
    helper: str | None = None  # the helper's name as called (`cleaner.clean_all`)


def _made_name(stmt: ast.stmt, file: str) -> str | None:
    """What `stmt` makes: the name or attribute it assigns alone, or the setter it calls (`self.set_y(...)`)."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], (ast.Name, ast.Attribute)):
        return src.segment(file, stmt.targets[0])
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute) \
            and stmt.value.func.attr.startswith("set_"):
        return src.segment(file, stmt.value.func)
    return None


def _rows(node: ast.expr) -> bool:
    """A name or an attribute chain on a name (`rows`, `self._records`): rows a comprehension walks."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _helper_condition(tree: ast.Module, file: str, call: ast.Call, elt: ast.expr, arg: int) -> str | None:
    """The condition under which the user's helper `call` keeps the items of the list given as its `arg`-th
    argument (its body returns `[... for t in PARAM if COND]`), written in the caller's names: `t` is the
    caller's item `elt` and `self` the object the helper is called on.  None when the helper is not of the
    file, not found once, or its condition reads any other local name."""
    fns = src.called_functions(tree, call)
    if len(fns) != 1:
        return None
    fn = fns[0]
    params = [a.arg for a in fn.args.args]
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if receiver is not None and params[:1] == ["self"]:
        params = params[1:]
    if arg >= len(params):
        return None
    made = [r.value for r in src.nodes(fn, ast.Return) if isinstance(r.value, ast.ListComp)
            and len(r.value.generators) == 1 and isinstance(r.value.generators[0].iter, ast.Name)
            and r.value.generators[0].iter.id == params[arg] and r.value.generators[0].ifs
            and isinstance(r.value.generators[0].target, ast.Name)]
    if len(made) != 1:
        return None
    g = made[0].generators[0]
    item = g.target.id
    local = {a.arg for a in [*fn.args.args, *fn.args.kwonlyargs]} | {
        n.id for n in src.nodes(fn, ast.Name) if isinstance(n.ctx, ast.Store)}
    atom = isinstance(elt, (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant))
    swap = {item: src.segment(file, elt) if atom else f"({src.segment(file, elt)})"}
    if receiver is not None:
        swap["self"] = src.segment(file, receiver)

    marks = {name: f"__swap_{i}__" for i, name in enumerate(swap)}

    class Rename(ast.NodeTransformer):  # placeholders, replaced by the caller's own text after unparsing
        def visit_Name(self, node: ast.Name) -> ast.AST:
            return ast.Name(id=marks[node.id], ctx=ast.Load()) if node.id in marks else node

    ifs = []
    for c in g.ifs:
        if any(n in local and n not in swap for n in src.names_in(c)):
            return None
        text = ast.unparse(Rename().visit(ast.parse(ast.unparse(c), mode="eval")).body)
        for name, mark in marks.items():
            text = text.replace(mark, swap[name])
        ifs.append(text)
    return " and ".join(ifs)


def _siblings(tree: ast.Module, file: str, scope: ast.AST) -> dict[str, list[Sibling]]:
    """The statements of `scope` that make one thing from one comprehension, by the rows it walks."""
    by_source: dict[str, list[Sibling]] = {}
    for a in src.statements(scope):
        name = _made_name(a, file)
        if name is None:
            continue
        comps = [c for c in ast.walk(a.value) if isinstance(c, _COMPS) and len(c.generators) == 1
                 and _rows(c.generators[0].iter)]
        if len(comps) != 1:
            continue
        comp, condition, helper = comps[0], None, None
        g = comp.generators[0]
        if not g.ifs and not isinstance(comp, ast.DictComp):
            calls = [c for c in ast.walk(a.value) if isinstance(c, ast.Call) and comp in c.args]
            if len(calls) == 1:
                condition = _helper_condition(tree, file, calls[0], comp.elt, calls[0].args.index(comp))
                helper = src.segment(file, calls[0].func) if condition is not None else None
        by_source.setdefault(src.segment(file, g.iter), []).append(Sibling(name, a, comp, condition, helper))
    return by_source


def filtered_sibling(ctx: Context, labels: str | None) -> Finding | None:
    """The one pair of comprehensions over the same rows, in one scope of the user's files, where the
    filtered one does not make labels and the unfiltered one does: it is assigned to `labels` (the user's
    name of the loss's labels), or, when that is not known, named like labels."""
    behind = _names_behind(ctx, labels) if labels not in (None, "self") else set()

    def labely(name: str) -> bool:
        if labels is None or labels == "self":  # not known, or an attribute of an object: by its name
            return bool(_LABELY.search(name.rpartition(".")[2]))
        return name == labels or name in behind  # `y = labels_t[a:b]` of `labels_t = torch.tensor(labels)`

    def filtered(m: Sibling) -> bool:
        return bool(m.comp.generators[0].ifs) or m.condition is not None

    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        scopes = [tree, *src.nodes(tree, ast.FunctionDef, ast.AsyncFunctionDef)] \
            if tree is not None else []
        for scope in scopes:
            for source, made in _siblings(tree, file, scope).items():
                kept = [m for m in made if filtered(m) and not labely(m.name)]
                plain = [m for m in made if not filtered(m) and labely(m.name)]
                if len(kept) == 1 and len(plain) == 1:
                    found.append((file, source, kept[0], plain[0]))
    if len(found) != 1:
        return None
    file, source, kept, plain = found[0]
    g = kept.comp.generators[0]
    return Finding(facts={FILTERED_SIBLING} | ({FILTERED_IN_HELPER} if kept.helper else set()), values={
        "helper": kept.helper or "",
        "kept": kept.name, "kept_line": kept.stmt.lineno, "source": source, "unfiltered": plain.name,
        "unfiltered_line": plain.stmt.lineno,
        "condition": kept.condition or " and ".join(src.segment(file, c) for c in g.ifs)},
        hints={"filtered_sibling": (file, kept, plain)})


def filter_like(file: str, kept: Sibling, plain: Sibling) -> str | None:
    """The text of `plain`'s comprehension with `kept`'s condition, binding in the labels' loop target the
    names the condition reads where that target ignored them (`_`); None when it cannot."""
    g, h = kept.comp.generators[0], plain.comp.generators[0]
    conditions = [ast.parse(kept.condition, mode="eval")] if kept.condition is not None else g.ifs
    needed = {n for c in conditions for n in src.names_in(c)} & set(src.names_in(g.target))
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
    cond = f"if {kept.condition}" if kept.condition is not None \
        else " ".join(f"if {src.segment(file, c)}" for c in g.ifs)
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


def positions_of_whole_on_reduced(tree: ast.Module, frame, loop: ast.For, var: str, base: str, size: int) -> bool:
    """The loop's stored values index both a list `S` (`answers[gold]`, longer than `size`) and the table `base`,
    and `base` was computed from what a function of the user's that drops items (`uniq, inverse =
    dedupe(answers)`: a membership test, a filtering comprehension, a set) or such an expression written in place
    (`sorted(set(catalog))`) made of `S`: the values are
    positions in the whole list, read on a table of its reduced copy.  No bound is wrong; the positions need
    mapping (`inverse[gold]`)."""
    whole = {ast.unparse(n.value) for st in loop.body for n in ast.walk(st) if isinstance(n, ast.Subscript)
             and isinstance(n.slice, ast.Name) and n.slice.id == var and isinstance(n.value, ast.Name)}
    whole = {w for w in whole if w != base and (frame.lengths.get(w) or 0) > size}
    if not whole or not base.isidentifier():
        return False
    todo, seen = [(base, loop.lineno)], set()
    while todo:  # the names `base` was computed from, a few steps back
        name, line = todo.pop(0)
        if name in seen or len(seen) > 12:
            continue
        seen.add(name)
        made = src.last_assignment(tree, name, line)
        if made is None:
            continue
        value = made.value
        if isinstance(value, ast.Call) and any(isinstance(a, ast.Name) and a.id in whole for a in value.args):
            if any(_drops_items(fn) for fn in src.called_functions(tree, value)):
                return True
            continue
        if _drops_items(value) and any(n in whole for n in src.names_in(value)):
            return True  # `unique = sorted(set(catalog))`, `[d for d in docs if d]` written in place
        todo += [(n, made.stmt.lineno) for n in dict.fromkeys(src.names_in(value))]
    return False


def _drops_items(fn: ast.AST) -> bool:
    """The function (or expression) keeps only some of the items it walks: a membership test (`if t not in
    seen`), a filtering comprehension, or a set of them."""
    for n in ast.walk(fn):
        if isinstance(n, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in n.ops):
            return True
        if isinstance(n, _COMPS) and any(g.ifs for g in n.generators):
            return True
        if isinstance(n, ast.Call) and src.call_name(n) in ("set", "dict.fromkeys"):
            return True
    return False


def filtered_in_builders(ctx: Context, labels: str | None) -> Finding | None:
    """`x_cat, x_num = build_features(rows, ...)` beside `y = build_targets(rows)`, in one scope: the inputs'
    builder drops items of the rows it is given (`if not is_premium_paying(r): continue` in its loop over them,
    or a comprehension's condition), the labels' builder returns one label per item (`[f(r) for r in rows]`),
    so the labels outnumber the inputs from the first dropped item on.  The labels' comprehension gets the
    same condition, in its own loop variable's name."""
    if labels in (None, "self") and ctx.user is not None:  # `criterion(scores, y_status[lo:hi])`: the call's names
        passed = {re.split(r"[\[.(]", a.text.strip(), maxsplit=1)[0] for a in ctx.user.call_args}
    else:
        passed = set()

    def labely(name: str, tree: ast.Module) -> bool:
        if labels not in (None, "self"):
            return name == labels or name in _read_by(tree, labels, ctx.user) or bool(
                _LABELY.search(name) or re.match(r"y(_|\d|$)", name))
        return name in passed or bool(_LABELY.search(name))

    found = []
    for file, tree, defs in _user_defs(ctx):
        drops = {n: d for n, fn in defs.items() if (d := _drops_items_of(file, fn)) is not None}
        plain = {n: p for n, fn in defs.items() if (p := _one_per_item_of(fn)) is not None}
        if not drops or not plain:
            continue
        for scope in [tree, *defs.values()]:
            made = []  # (builder, rows text, statement, made text)
            for st, call in _builder_calls(scope):
                name = src.call_name(call)
                param = (drops.get(name) or plain.get(name) or (None,))[0]
                fn = defs.get(name)
                if param is None or fn is None:
                    continue
                at = [a.arg for a in fn.args.args].index(param)
                kw = src.keyword(call, param)
                arg = kw.value if kw is not None else call.args[at] if at < len(call.args) else None
                if arg is not None:
                    made.append((name, src.segment(file, arg), st, src.segment(file, st.targets[0])))
            for b_in, rows, st_in, x in made:
                for b_lab, rows2, st_lab, y in made:
                    if b_in in drops and b_lab in plain and b_in != b_lab and rows == rows2 and labely(y, tree):
                        found.append((file, b_in, b_lab, rows, st_in, x, st_lab, y))
    if len({(f[1], f[2]) for f in found}) > 1 and ctx.user is not None and ctx.user.call_args:
        fed = _fed_from(ctx.user, ctx.user.call_args[0].text.strip())  # the predictions' inputs: `net(x_cat, ...)`
        found = [f for f in found if fed & {n.id for n in ast.walk(f[4].targets[0]) if isinstance(n, ast.Name)}]
    pairs = {(f[1], f[2]) for f in found}
    if not pairs:
        return _masked_in_builders(ctx, labely)
    if len(pairs) != 1:
        return None
    file, b_in, b_lab, rows, st_in, x, st_lab, y = found[0]
    tree = src.tree_of(file)
    _, keep, var = _drops_items_of(file, next(fn for fn in src.nodes(tree, ast.FunctionDef) if fn.name == b_in))
    _, ret, comp = _one_per_item_of(next(fn for fn in src.nodes(tree, ast.FunctionDef) if fn.name == b_lab))
    target = comp.generators[0].target.id
    cond = ast.parse(keep, mode="eval")
    for n in ast.walk(cond):
        if isinstance(n, ast.Name) and n.id == var:
            n.id = target
    condition = ast.unparse(cond)
    g = ast.comprehension(target=ast.Name(id=target, ctx=ast.Store()), iter=comp.generators[0].iter, ifs=[], is_async=0)
    kept = Sibling(x, st_in, ast.ListComp(elt=ast.Name(id=target, ctx=ast.Load()), generators=[g]), condition, b_in)
    labels_made = Sibling(b_lab, ret, comp)
    return Finding(facts={FILTERED_SIBLING, FILTERED_IN_HELPER}, values={
        "helper": b_in, "kept": x, "kept_line": st_in.lineno, "source": rows, "unfiltered": y,
        "unfiltered_line": st_lab.lineno, "condition": keep},
        hints={"filtered_sibling": (file, kept, labels_made)})


def _masked_in_builders(ctx: Context, labely) -> Finding | None:
    """`X_all = torch.from_numpy(build_features(flights))` beside `y_all = ...(build_targets(flights))`: the
    features' builder returns its array indexed by a boolean mask of its parameter (`keep = ~fl["cancelled"]`,
    `return X[keep]`), the targets' builder returns every item (no mask, no loop): the targets' return gets the
    same mask, in its own parameter's name."""
    found = []
    for file, tree, defs in _user_defs(ctx):
        masked = {n: m for n, fn in defs.items() if (m := _masked_return(file, fn)) is not None}
        whole = {n: w for n, fn in defs.items() if n not in masked and (w := _whole_return(fn)) is not None}
        if not masked or not whole:
            continue
        for scope in [tree, *defs.values()]:
            made = []  # (builder, the argument's text, statement, target)
            for st, call in _builder_calls(scope):
                name = src.call_name(call)
                if (name in masked or name in whole) and len(call.args) == 1 and not call.keywords:
                    made.append((name, src.segment(file, call.args[0]), st, src.segment(file, st.targets[0])))
            for b_in, arg, st_in, x in made:
                for b_lab, arg2, st_lab, y in made:
                    if b_in in masked and b_lab in whole and arg == arg2 and labely(y, tree):
                        found.append((file, masked[b_in], whole[b_lab], b_in, arg, st_in, x, st_lab, y))
    if len(found) != 1:
        return None
    file, (param, keep, _), (lab_param, ret), b_in, arg, st_in, x, st_lab, y = found[0]
    cond = ast.parse(keep, mode="eval")
    for n in ast.walk(cond):
        if isinstance(n, ast.Name) and n.id == param:
            n.id = lab_param
    value = src.segment(file, ret.value)
    simple = isinstance(ret.value, (ast.Name, ast.Call, ast.Attribute, ast.Subscript))
    text = f"{value if simple else '(' + value + ')'}[{ast.unparse(cond)}]"
    return Finding(facts={FILTERED_SIBLING, FILTERED_IN_HELPER}, values={
        "helper": b_in, "kept": x, "kept_line": st_in.lineno, "source": arg, "unfiltered": y,
        "unfiltered_line": st_lab.lineno, "condition": keep},
        hints={"filtered_return": (file, ret, ret.value, text)})


def _masked_return(file: str, fn: ast.FunctionDef) -> tuple[str, str, ast.Return] | None:
    """(its one parameter, the mask as written, the return) when `fn` of one parameter returns `X[keep]` with
    `keep` a boolean expression of that parameter alone (inline, or a name assigned it once)."""
    params = [a.arg for a in fn.args.args]
    found = src.returned_mask(fn)
    if len(params) != 1 or found is None:
        return None
    ret, keep = found
    names = {n.id for n in ast.walk(keep) if isinstance(n, ast.Name)}
    if params[0] not in names or not names <= {params[0], "np", "numpy", "torch"}:
        return None
    return params[0], src.segment(file, keep), ret


def _whole_return(fn: ast.FunctionDef) -> tuple[str, ast.Return] | None:
    """(its one parameter, the return) when `fn` of one parameter has one return and no loop, comprehension or
    boolean indexing: a value for every item it is given."""
    params = [a.arg for a in fn.args.args]
    rets = [r for r in src.nodes(fn, ast.Return) if r.value is not None]
    if len(params) != 1 or len(rets) != 1 or any(isinstance(n, (ast.For, ast.While, ast.ListComp, ast.GeneratorExp,
                                                                   ast.DictComp)) for n in ast.walk(fn)):
        return None
    if any(isinstance(n, ast.Subscript) and isinstance(n.slice, (ast.UnaryOp, ast.Compare, ast.BoolOp))
           for n in ast.walk(fn)):
        return None
    return params[0], rets[0]


def _names_behind(ctx: Context, name: str, depth: int = 3) -> set[str]:
    """The names the labels' value was made from, a few assignments back in the loss's frame (`labels_t` and
    `labels` for `y = labels_t[start:stop]` of `labels_t = torch.tensor(labels)`)."""
    frame = ctx.user
    tree = src.tree_of(frame.file) if frame is not None else None
    if tree is None or not name.isidentifier():
        return set()
    out, todo = set(), [name]
    for _ in range(depth):
        nxt = []
        for n in todo:
            made = src.last_assignment(tree, n, frame.line)
            for m in src.names_in(made.value) if made is not None else ():
                if m not in out and m != n:
                    out.add(m)
                    nxt.append(m)
        todo = nxt
    return out


def _user_defs(ctx: Context):
    """(file, tree, its functions by name) for each of the user's files that parses."""
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is not None:
            yield file, tree, {fn.name: fn for fn in src.nodes(tree, ast.FunctionDef)}


def _builder_calls(scope: ast.AST):
    """(statement, call) for each `x = builder(...)` of the scope, through a conversion around it
    (`torch.from_numpy(encode_target(rows))`: the builder inside)."""
    for st in src.statements(scope):
        call = st.value if isinstance(st, ast.Assign) and len(st.targets) == 1 else None
        while isinstance(call, ast.Call) and src.call_name(call).split(".")[-1] in _CONVERSIONS \
                and len(call.args) == 1 and isinstance(call.args[0], ast.Call):
            call = call.args[0]
        if isinstance(call, ast.Call):
            yield st, call


_CONVERSIONS = ("from_numpy", "tensor", "as_tensor", "asarray", "array", "FloatTensor", "LongTensor")


def _read_by(tree: ast.Module, labels: str, frame) -> set[str]:
    """The names the labels' last assignment reads (`y` of `y_tr, y_va = y[tr], y[va]`): labels cut from them."""
    if frame is None or not labels.isidentifier():
        return set()
    made = src.last_assignment(tree, labels, frame.line)
    return set(src.names_in(made.value)) if made is not None else set()


def _fed_from(frame, name: str) -> set[str]:
    """The names read where `name` was last made before the frame's line (`scores = net(x_cat[lo:hi], ...)`)."""
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, name, frame.line) if tree is not None and name.isidentifier() else None
    return set(src.names_in(made.value)) if made is not None else set()


def _drops_items_of(file: str, fn: ast.FunctionDef) -> tuple[str, str, str] | None:
    """(the parameter, the condition an item is kept on, the loop variable) when `fn` loops over a parameter of
    its own and skips items (`if not keep(r): continue` first in the loop's body), or walks it with a filtering
    comprehension (`[... for r in rows if keep(r)]`)."""
    params = {a.arg for a in fn.args.args}
    for loop in src.nodes(fn, ast.For):
        if not (isinstance(loop.iter, ast.Name) and loop.iter.id in params and isinstance(loop.target, ast.Name)):
            continue
        first = loop.body[0]
        if isinstance(first, ast.If) and len(first.body) == 1 and isinstance(first.body[0], ast.Continue) \
                and not first.orelse:
            test = first.test
            keep = test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) else None
            text = src.segment(file, keep) if keep is not None else f"not ({src.segment(file, test)})"
            return loop.iter.id, text, loop.target.id
    for comp in src.nodes(fn, ast.ListComp, ast.GeneratorExp):
        g = comp.generators[0]
        if len(comp.generators) == 1 and g.ifs and isinstance(g.iter, ast.Name) and g.iter.id in params \
                and isinstance(g.target, ast.Name):
            return g.iter.id, " and ".join(src.segment(file, c) for c in g.ifs), g.target.id
    return None


def _one_per_item_of(fn: ast.FunctionDef) -> tuple[str, ast.Return, ast.ListComp] | None:
    """(the parameter, the return, its comprehension) when `fn` returns one value per item of a parameter: its
    one `return` holds a single comprehension over it, with no condition (`torch.tensor([f(r) for r in rows])`)."""
    params = {a.arg for a in fn.args.args}
    returns = [r for r in src.nodes(fn, ast.Return) if r.value is not None]
    if len(returns) != 1 or any(isinstance(n, ast.For) for n in ast.walk(fn)):
        return None
    comps = [c for c in ast.walk(returns[0].value) if isinstance(c, (ast.ListComp, ast.GeneratorExp))]
    if len(comps) != 1 or len(comps[0].generators) != 1:
        return None
    g = comps[0].generators[0]
    if g.ifs or not isinstance(g.iter, ast.Name) or g.iter.id not in params or not isinstance(g.target, ast.Name):
        return None
    return g.iter.id, returns[0], comps[0]


REFILTERED_ALONE = fact("refiltered-alone", "`kept` and `unfiltered` are made item for item from `source`; "
                                            "later `kept` alone is filtered by `condition` (line `kept_line`)")


def refiltered_alone(ctx: Context, labels: str | None) -> Finding | None:
    """`texts = [...]` and `labels = [...]` made from the same rows, then `texts = [t for t in texts if COND]`
    with the labels left whole: from the first dropped text on, the labels no longer line up.  The labels are
    filtered by the same condition, read on their texts, just before (`labels = [y for t, y in zip(texts,
    labels) if COND]`)."""
    def labely(name: str) -> bool:  # the loss's labels by name, or named as labels (`y_val` taken from `labels`)
        return name == labels or bool(_LABELY.search(name))

    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        scopes = [tree, *src.nodes(tree, ast.FunctionDef, ast.AsyncFunctionDef)] if tree is not None else []
        for scope in scopes:
            stmts = [s for s in src.statements(scope) if isinstance(s, ast.Assign) and len(s.targets) == 1
                     and isinstance(s.targets[0], ast.Name)]
            for st in stmts:
                comp, name = st.value, st.targets[0].id
                if not (isinstance(comp, ast.ListComp) and len(comp.generators) == 1 and comp.generators[0].ifs
                        and isinstance(comp.generators[0].iter, ast.Name) and comp.generators[0].iter.id == name
                        and isinstance(comp.generators[0].target, ast.Name) and isinstance(comp.elt, ast.Name)
                        and comp.elt.id == comp.generators[0].target.id):
                    continue
                before = [s for s in stmts if s.lineno < st.lineno]
                made = next((s for s in reversed(before) if s.targets[0].id == name), None)
                rows = _walked(made.value) if made is not None else None
                if rows is None:
                    continue
                for other in before:
                    o = other.targets[0].id
                    if o == name or not labely(o) or _walked(other.value) != rows or any(
                            s.targets[0].id == o for s in stmts if other.lineno < s.lineno):
                        continue
                    found.append((file, st, comp, name, o, rows))
    if len(found) != 1:
        return None
    file, st, comp, name, other, rows = found[0]
    g = comp.generators[0]
    cond = " ".join(f"if {src.segment(file, c)}" for c in g.ifs)
    item = g.target.id
    label = next(n for n in ("y", "label", "label_") if n not in set(src.names_in(comp)) | {name, other})
    text = f"{other} = [{label} for {item}, {label} in zip({name}, {other}) {cond}]"
    return Finding(facts={REFILTERED_ALONE}, values={
        "kept": name, "kept_line": st.lineno, "unfiltered": other, "source": rows,
        "condition": " and ".join(src.segment(file, c) for c in g.ifs), "refiltered": text},
        hints={"refiltered_alone": (file, st, text)})


def _walked(value: ast.AST) -> str | None:
    """The rows a one-loop comprehension walks (`opinions` of `[o["facts"] for o in opinions]`)."""
    comps = [c for c in ast.walk(value) if isinstance(c, _COMPS) and len(c.generators) == 1]
    if len(comps) != 1 or comps[0].generators[0].ifs or not _rows(comps[0].generators[0].iter):
        return None
    return ast.unparse(comps[0].generators[0].iter)
