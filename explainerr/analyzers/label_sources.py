"""Where the labels' shape was made in the user's code, read from the source (nothing runs): a function that
pads the inputs and the labels to two lengths computed apart, one that filters the inputs but not their
labels, the data set a DataLoader's batch of labels was taken from (`TensorDataset(ids, labels)`), and a label
map that numbers the classes from 1."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact
from .classes import module_defs, static_len, user_files

FILTERED_APART = fact("filtered-apart", "a function filters the inputs (`kept` from `source` if `condition`) but "
                                         "returns the labels `unfiltered` as they were")


def filtered_apart(ctx: Context) -> Finding | None:
    """Inputs filtered, labels not: a function keeps `kept = [t for t in texts if cond]` and builds the inputs
    from `kept`, but the labels it returns from the unfiltered `labels`, so fewer prediction rows than labels
    come out.  The labels must be filtered by the same condition, zipped with the inputs they belong to."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            params = {a.arg for a in fn.args.args}
            for a in src.statements(fn):
                comp = a.value if isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(
                    a.targets[0], ast.Name) else None
                if not (isinstance(comp, ast.ListComp) and len(comp.generators) == 1 and comp.generators[0].ifs
                        and isinstance(comp.elt, ast.Name) and isinstance(comp.generators[0].target, ast.Name)
                        and comp.elt.id == comp.generators[0].target.id
                        and isinstance(comp.generators[0].iter, ast.Name) and comp.generators[0].iter.id in params):
                    continue
                kept, source = a.targets[0].id, comp.generators[0].iter.id
                derived = {kept} | {t.targets[0].id for t in src.statements(fn) if isinstance(t, ast.Assign) and len(
                    t.targets) == 1 and isinstance(t.targets[0], ast.Name) and kept in src.names_in(t.value)}
                for ret in (r for r in src.statements(fn) if isinstance(r, ast.Return) and r.value is not None):
                    names = src.names_in(ret.value)
                    others = [n for n in params - {source, "self"} if n in names]
                    if derived & set(names) and others:
                        g = comp.generators[0]
                        return Finding(facts={FILTERED_APART}, values={
                            "filter_fn": fn.name, "kept": kept, "source": source, "unfiltered": others[0],
                            "condition": " and ".join(src.segment(file, c) for c in g.ifs)},
                            hints={"filtered_apart": (file, ret, others[0], g)})
    return None


SKIPPED_APART = fact("skipped-apart", "a loop over `source` skips items with `continue` where `condition` (line "
                                       "`skip_line`) while collecting `kept`, but `unfiltered` is built from every "
                                       "item of `source` (line `unfiltered_line`)")


