"""Per-step labels cut from their series over another window than the inputs, where an example is made:
`window = sig[start:end]` beside `labels = tags[end:end + self.horizon]` (the future window, as a target of
another head is cut) gives each example `history_len` input steps and `horizon` labels, and a loss that pairs one
prediction per input step with one label fails.  Read from the user's source (nothing runs): the training loop
unpacks the labels at place k; the one Dataset `__getitem__` of the user's files that returns a tuple of that
many items returns, at place k, a slice whose length is the labels' per-example length, and at another place a
slice whose length is the predictions' per-example length.  The labels take the inputs' window."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact
from .classes import static_int, user_files

WINDOW_UNLIKE = fact("window-unlike", "`maker` (line `maker_line`) cuts the labels as `label_read` (`label_len` "
                                      "steps) and the inputs as `input_read` (`input_len` steps): two windows")


def window_unlike(ctx: Context, labels: TensorFacts, n_pred: int, n_target: int) -> Finding | None:
    from ..provenance import _unpacked_position
    frame = ctx.user
    tree = src.tree_of(frame.file) if frame is not None else None
    name = labels.expr if labels.expr.isidentifier() else None  # the name the training loop unpacks
    if tree is None or name is None or n_pred == n_target:
        return None
    places = [(loop.target, _unpacked_position(loop.target, name)) for loop in src.enclosing_loops(tree, frame.line)]
    places = [(t, k) for t, k in places if k is not None]
    if len(places) != 1:
        return None
    target, k = places[0]
    if len(target.elts) == 2 and isinstance(target.elts[1], ast.Tuple) and \
            any(isinstance(e, ast.Name) and e.id == name for e in target.elts[1].elts):
        target = target.elts[1]  # `for step, (x, y) in enumerate(loader)`
    width = len(target.elts)
    found = []
    for file in user_files(ctx):
        ftree = src.tree_of(file)
        for cls in src.nodes(ftree, ast.ClassDef) if ftree is not None else ():
            item = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__getitem__"), None)
            hit = _windows(ctx, file, ftree, cls, item, width, k, n_pred, n_target) if item is not None else None
            if hit is not None:
                found.append(hit)
    if len(found) != 1:
        return None
    file, item, label_slice, input_slice = found[0]
    upper = input_slice.slice.upper
    made = src.last_assignment(src.tree_of(file), upper.id, upper.lineno) if isinstance(upper, ast.Name) else None
    f = Finding(facts={WINDOW_UNLIKE})
    f.values["input_upper"] = f" (`{' '.join(src.segment(file, made.stmt).split())}`)" if made is not None else ""
    f.values.update(maker=f"{item.name}", maker_line=item.lineno, label_len=n_target, input_len=n_pred,
                    label_read=" ".join(src.segment(file, label_slice).split()),
                    input_read=" ".join(src.segment(file, input_slice).split()),
                    label_fixed=" ".join(src.segment(file, input_slice.slice).split()))
    f.hints["window_unlike"] = (file, src.statement_at(src.tree_of(file), label_slice.lineno), label_slice.slice,
                                f.values["label_fixed"])
    return f


def _windows(ctx: Context, file: str, tree: ast.Module, cls: ast.ClassDef, item: ast.FunctionDef, width: int,
             k: int, n_pred: int, n_target: int) -> tuple | None:
    """(file, item, the labels' slice, the inputs' slice) when `item` returns `width` items, the k-th reading one
    slice of `n_target` steps and exactly one other reading a slice of `n_pred` steps."""
    rets = [r for r in src.nodes(item, ast.Return) if r.value is not None]
    if len(rets) != 1 or not isinstance(rets[0].value, ast.Tuple) or len(rets[0].value.elts) != width:
        return None
    local = {st.targets[0].id: st.value for st in src.statements(item) if isinstance(st, ast.Assign)
             and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)}
    lengths = [[(s, _length(ctx, tree, cls, s, local)) for s in _slices(e, local)] for e in rets[0].value.elts]
    mine = lengths[k]
    inputs = [s for i, got in enumerate(lengths) if i != k for s, n in got if n == n_pred]
    if len(mine) != 1 or mine[0][1] != n_target or len(inputs) != 1:
        return None
    return file, item, mine[0][0], inputs[0]


def _slices(node: ast.AST, local: dict[str, ast.AST], depth: int = 3) -> list[ast.Subscript]:
    """The `x[a:b]` reads of `node`, each local name it reads followed to its assignment (`depth` levels)."""
    out = []
    for n in ast.walk(node):
        if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice) and n.slice.upper is not None:
            out.append(n)
        elif isinstance(n, ast.Name) and n.id in local and depth > 0:
            out += _slices(local[n.id], {a: v for a, v in local.items() if a != n.id}, depth - 1)
    return out


def _length(ctx: Context, tree: ast.Module, cls: ast.ClassDef, s: ast.Subscript, local: dict) -> int | None:
    """The steps `x[a:b]` reads: `b` when `a` is absent, the added term of `b = a + n`, else `b - a`."""
    lo, hi = s.slice.lower, _local(s.slice.upper, local)
    if lo is None:
        width = hi
    elif isinstance(hi, ast.BinOp) and isinstance(hi.op, ast.Add) and ast.dump(hi.left) == ast.dump(lo):
        width = hi.right
    else:
        return None
    return _value(ctx, tree, cls, width)


def _local(node: ast.AST, local: dict) -> ast.AST:
    return local.get(node.id, node) if isinstance(node, ast.Name) else node


def _value(ctx: Context, tree: ast.Module, cls: ast.ClassDef, node: ast.AST) -> int | None:
    """An int the expression holds, `self.<attr>` followed to the argument the one construction of the class
    gives `__init__` for it (`self.horizon = horizon` and `Windows(drives, CFG["horizon"])`)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        set_ = src.self_assignments(cls, node.attr)
        if len(set_) != 1:
            return None
        node = set_[0].value
        if isinstance(node, ast.Name):
            node = src.name_source(tree, node) or node
    return static_int(ctx, tree, node)
