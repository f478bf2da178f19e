"""Classes counted as the boundaries of a binning: labels made by `torch.bucketize(x, edges)` (or
`np.digitize`, `torch.searchsorted`, `bisect.bisect_right`) take len(edges) + 1 values, 0 below the first edge up to len(edges) past the
last, so a class count written as `len(edges)` is one short.  Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import fact

BINS_ONE_MORE = fact("bins-one-more", "the labels are bins of `bins_call` over the edges `edges`, one more than the "
                                      "edges, and the classes are counted as `len(edges)` (`count_stmt`, line "
                                      "`count_line`)")
EDGES_WITH_LIMITS = fact("edges-with-limits", "the labels are bins of `bins_call` over `edges`, which holds "
                                              "`n_edges` values, the outer limits included, for `n_classes` classes: "
                                              "a value at the upper limit gets bin `n_classes`; the inner edges "
                                              "(`edges_fixed`) give one bin per class")
EDGES_ONE_SUBTRACTED = fact("edges-one-subtracted", "1 is subtracted from the bins (`bins_call - 1`), so the "
                                                    "lower limit is already counted away; only the upper one must go")
DIGITIZED_FROM_ONE = fact("digitized-from-one", "the bins come from `np.digitize` over all the edges, which numbers "
                                                "the bins between them from 1: the values get 1..`n_classes` and the "
                                                "upper limit `n_classes` + 1")
PER_EDGE = fact("per-edge", "another collection beside the count is made one item per edge (`per_edge`)")
BINNING_CALL = re.compile(r"(^|\.)(bucketize|digitize|searchsorted|bisect|bisect_left|bisect_right)$")


@dataclass(frozen=True)
class BinCount:
    file: str
    stmt: ast.stmt          # where the classes are counted
    count: ast.Call         # `len(self.thresholds_min)`
    edges: str              # `self.thresholds_min`
    binning: str            # the binning call, as written
    binning_line: int
    per_edge: str | None = None  # another collection made one item per edge beside the count (`band_names`)


def bins_counted_as_edges(ctx: Context, n_classes: int | None) -> BinCount | None:
    """The one binning call of the user's files whose edges (`torch.tensor(self.thresholds_min)` or the list
    itself) are counted with `len(...)` in an assignment elsewhere, the count being `n_classes`: the classes
    counted as edges.  The count's value is read from a frame when it holds it (and must then be `n_classes`,
    unless that is None); else trusted from the text."""
    found = []
    for file in dict.fromkeys(f.file for f in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            name = src.call_name(call)
            if not BINNING_CALL.search(name) or len(call.args) < 2:
                continue
            edges = call.args[0] if name.endswith(("searchsorted", "bisect", "bisect_left", "bisect_right")) \
                else call.args[1]
            if isinstance(edges, ast.Call) and edges.args and src.call_name(edges).rpartition(".")[2] in (
                    "tensor", "as_tensor", "array", "asarray", "list", "sorted"):
                edges = edges.args[0]
            forms = [edges]
            if isinstance(edges, ast.Attribute) and isinstance(edges.value, ast.Name) and edges.value.id == "self":
                held = _attribute_value(tree, edges.attr)  # `self.bins = np.asarray(cfg["demand_bins"])`
                forms += [held] if held is not None else []
            texts = {src.segment(file, e) for e in forms}
            keys = {_setting_key(e) for e in forms} - {None}
            if isinstance(edges, ast.Name):  # `bisect_right(boundaries, x)` with `boundaries=BOUNDS` the default
                fn = src.enclosing_scope(tree, edges.lineno)
                default = src.param_defaults(fn).get(edges.id) if isinstance(fn, ast.FunctionDef) else None
                given = default if default is not None else src.name_source(tree, edges)
                if given is not None:
                    texts.add(src.segment(file, given))
            for count in src.calls(tree):  # `n_bins = len(EDGES)`, `HP = {"n_bins": len(EDGES)}`
                stmt = src.statement_at(tree, count.lineno)
                text = src.segment(file, count.args[0]) if len(count.args) == 1 else None
                if src.call_name(count) == "len" and isinstance(stmt, ast.Assign) and (
                        text in texts or (len(count.args) == 1 and _setting_key(count.args[0]) in keys)) \
                        and not src.contains(call, count.lineno) and not _in_arithmetic(stmt, count):
                    found.append(BinCount(file=file, stmt=stmt, count=count, edges=text,
                                          binning=src.segment(file, call), binning_line=call.lineno,
                                          per_edge=_per_edge(tree, file, stmt, text)))
    if len(found) != 1:
        return None
    held = [v for fr in ctx.user_frames() for k, v in fr.lengths.items() if k == found[0].edges.rpartition(".")[2]]
    return found[0] if not held or n_classes is None or held[0] == n_classes else None


def _attribute_value(tree: ast.Module, attr: str) -> ast.expr | None:
    """What the one `self.<attr> = ...` of the file holds, through `np.asarray(...)` / `torch.tensor(...)`."""
    made = [a.value for a in src.nodes(tree, ast.Assign) if len(a.targets) == 1 and isinstance(
        a.targets[0], ast.Attribute) and a.targets[0].attr == attr and isinstance(a.targets[0].value, ast.Name)
            and a.targets[0].value.id == "self"]
    if len(made) != 1:
        return None
    value = made[0]
    if isinstance(value, ast.Call) and value.args and src.call_name(value).rpartition(".")[2] in (
            "tensor", "as_tensor", "array", "asarray", "list", "sorted"):
        value = value.args[0]
    return value


def _setting_key(node: ast.AST) -> str | None:
    """`demand_bins` of `cfg["demand_bins"]` / `CFG["demand_bins"]`: a settings entry, whatever holds it."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def _in_arithmetic(stmt: ast.stmt, count: ast.Call) -> bool:
    """The count is part of a sum or difference (`len(edges) - 1`): the classes are not counted as the edges."""
    return any(isinstance(n, ast.BinOp) and count in (n.left, n.right) for n in ast.walk(stmt))