def skipped_apart(ctx: Context) -> Finding | None:
    """Inputs collected by a loop that skips items, labels built from every item: a function walks `for s in
    studies:`, `continue`s where a condition holds and appends the inputs, then builds the labels with a
    comprehension over all of `studies` and returns both, so fewer input rows than labels come out.  The fix
    skips the same items in the comprehension."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            returned = {n for r in src.nodes(fn, ast.Return) if r.value is not None for n in src.names_in(r.value)}
            for loop in (st for st in src.statements(fn) if isinstance(st, ast.For) and isinstance(st.target, ast.Name)):
                guard = next((st for st in loop.body if isinstance(st, ast.If) and not st.orelse
                              and isinstance(st.body[-1], ast.Continue)), None)
                kept = [c.func.value.id for st in loop.body if guard is not None and st.lineno > guard.lineno
                        for c in src.calls(st) if isinstance(c.func, ast.Attribute) and c.func.attr == "append"
                        and isinstance(c.func.value, ast.Name)]
                if guard is None or not kept:
                    continue
                source = src.segment(file, loop.iter)
                for st in src.statements(fn):
                    if st.lineno <= (loop.end_lineno or loop.lineno) or not isinstance(st, (ast.Assign, ast.Return)):
                        continue
                    names = {t.id for t in getattr(st, "targets", []) if isinstance(t, ast.Name)}
                    if isinstance(st, ast.Assign) and not names & returned:
                        continue
                    for comp in (n for n in ast.walk(st) if isinstance(n, (ast.ListComp, ast.GeneratorExp))):
                        gen = comp.generators[-1] if len(comp.generators) == 1 else None
                        if gen is None or gen.ifs or not isinstance(gen.target, ast.Name) \
                                or src.segment(file, gen.iter) != source:
                            continue
                        cond = guard.test if loop.target.id == gen.target.id else _renamed(
                            guard.test, loop.target.id, gen.target.id)
                        return Finding(facts={SKIPPED_APART}, values={
                            "filter_fn": fn.name, "kept": kept[0], "source": source, "skip_line": guard.lineno,
                            "condition": " ".join(src.segment(file, guard.test).split()),
                            "unfiltered": next(iter(sorted(names))) if names else source,
                            "unfiltered_line": st.lineno},
                            hints={"skipped_apart": (file, st, gen, _kept_if(file if cond is guard.test else None, cond))})
    return None


def _renamed(node: ast.expr, old: str, new: str) -> ast.expr:
    """A copy of `node` with the name `old` written `new`."""
    copy = ast.parse(ast.unparse(node), mode="eval").body
    for n in ast.walk(copy):
        if isinstance(n, ast.Name) and n.id == old:
            n.id = new
    return copy


def _kept_if(file: str | None, cond: ast.expr) -> str:
    """The condition that keeps what `cond` skips: `x is not None` for `x is None`, `x` for `not x`; written as
    in `file` when the node is from it."""
    def text(n: ast.AST) -> str:
        return " ".join(src.segment(file, n).split()) if file is not None else ast.unparse(n)
    if isinstance(cond, ast.UnaryOp) and isinstance(cond.op, ast.Not):
        return text(cond.operand)
    if isinstance(cond, ast.Compare) and len(cond.ops) == 1:
        flipped = {ast.Is: "is not", ast.IsNot: "is", ast.In: "not in", ast.NotIn: "in", ast.Eq: "!=",
                   ast.NotEq: "=="}.get(type(cond.ops[0]))
        if flipped is not None:
            return f"{text(cond.left)} {flipped} {text(cond.comparators[0])}"
    return f"not ({text(cond)})"


def leaf(expr: str) -> str:
    """`target_ids` of `batch.target_ids` or `batch["target_ids"]`."""
    return re.split(r"[.\[\]\"']+", expr.strip("]\"'"))[-1]


def padded_apart(ctx: Context, ids: str, labels: TensorFacts) -> tuple[str, str | None, str | None, tuple[
        str, list[ast.stmt]]] | None:
    """A user function that pads the inputs and the labels to two lengths computed apart
    (`src_len = max(len(s) for s in srcs)`, `tgt_len = max(...)`), and returns both padded tensors: the
    function named like the tensors' keys, or the one whose call made the labels' container.  Returns
    (function, the inputs' length name, the labels' length name (both None when the names do not tell
    which is which), (file, the two assignments))."""
    want = {leaf(ids), leaf(labels.expr)}
    maker = _making_function(ctx, labels)
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else []:
            lengths = {a.targets[0].id: a for a in src.statements(fn) if isinstance(a, ast.Assign) and len(
                a.targets) == 1 and isinstance(a.targets[0], ast.Name) and is_max_len(a.value)}
            if len(lengths) < 2:
                continue
            made: dict[str, str] = {}  # tensor name → the length name its padding uses
            for a in src.statements(fn):
                if isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name):
                    used = [n for n in src.names_in(a.value) if n in lengths]
                    if used and a.targets[0].id not in lengths:
                        made[a.targets[0].id] = used[0]
            if want <= set(made) and made[leaf(ids)] != made[leaf(labels.expr)]:
                n_ids, n_labels = made[leaf(ids)], made[leaf(labels.expr)]
                return fn.name, n_ids, n_labels, (file, [lengths[n_ids], lengths[n_labels]])
            if fn.name != maker:
                continue
            returned = [n for r in src.statements(fn) if isinstance(r, ast.Return) and r.value is not None
                        for n in src.names_in(r.value) if n in made]
            pads = list(dict.fromkeys(made[n] for n in returned))
            if len(pads) == 2:
                return fn.name, None, None, (file, [lengths[pads[0]], lengths[pads[1]]])
    return None


def _making_function(ctx: Context, t: TensorFacts) -> str | None:
    """The user function whose call made the container `t` is read from (`batch = collate(pairs)` for
    `batch.target_ids`)."""
    frame = ctx.frames[t.frame]
    tree = src.tree_of(frame.file)
    root = re.match(r"[A-Za-z_]\w*", t.expr)
    made = src.last_assignment(tree, root.group(0), frame.line) if tree is not None and root else None
    if made is not None and isinstance(made.value, ast.Call) and isinstance(made.value.func, ast.Name):
        return made.value.func.id
    return None


def is_max_len(node: ast.AST) -> bool:
    """`max(len(x) for x in xs)`, `max(map(len, xs))`, `max([len(x) for x in xs])`."""
    return (isinstance(node, ast.Call) and src.call_name(node) == "max" and len(node.args) == 1 and any(
        isinstance(n, (ast.Call, ast.Name)) and (src.call_name(n) == "len" if isinstance(n, ast.Call) else n.id == "len")
        for n in ast.walk(node.args[0])))




def dataset_column(ctx: Context, t: TensorFacts | None) -> tuple[int, str] | None:
    """The column's name (see `_column`); None when the column is written as a call."""
    found = _column(ctx, t)
    return found if found is not None and isinstance(found[1], str) else None


def _column(ctx: Context, t: TensorFacts | None) -> tuple[int, str | ast.Call] | None:
    """For a batch tensor unpacked from a DataLoader over `TensorDataset(a, b, c)` (`for x, y in loader`, or
    `x, m, y = batch` inside `for batch in loader`), the frame and name of the tensor given at its position
    (`y` → `c`), so where the values come from can be followed past the DataLoader."""
    if t is None or not t.expr.isidentifier():
        return None
    frame = ctx.frames[t.frame]
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    name, position = t.expr, None
    for _ in range(2):  # `y` in the for header, or unpacked from the batch the for header bound
        loop = next((lp for lp in src.enclosing_loops(tree, frame.line) if name in src.names_in(lp.target)), None)
        if loop is not None:
            target = loop.target
            if isinstance(target, ast.Tuple) and isinstance(loop.iter, ast.Call) and src.call_name(
                    loop.iter) == "enumerate" and len(target.elts) == 2:
                target = target.elts[1]
            if position is None:
                position = _position(target, name)
            elif not (isinstance(target, ast.Name) and target.id == name):
                return None
            return _tensor_dataset_arg(ctx, frame, tree, loop, position)
        made = src.last_assignment(tree, name, frame.line)
        if made is None or not isinstance(made.stmt, ast.Assign) or not isinstance(made.value, ast.Name):
            return None
        position = _position(made.stmt.targets[0], name)
        name = made.value.id
    return None


def _position(target: ast.AST, name: str) -> int | None:
    if isinstance(target, (ast.Tuple, ast.List)):
        return next((i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == name), None)
    return None


def _tensor_dataset_arg(ctx: Context, frame, tree: ast.Module, loop: ast.For, position: int | None) -> tuple[
        int, str] | None:
    if position is None:
        return None
    it = loop.iter
    while isinstance(it, ast.Call) and src.call_name(it).split(".")[-1] in ("enumerate", "tqdm") and it.args:
        it = it.args[0]
    for _ in range(3):  # loader name → DataLoader(...) → dataset name → TensorDataset(...)
        if isinstance(it, ast.Name):
            made = src.last_assignment(tree, it.id, loop.lineno)
            it = made.value if made is not None else None
        if isinstance(it, ast.Call) and src.call_name(it).split(".")[-1] == "DataLoader":
            kw = src.keyword(it, "dataset")
            it = kw.value if kw is not None else (it.args[0] if it.args else None)
            continue
        if isinstance(it, ast.Call) and src.call_name(it).split(".")[-1] == "TensorDataset":
            if position < len(it.args) and isinstance(it.args[position], ast.Name):
                return frame.index, it.args[position].id
            if position < len(it.args) and isinstance(it.args[position], ast.Call):
                return frame.index, it.args[position]
            return None
    return None