def _per_edge(tree: ast.Module, file: str, count: ast.stmt, edges: str) -> str | None:
    """A collection assigned in the same scope as the count, one item per edge (`self.band_names = [f"<= {t}"
    for t in self.thresholds_min]`): indexed by class, it needs an item for the last bin too."""
    scope = src.enclosing_scope(tree, count.lineno)
    for stmt in src.nodes(scope, ast.Assign):
        comp = stmt.value
        if stmt is not count and isinstance(comp, (ast.ListComp, ast.DictComp)) and len(comp.generators) == 1 \
                and src.segment(file, comp.generators[0].iter) == edges and len(stmt.targets) == 1:
            return src.segment(file, stmt.targets[0])
    return None


def edges_with_limits(ctx: Context, n_classes: int | None) -> tuple[str, ast.stmt, ast.expr, str] | None:
    """The one binning call of the user's files whose edges hold `n_classes + 1` values (`torch.linspace(lo, hi,
    N + 1)`: both limits and the N - 1 boundaries between the classes), read from a frame: (file, statement,
    the edges' node, the call as written).  Bucketized over all of them, a value at the upper limit falls in
    bin N, past the N classes; the inner edges `edges[1:-1]` make exactly N bins."""
    if not isinstance(n_classes, int):
        return None
    found = []
    for file in dict.fromkeys(f.file for f in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            name = src.call_name(call)
            if not re.search(r"(^|\.)(bucketize|digitize)$", name) or len(call.args) < 2:
                continue
            edges = call.args[1]
            if not isinstance(edges, (ast.Name, ast.Attribute)):
                continue
            text = src.segment(file, edges)
            sizes = {t.shape[0] for fr in ctx.user_frames() for t in fr.tensors if t.expr == text and len(t.shape) == 1}
            sizes |= {v for fr in ctx.user_frames() for k, v in fr.lengths.items() if k == text}
            if not sizes and isinstance(edges, ast.Name):  # a closure's edges, in no frame now: their `linspace`
                counted = _written_count(ctx, tree, edges.id, call.lineno)
                sizes = {counted} if counted is not None else set()
            stmt = src.statement_at(tree, call.lineno)
            if not sizes and isinstance(edges, ast.Name):  # `EDGES = np.array([0.0, 0.25, ...])` at the top
                counted = _module_literal_count(tree, edges.id)
                sizes = {counted} if counted is not None else set()
            if sizes == {n_classes + 1} and stmt is not None:
                found.append((file, stmt, edges, src.segment(file, call), _one_subtracted(stmt, call)))
    return found[0] if len(found) == 1 else None


def _one_subtracted(stmt: ast.stmt, call: ast.Call) -> bool:
    """`np.digitize(x, edges) - 1`: the bins are shifted down by one (the lower limit counted as a boundary)."""
    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) and n.left is call
               and isinstance(n.right, ast.Constant) and n.right.value == 1 for n in ast.walk(stmt))


def _module_literal_count(tree: ast.Module, name: str) -> int | None:
    """The number of values of the one top-level `name = [...]` (or `np.array([...])`, `torch.tensor([...])`)."""
    made = [st.value for st in tree.body if isinstance(st, ast.Assign) and len(st.targets) == 1
            and isinstance(st.targets[0], ast.Name) and st.targets[0].id == name]
    if len(made) != 1:
        return None
    value = made[0]
    if isinstance(value, ast.Call) and len(value.args) == 1 and src.call_name(value).rpartition(".")[2] in (
            "tensor", "as_tensor", "array", "asarray"):
        value = value.args[0]
    if isinstance(value, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in value.elts):
        return len(value.elts)
    return None


def _written_count(ctx: Context, tree: ast.Module, name: str, line: int) -> int | None:
    """The number of values of `name = torch.linspace(lo, hi, steps)` (or `np.linspace`, or the quantiles
    `np.quantile(x, np.linspace(0, 1, steps))`) assigned in a function around `line`, else at the module's top
    level: `steps` as the text gives it, a parameter of that function valued at its one call."""
    from .classes import module_defs, static_int
    for fn in reversed([n for n in src.path_to(tree, line) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]):
        made = [a for a in src.assignments(tree, name, fn) if a.stmt.lineno < line and not a.augmented]
        if not made:
            continue
        steps = _steps(made[-1].value)
        if steps is None:
            return None
        given = {p: v for p in src.names_in(steps) for arg in [src.sole_argument(tree, fn, p)]
                 if arg is not None and (v := static_int(ctx, tree, arg)) is not None}
        return static_int(ctx, tree, steps, given)
    top = module_defs(tree).get(name)
    steps = _steps(top.value) if top is not None and top.lineno < line else None
    return static_int(ctx, tree, steps) if steps is not None else None


_QUANTILES = ("quantile", "nanquantile", "percentile", "nanpercentile")


def _steps(value: ast.AST) -> ast.expr | None:
    """The `steps` of `linspace(lo, hi, steps)`, also as the levels of a quantile call."""
    if isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in _QUANTILES and len(value.args) > 1:
        value = value.args[1]
    if not (isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] == "linspace"):
        return None
    steps = src.keyword(value, "steps") or src.keyword(value, "num")
    return steps.value if steps is not None else value.args[2] if len(value.args) > 2 else None