def dataset_column_call(ctx: Context, t: TensorFacts | None) -> tuple[str, ast.stmt, ast.Call] | None:
    """(file, statement, call) when the TensorDataset column behind `t` is written as a call in place
    (`TensorDataset(ids, torch.from_numpy(cache["labels"]))`)."""
    found = _column(ctx, t)
    if found is None or not isinstance(found[1], ast.Call):
        return None
    frame = ctx.frames[found[0]]
    tree = src.tree_of(frame.file)
    stmt = src.statement_at(tree, found[1].lineno) if tree is not None else None
    return (frame.file, stmt, found[1]) if stmt is not None else None


#: Calls that make a tensor or an array of the values they are given (their result takes `- 1`).
_MAKERS = re.compile(r"^(torch\.(tensor|as_tensor|from_numpy|LongTensor|IntTensor)|(np|numpy)\.(array|asarray))$")


def labels_maker(ctx: Context, t: TensorFacts | None) -> tuple[str, ast.stmt, ast.AST] | None:
    """(file, statement, expression) of the call that made the labels `t` from plain values, found along
    provenance.py's steps: the first assignment there whose value (or, for a dict, the value under the
    labels' own key) is a tensor or array constructor (`torch.tensor([...])`, `np.array(...)`)."""
    if t is None:
        return None
    from ..provenance import trace
    key = leaf(t.expr)
    for step in trace(ctx, t):
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield) and stmt.value.value is not None:
            value = stmt.value.value  # a generator's `yield`
        elif not isinstance(stmt, (ast.Assign, ast.Return)) or stmt.value is None:
            continue
        else:
            value = stmt.value
        if isinstance(value, ast.Tuple):  # `return ids, torch.tensor(labels)`: the one part made from values
            made = [e for e in value.elts if isinstance(e, ast.Call) and _MAKERS.match(src.call_name(e))
                    and re.search(r"label|target|tag|gold|\by\b", src.segment(step.file, e) or "", re.I)]
            stored = [e for e in value.elts if isinstance(e, ast.Subscript) and isinstance(e.value, ast.Attribute)
                      and isinstance(e.value.value, ast.Name) and e.value.value.id == "self"
                      and re.search(r"label|target|tag|gold|^y$|^y_", e.value.attr, re.I)]
            if not made and len(stored) == 1:  # `return self.x[i], self.y[i]`: where the class stores `self.y`
                kept = _stored_maker(tree, stmt, stored[0].value.attr)
                if kept is not None:
                    return (step.file, *kept)
            value = made[0] if len(made) == 1 else value
        if isinstance(value, ast.Dict):
            value = src.dict_item(value, key)
        if isinstance(value, ast.Call) and _MAKERS.match(src.call_name(value)):
            return step.file, stmt, value
    return None


def _stored_maker(tree: ast.Module, at: ast.stmt, attr: str) -> tuple[ast.stmt, ast.AST] | None:
    """(statement, call) of the one `self.<attr> = <tensor or array constructor>` of the class around `at`."""
    cls = src.enclosing_class(tree, at.lineno)
    sets = src.self_assignments(cls, attr) if cls is not None else []
    if len(sets) != 1 or not isinstance(sets[0].value, ast.Call) or not _MAKERS.match(src.call_name(sets[0].value)):
        return None
    return sets[0], sets[0].value


STACKED_PARTS = fact("stacked-parts", "the predictions were made from `n_parts` tensors of `n_labels` rows each, "
                                      "concatenated along dimension 0 (`concat`, line `concat_line`): `n_parts` "
                                      "times the examples")


def stacked_parts(ctx: Context, logits: TensorFacts | None, n_logits: int, n_labels: int) -> Finding | None:
    """Predictions with k times as many rows as labels, made (along provenance.py's steps, and into the
    `forward` of a user module called there) from `torch.cat([a, b, ...])` of k tensors with one row per label
    each, joined along dimension 0 (no `dim=`): the parts of each example were stacked as extra examples.
    Joined along dimension 1 they stay one example each (`joined`)."""
    if logits is None or not n_labels or n_logits % n_labels or n_logits // n_labels < 2:
        return None
    from ..provenance import trace
    k = n_logits // n_labels
    for step in trace(ctx, logits):
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        if stmt is None:
            continue
        found = [(step.file, stmt, call, {}) for call in src.calls(stmt)] + _forward_calls(ctx, step.file, stmt)
        for file, where, call, args in found:
            if not _cat_along_batch(call, k):
                continue
            parts = [_frame_tensor(ctx, step.file, args.get(src.segment(file, e), src.segment(file, e)))
                     for e in call.args[0].elts]
            if any(p is None or len(p.shape) < 2 or p.shape[0] != n_labels for p in parts):
                continue
            joined = ast.unparse(ast.Call(func=call.func, args=call.args, keywords=[
                kw for kw in call.keywords if kw.arg not in ("dim", "axis")] + [ast.keyword(arg="dim", value=ast.Constant(1))]))
            return Finding(facts={STACKED_PARTS}, values={
                "n_parts": k, "concat": " ".join(src.segment(file, call).split()), "concat_line": where.lineno,
                "joined": joined, "part_rows": n_labels}, hints={"stacked": (file, where, call)})
    return None


def _cat_along_batch(call: ast.Call, k: int) -> bool:
    """`torch.cat([a, b])` / `torch.cat((a, b), dim=0)` of `k` tensors."""
    if not (src.call_name(call).split(".")[-1] in ("cat", "concat", "concatenate") and len(call.args) == 1
            and isinstance(call.args[0], (ast.List, ast.Tuple)) and len(call.args[0].elts) == k):
        return False
    dim = src.keyword(call, "dim") or src.keyword(call, "axis")
    return dim is None or (isinstance(dim.value, ast.Constant) and dim.value.value == 0)


def _forward_calls(ctx: Context, file: str, stmt: ast.stmt) -> list[tuple[str, ast.stmt, ast.Call, dict[str, str]]]:
    """For `out = model(a, b)` with `model` a module of a user class: the calls of that class's `forward`,
    each with its statement and the caller's argument text for each forward parameter (`q1` → `a`)."""
    out: list[tuple[str, ast.stmt, ast.Call, dict[str, str]]] = []
    modules = {m.expr: m.cls for fr in ctx.user_frames() if fr.file == file for m in fr.modules}
    for call in src.calls(stmt):
        cls = modules.get(src.segment(file, call.func))
        if cls is None:
            continue
        for f in dict.fromkeys(fr.file for fr in ctx.user_frames()):
            tree = src.tree_of(f)
            found = next((n for n in src.nodes(tree, ast.ClassDef) if n.name == cls), None) \
                if tree is not None else None
            fwd = next((n for n in found.body if isinstance(n, ast.FunctionDef) and n.name == "forward"), None) \
                if found is not None else None
            if fwd is None:
                continue
            params = [a.arg for a in fwd.args.args][1:]
            args = {p: src.segment(file, a) for p, a in zip(params, call.args) if not isinstance(a, ast.Starred)}
            args.update({kw.arg: src.segment(file, kw.value) for kw in call.keywords if kw.arg in params})
            for inner in src.calls(fwd):
                where = src.statement_at(tree, inner.lineno)
                if where is not None:
                    out.append((f, where, inner, args))
    return out


def _frame_tensor(ctx: Context, file: str, expr: str) -> TensorFacts | None:
    for fr in ctx.user_frames():
        t = fr.tensor(expr) if fr.file == file else None
        if t is not None:
            return t
    return None


@dataclass
class OneBasedMap:
    """A label map in the user's code that numbers `count` classes from 1: `name` (assigned on `line` of
    `file`), and the expression that starts it at 1 (`start`: `enumerate(ROUTES, start=1)`, `i + 1`) with
    the text it becomes when it counts from 0 (`zero_based`; None for a literal written out)."""

    name: str
    file: str
    line: int
    stmt: ast.stmt
    count: int
    start: ast.AST
    zero_based: str | None
    #: how the map comes to start at 1 when it is not written in the map itself (a switch it reads)
    via: str | None = None


def one_based_map(ctx: Context, count: int) -> OneBasedMap | None:
    """The one label map of the user's files that gives `count` classes the ids 1..count: a comprehension
    over `enumerate(xs, start=1)` (or `enumerate(xs, 1)`), one whose id is `i + 1`, or a dict literal whose
    values are exactly 1..count.  None when there is none or more than one."""
    found = [OneBasedMap(n.targets[0].id, file, n.lineno, n, count, *hit) for file, n, hit in maps_from_one(ctx, count)]
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for fn in src.nodes(tree, ast.FunctionDef):  # `def label2id(self): return {lab: i + offset ...}`
            rets = [r for r in src.nodes(fn, ast.Return) if r.value is not None]
            hit = _offset_from_switch(file, tree, fn, rets[0], count) if len(rets) == 1 else None
            if hit is not None:
                found.append(hit)
    if not found:  # ids read from the data's keys: where the numbering comes in, when the labels say 1-based
        found = [m for m in (_ids_from_keys(file, n) for file in user_files(ctx) for tree in [src.tree_of(file)]
                             if tree is not None for n in src.nodes(tree, ast.Assign)) if m is not None]
        found = [replace(m, count=count) for m in found]
    return found[0] if len(found) == 1 else None


def inverse_map(made: OneBasedMap) -> tuple[str, int] | None:
    """(name, line) of a map built by inverting `made` (`label2id = {v: k for k, v in id2label.items()}`)."""
    tree = src.tree_of(made.file)
    for n in src.nodes(tree, ast.Assign) if tree is not None else ():
        if (len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.DictComp)
                and n.value.generators and made.name in src.names_in(n.value.generators[0].iter)):
            return n.targets[0].id, n.lineno
    return None


def _ids_from_keys(file: str, n: ast.Assign) -> OneBasedMap | None:
    """`id2label = {int(number): name for number, name in schema["classes"].items()}`: an id map whose ids are
    the data's keys read as numbers; counting from 0 is `int(number) - 1`.  `{lvl: name for lvl in levels}`:
    the values themselves are the ids; counting from 0 numbers their places, `enumerate(levels)`."""
    if not (len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.DictComp)
            and re.search(r"(?i)id", n.targets[0].id)):
        return None
    key = n.value.key
    gen = n.value.generators[0]
    if (isinstance(key, ast.Name) and isinstance(gen.target, ast.Name) and key.id == gen.target.id
            and len(n.value.generators) == 1 and not gen.ifs and not (
                isinstance(gen.iter, ast.Call) and src.call_name(gen.iter) in ("enumerate", "range"))):
        # `{lvl: f"sev{lvl}" for lvl in levels}`: the data's values themselves are the ids; number their places
        used = {x.id for x in ast.walk(n.value) if isinstance(x, ast.Name)}
        i = next(c for c in ("i", "idx", "k", "pos") if c not in used)
        zero = (f"{{{i}: {src.segment(file, n.value.value)} for {i}, {key.id} in "
                f"enumerate({src.segment(file, gen.iter)})}}")
        return OneBasedMap(n.targets[0].id, file, n.lineno, n, 0, n.value, zero)
    value = n.value.value
    if isinstance(value, ast.Call) and src.call_name(value) == "int" and len(value.args) == 1 \
            and isinstance(value.args[0], ast.Subscript) and isinstance(value.args[0].value, ast.Name) \
            and value.args[0].value.id in src.names_in(gen.target):
        # `{r["intent"]: int(r["intent_id"]) for r in rows}`: the ids are a column of the data, read as numbers
        return OneBasedMap(n.targets[0].id, file, n.lineno, n, 0, value, f"{src.segment(file, value)} - 1")
    if not (isinstance(key, ast.Call) and src.call_name(key) == "int" and len(key.args) == 1
            and isinstance(key.args[0], ast.Name) and key.args[0].id in src.names_in(n.value.generators[0].target)):
        return None
    return OneBasedMap(n.targets[0].id, file, n.lineno, n, 0, key, f"{src.segment(file, key)} - 1")


def _offset_from_switch(file: str, tree: ast.Module, fn: ast.FunctionDef, ret: ast.Return,
                        count: int) -> OneBasedMap | None:
    """A map a method returns, `{lab: i + offset for i, lab in enumerate(self.labels)}`, where `offset = 1 if
    self.reserve_null else 0` and the class's field `reserve_null` defaults to True, and `len(self.labels)` is
    read elsewhere in the file (the classes are counted on the same collection): the switch's default starts
    the ids at 1, and counting from 0 is that default turned off, when no construction of the class sets it."""
    value = ret.value
    if not (isinstance(value, ast.DictComp) and len(value.generators) == 1 and not value.generators[0].ifs):
        return None
    gen = value.generators[0]
    it = gen.iter
    if not (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and len(it.args) == 1
            and isinstance(gen.target, ast.Tuple) and isinstance(gen.target.elts[0], ast.Name)):
        return None
    listed = src.last_name(it.args[0])  # `len(self.labels)` or `len(scheme.labels)`: the classes counted on it
    if not any(src.call_name(c) == "len" and len(c.args) == 1 and src.last_name(c.args[0]) == listed
               for c in src.calls(tree)):
        return None
    index = gen.target.elts[0].id
    added = value.value
    if not (isinstance(added, ast.BinOp) and isinstance(added.op, ast.Add) and isinstance(added.left, ast.Name)
            and added.left.id == index and isinstance(added.right, ast.Name)):
        return None
    made = src.assignments(tree, added.right.id, fn, before=ret.lineno)
    switch = made[0].value if len(made) == 1 else None
    if not (isinstance(switch, ast.IfExp) and isinstance(switch.body, ast.Constant) and switch.body.value == 1
            and isinstance(switch.orelse, ast.Constant) and switch.orelse.value == 0
            and isinstance(switch.test, ast.Attribute) and isinstance(switch.test.value, ast.Name)
            and switch.test.value.id == "self"):
        return None
    cls = src.enclosing_class(tree, fn.lineno)
    field = next((n for n in cls.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
                  and n.target.id == switch.test.attr), None) if cls is not None else None
    if field is None or not (isinstance(field.value, ast.Constant) and field.value.value is True):
        return None
    fields = [n.target.id for n in cls.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]
    if any(src.keyword(c, switch.test.attr) is not None or any(k.arg is None for k in c.keywords)
           or len(c.args) > fields.index(switch.test.attr)
           for c in src.calls(tree) if src.call_name(c).rpartition(".")[2] == cls.name):
        return None  # a construction sets the switch: its default is not what numbers these ids
    via = (f"`{added.right.id} = {ast.unparse(switch)}` and `{switch.test.attr}` defaults to True "
           f"(line {field.lineno})")
    return OneBasedMap(fn.name, file, ret.lineno, field, count, field.value, "False", via=via)


def maps_from_one(ctx: Context, count: int) -> list[tuple[str, ast.Assign, tuple[ast.AST, str | None]]]:
    """(file, assignment, (the start as written, the numbered collection)) of every `name = <map>` of the user's
    files that gives `count` entries the ids 1..count (`_counts_from_one`)."""
    out = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        defs = module_defs(tree)
        for n in src.nodes(tree, ast.Assign):
            if len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
                hit = _counts_from_one(file, n.value, defs, count)
                if hit is not None:
                    out.append((file, n, hit))
    return out


def _counts_from_one(file: str, value: ast.AST, defs: dict, count: int) -> tuple[ast.AST, str | None] | None:
    if isinstance(value, ast.Dict):
        ids = [v.value for v in value.values if isinstance(v, ast.Constant) and type(v.value) is int]
        return (value, None) if len(ids) == len(value.values) and sorted(ids) == list(range(1, count + 1)) else None
    if not (isinstance(value, (ast.DictComp, ast.ListComp)) and len(value.generators) == 1
            and not value.generators[0].ifs):
        return None
    gen = value.generators[0]
    it = gen.iter
    if not (isinstance(it, ast.Call) and src.call_name(it) == "enumerate" and it.args
            and static_len(it.args[0], defs)[0] == count and isinstance(gen.target, ast.Tuple)
            and isinstance(gen.target.elts[0], ast.Name)):
        return None
    index = gen.target.elts[0].id
    start = src.keyword(it, "start")
    first = start.value if start is not None else it.args[1] if len(it.args) > 1 else None
    if isinstance(first, ast.Constant) and first.value == 1:
        return it, f"enumerate({src.segment(file, it.args[0])})"
    made = [value.key, value.value] if isinstance(value, ast.DictComp) else [value.elt]
    for m in made:
        if (isinstance(m, ast.BinOp) and isinstance(m.op, ast.Add) and isinstance(m.left, ast.Name)
                and m.left.id == index and isinstance(m.right, ast.Constant) and m.right.value == 1):
            return m, index
    return None
