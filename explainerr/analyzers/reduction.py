"""A value reduced over the wrong dimension: `preds = np.argmax(logits, axis=0)` (over the examples, not the
classes), `(states * mask).sum(dim=-1)` (over the features, not the tokens).  What is left has the size of the
dimension that should have been reduced, and lacks the one that should have stayed.  Such a value then fails
against a loop bound or a layer that are right, so the error is not theirs: the analyzers that would blame
them ask this reader first, and give no diagnosis when it finds the reduction.  Read from source and the
frames' shapes only."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import FrameFacts, TensorFacts

_REDUCERS = {"sum", "mean", "max", "min", "amax", "amin", "argmax", "argmin", "logsumexp", "norm", "prod",
             "std", "var", "nansum", "nanmean", "median"}
_MODULES = {"torch", "np", "numpy", "F", "jnp"}


def _read(frame: FrameFacts, expr: str) -> tuple[ast.Module, ast.expr, ast.AST] | None:
    """(the frame's file tree, `expr` parsed, the scope of the frame's line), or None when either does not parse."""
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    try:
        node = ast.parse(expr.strip(), mode="eval").body
    except SyntaxError:
        return None
    return tree, node, src.enclosing_scope(tree, frame.line)


def reduced_over(ctx: Context, frame: FrameFacts, expr: str, expected: int, given: int) -> str | None:
    """The text of the reduction that made `expr` (a name in `frame`, or a call of the user's function that
    returns one) when it reduced a dimension of size `expected` of a tensor that also has a dimension of size
    `given`, the size the value was left with; else None."""
    parsed = _read(frame, expr) if expected != given else None
    if parsed is None:
        return None
    tree, node, scope = parsed
    shapes = {t.expr: tuple(t.shape) for t in frame.tensors}
    shapes.update({f"{m.group(1)}.{m.group(2)}": shape for e, shape in list(shapes.items())
                   for m in [re.fullmatch(r"(\w+)\[[\"'](\w+)[\"']\]", e)] if m})  # `out.x` for `out["x"]`
    line = frame.line
    node = _shape_kept(frame, node)
    at = line
    while isinstance(node, ast.Name):  # `sentence = masked_mean(states, attn)`: the call that made it
        made = src.last_assignment(tree, node.id, at)
        if made is None or made.augmented or not (isinstance(scope, ast.Module)
                                                  or src.contains(scope, made.stmt.lineno)):
            break
        value = _shape_kept(frame, made.value)
        if isinstance(value, ast.Name) and value.id == node.id and made.stmt.lineno < at:
            at = made.stmt.lineno - 1  # `pooled = torch.tanh(self.drop(pooled))`: the value before it
            continue
        if _own_function(tree, frame, value) is not None:
            node = value
        break
    if isinstance(node, ast.Call) and _own_function(tree, frame, node) is not None:  # the user's own function
        fn = _own_function(tree, frame, node)
        params = [a.arg for a in fn.args.args]
        if params[:1] == ["self"] and isinstance(node.func, ast.Attribute):
            params = params[1:]
        given_args = {p: ast.unparse(a) for p, a in zip(params, node.args)}
        given_args.update({k.arg: ast.unparse(k.value) for k in node.keywords if k.arg})
        shapes = {p: shapes[a] for p, a in given_args.items() if a in shapes}
        returns = [r for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value is not None]
        if not returns:
            return None
        node, scope, line = returns[-1].value, fn, returns[-1].lineno
    for value in _values(tree, scope, node, line):
        sizes = _reduced_sizes(value, shapes, _REDUCERS)
        if sizes is not None and sizes[0] == expected and given in sizes[1]:
            return " ".join(ast.unparse(value).split())
    return None


def _own_function(tree: ast.Module, frame: FrameFacts, call: ast.AST) -> ast.FunctionDef | None:
    """The user's function a call runs: `helper(...)` defined in the file, or `self.helper(...)`, a method of
    the class around the frame's line."""
    if not isinstance(call, ast.Call):
        return None
    if isinstance(call.func, ast.Name):
        return next((d for d in src.nodes(tree, ast.FunctionDef) if d.name == call.func.id), None)
    if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) and call.func.value.id == "self":
        cls = src.enclosing_class(tree, frame.line)
        return next((d for d in cls.body if isinstance(d, ast.FunctionDef) and d.name == call.func.attr), None) \
            if cls is not None else None
    return None


#: Modules and functions whose output has their input's shape: looked through to the value they were given.
_SHAPE_KEEPING = {"Dropout", "ReLU", "GELU", "Tanh", "Sigmoid", "SiLU", "LeakyReLU", "ELU", "Identity", "LayerNorm",
                  "dropout", "relu", "gelu", "tanh", "sigmoid", "silu", "leaky_relu", "elu", "layer_norm"}


def _shape_kept(frame: FrameFacts, node: ast.AST) -> ast.AST:
    """`x` of `self.dropout(x)` (a module of the frame whose class keeps the shape), `F.relu(x)`, `torch.tanh(x)`."""
    while isinstance(node, ast.Call) and len(node.args) == 1:
        name = ast.unparse(node.func)
        module = next((m for m in frame.modules if m.expr == name), None)
        kept = module.cls in _SHAPE_KEEPING if module is not None else name.split(".")[-1] in _SHAPE_KEEPING
        if not kept:
            break
        node = node.args[0]
    return node


def _reduced_sizes(value: ast.AST, shapes: dict[str, tuple[int, ...]],
                   reducers: set[str]) -> tuple[int, tuple[int, ...]] | None:
    """(the size of the dimension `value` reduces, the sizes of the other dimensions) when `value` is a reduction
    (`reducers`) over a constant dimension of a tensor whose shape `shapes` knows by one of its names."""
    found = _reduction(value, reducers)
    if found is None:
        return None
    source, dim = found
    shape = max((shapes[n] for n in src.names_in(source) if n in shapes), key=len, default=None)
    if not shape or not -len(shape) <= dim < len(shape):
        return None
    k = dim % len(shape)
    return shape[k], shape[:k] + shape[k + 1:]


_ARG_REDUCERS = {"argmax", "argmin", "max", "min", "topk", "argsort", "sort"}
_CONVERSIONS = {"tolist", "numpy", "cpu", "detach", "long", "int", "item", "flatten", "squeeze"}


def _unconverted(node: ast.AST) -> ast.AST:
    """`x` of `x.tolist()`, `x.squeeze(0).cpu()` and the like."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CONVERSIONS:
        node = node.func.value
    return node


def indices_reduced_over(ctx: Context, frame: FrameFacts, expr: str, size: int) -> str | None:
    """The text of the arg-reduction (`torch.max(x, 0)`, `x.argmax(dim=0)`) that made the positions `expr`
    (through `.tolist()` and the like) along a dimension of another size than `size`, of a tensor that has a
    dimension of `size` elsewhere: positions along the wrong dimension, used to index one of `size`."""
    parsed = _read(frame, expr)
    if parsed is None:
        return None
    tree, node, scope = parsed
    shapes = {t.expr: tuple(t.shape) for t in frame.tensors}
    for value in map(_unconverted, _values(tree, scope, _unconverted(node), frame.line)):
        sizes = _reduced_sizes(value, shapes, _ARG_REDUCERS)
        if sizes is not None and sizes[0] != size and size in sizes[1]:
            return " ".join(ast.unparse(value).split())
    return None


def labels_reduced_over_batch(ctx: Context, labels: TensorFacts | None, n_rows: int,
                              n_classes: int | None = None) -> str | None:
    """The arg-reduction (`probs.argmax(0)`) that made the class ids `labels` over the dimension of the `n_rows`
    examples, of a tensor whose other dimension is as long as `labels`: one id per class came out, not one per
    example (the reduction's dimension is the mistake, not the labels' length).  Followed into the user's
    function that returned them (`hard, conf = pseudo_label(...)`), where the reduced tensor's shape is no
    longer known: there an argmax over dimension 0 giving as many ids as the predictions have classes."""
    if labels is None or len(labels.shape) != 1 or labels.shape[0] == n_rows:
        return None
    frame = ctx.frames[labels.frame]
    parsed = _read(frame, labels.expr)
    if parsed is None:
        return None
    tree, node, scope = parsed
    shapes = {t.expr: tuple(t.shape) for t in frame.tensors}
    line = frame.line
    returned = _returned_part(tree, frame, labels.expr)
    if returned is not None:
        node, scope, line = returned
    for value in map(_unconverted, _values(tree, scope, _unconverted(node), line)):
        sizes = _reduced_sizes(value, shapes, _ARG_REDUCERS)
        if sizes is not None and sizes[0] == n_rows and sizes[1] == (labels.shape[0],):
            return " ".join(ast.unparse(value).split())
        found = _reduction(value, _ARG_REDUCERS) if sizes is None and returned is not None else None
        if found is not None and found[1] == 0 and n_classes == labels.shape[0]:
            return " ".join(ast.unparse(value).split())
    return None


def _returned_part(tree: ast.Module, frame: FrameFacts, name: str) -> tuple[ast.AST, ast.AST, int] | None:
    """(the returned expression, the function, its line) for `name` unpacked from (or assigned) the call of a
    user function of the frame's file: `hard, conf = pseudo_label(...)` gives `hard` of `return hard, conf`."""
    made = src.last_assignment(tree, name, frame.line)
    stmt = made.stmt if made is not None else None
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
        return None
    fn = _own_function(tree, frame, stmt.value)
    rets = [r for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value is not None] if fn is not None else []
    if len(rets) != 1:
        return None
    target, value = stmt.targets[0], rets[0].value
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
        names = [e.id if isinstance(e, ast.Name) else None for e in target.elts]
        value = value.elts[names.index(name)] if name in names else None
    elif not isinstance(target, ast.Name):
        return None
    return (value, fn, rets[0].lineno) if value is not None else None


_JOINS = {"cat", "concat", "concatenate", "vstack", "stack"}


def joined_along_other_dim(ctx: Context, frame: FrameFacts, expr: str, expected: int, given: int) -> str | None:
    """The text of the join (`torch.cat([u, v, u - v], dim=0)`) that made `expr` from k parts along a dimension
    other than the last, when k x `given` (the last size the value has) is `expected` (the features a layer
    takes): the parts were meant side by side along the features."""
    parsed = _read(frame, expr) if given > 0 and not expected % given else None
    if parsed is None:
        return None
    tree, node, scope = parsed
    fed = frame.tensor(expr)
    rank = len(fed.shape) if fed is not None and fed.shape else None
    node = _shape_kept(frame, node)  # `self.dropout(pooled)`: the join that made `pooled`
    for value in _with_helper_returns(tree, _values(tree, scope, node, frame.line), frame.line):
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _JOINS
                and value.args and isinstance(value.args[0], (ast.List, ast.Tuple))):
            continue
        parts = value.args[0].elts
        dim_node = next((k.value for k in value.keywords if k.arg in ("dim", "axis")), None) or (
            value.args[1] if len(value.args) > 1 else None)
        try:
            dim = 0 if dim_node is None or value.func.attr == "vstack" else ast.literal_eval(dim_node)
        except ValueError:
            continue
        last = dim == -1 or (rank is not None and type(dim) is int and dim % rank == rank - 1)
        if type(dim) is int and not last and len(parts) * given == expected and not any(
                isinstance(p, ast.Starred) for p in parts):
            return " ".join(ast.unparse(value).split())
    return None


def _with_helper_returns(tree: ast.Module, values: list[ast.AST], line: int | None = None) -> list[ast.AST]:
    """`values`, each call of a function the file defines at module level (`fuse(a, b)`), or of a method of the
    class around `line` (`self.pool(h)`), followed by what that function returns."""
    out = list(values)
    for v in values:
        fn = None
        if isinstance(v, ast.Call) and isinstance(v.func, ast.Name):
            fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == v.func.id), None)
        elif isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and isinstance(v.func.value, ast.Name) \
                and v.func.value.id == "self":  # `self.pool(h)`: the method of the class around the call
            cls = src.enclosing_class(tree, line) if line is not None else None
            fn = next((n for n in (cls.body if cls is not None else []) if isinstance(n, ast.FunctionDef)
                       and n.name == v.func.attr), None)
        out += [r.value for r in src.statements(fn) if isinstance(r, ast.Return) and r.value is not None] \
            if fn is not None else []
    return out


def _values(tree: ast.Module, scope: ast.AST, node: ast.AST, line: int, depth: int = 0) -> list[ast.AST]:
    """`node`, and what its names were last assigned in `scope` (through arithmetic such as `summed / counts`),
    two steps deep."""
    out = [node]
    if depth > 2:
        return out
    parts = [node.left, node.right] if isinstance(node, ast.BinOp) else [node] if isinstance(node, ast.Name) else []
    for p in parts:
        if isinstance(p, ast.Name):
            a = src.last_assignment(tree, p.id, line)
            if a is not None and (isinstance(scope, ast.Module) or src.contains(scope, a.stmt.lineno)) and not a.augmented:
                out += _values(tree, scope, a.value, a.stmt.lineno, depth + 1)
        elif p is not node:
            out += _values(tree, scope, p, line, depth + 1)
    return out


def _reduction(node: ast.AST, reducers: set[str]) -> tuple[ast.AST, int] | None:
    """(the reduced expression, the dimension) of `x.sum(dim=d)`, `torch.argmax(x, dim=d)`, `np.argmax(x, axis=d)`
    with a constant dimension."""
    if isinstance(node, ast.Attribute) and node.attr in ("indices", "values"):  # `x.max(dim=0).indices`
        node = node.value
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):  # `x.max(0)[1]`
        node = node.value
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute) or node.func.attr not in reducers:
        return None
    module = isinstance(node.func.value, ast.Name) and node.func.value.id in _MODULES
    args = list(node.args)
    source = args.pop(0) if module and args else None if module else node.func.value
    if node.func.attr == "topk":
        args = args[1:]  # `topk(x, k, dim)`: k comes first
    dim_node = next((k.value for k in node.keywords if k.arg in ("dim", "axis")), None) or (args[0] if args else None)
    if source is None or dim_node is None:
        return None
    try:
        dim = ast.literal_eval(dim_node)
    except ValueError:
        return None
    return (source, dim) if type(dim) is int else None


_PAIRWISE = {"cdist", "mm", "matmul", "cos_sim", "cosine_similarity", "dot_score", "pairwise_distance", "einsum"}


def pairwise_swapped(ctx: Context, logits, n_labels: int) -> bool:
    """2-D scores (A, B) made by a pairwise operation of two operands (`torch.cdist(protos, queries)`,
    `a @ b.T`), met with B labels, A != B: the operands are in the other order (the scores are transposed),
    not the labels of another length."""
    if logits is None or len(logits.shape) != 2 or logits.shape[1] != n_labels or logits.shape[0] == n_labels:
        return False
    return made_pairwise(ctx, logits)


def all_pairs(ctx: Context, logits, target_shape: tuple[int, ...] | None) -> bool:
    """Square scores (N, N) made by a pairwise operation (`(a @ W) @ b.T`) against N targets of an element-wise
    loss: every pair of the batch was scored, where one score per pair was meant (a row-wise product)."""
    if (logits is None or target_shape is None or len(logits.shape) != 2 or len(target_shape) != 1
            or logits.shape[0] != logits.shape[1] or logits.shape[0] != target_shape[0]):
        return False
    return made_pairwise(ctx, logits)


def _scores_assignment(ctx: Context, logits):
    """(the scores' frame, its file's tree, the last assignment of the scores' plain name there, or None)."""
    frame = ctx.frames[logits.frame]
    tree = src.tree_of(frame.file)
    name = logits.expr if logits.expr.isidentifier() else None
    return frame, tree, src.last_assignment(tree, name, frame.line) if tree is not None and name else None


def made_pairwise(ctx: Context, logits) -> bool:
    """The scores were assigned a pairwise operation of two operands (scaled or negated, maybe), or the output
    of the user's own module whose `forward` returns one."""
    _, _, a = _scores_assignment(ctx, logits)
    if a is None:
        return False
    if _pairwise(a.value):
        return True
    if isinstance(a.value, ast.Call) and isinstance(a.value.func, ast.Name):  # `scores = model(q, c)`
        from .own_forward import own_forward
        own = own_forward(ctx, logits)
        return own is not None and _returns_pairwise(own.cls, "forward")
    return False


def scored_against_computed(ctx: Context, logits) -> bool:
    """The scores were assigned a pairwise operation (`-torch.cdist(q, prototypes) ** 2`, `q @ centroids.T`)
    whose second operand is a local computed in the same function (prototypes of this episode, centroids of
    this batch), not a layer's weights: its rows are the classes, and no classifier has a size to change."""
    frame, tree, a = _scores_assignment(ctx, logits)
    value = _unscaled(a.value) if a is not None and not frame.library else None
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.MatMult):
        other = value.right
    elif isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in _PAIRWISE and len(value.args) >= 2:
        other = value.args[-1]  # the second operand (an einsum's last)
    else:
        return False
    while isinstance(other, ast.Attribute) and other.attr in ("T", "mT"):
        other = other.value
    while isinstance(other, ast.Call) and isinstance(other.func, ast.Attribute) and other.func.attr in (
            "t", "transpose", "permute"):
        other = other.func.value
    if not isinstance(other, ast.Name):
        return False
    scope = src.enclosing_scope(tree, frame.line)
    made = src.assignments(tree, other.id, scope, before=frame.line)
    return bool(made) and scope is not tree


def _returns_pairwise(cls: ast.ClassDef, method: str, depth: int = 0) -> bool:
    """The class's `method` has one return, a pairwise operation, or a call of another of its methods
    (`return self.class_scores(self.encoder(x))`) that returns one."""
    fn = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == method), None)
    returns = [r.value for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value is not None] if fn else []
    if len(returns) != 1 or depth > 2:
        return False
    value = _unscaled(returns[0])
    if _pairwise(value):
        return True
    if isinstance(value, ast.Name):  # `sims = torch.mm(a, b.T)` then `return sims`
        from .own_forward import assigned_once
        made = assigned_once(fn, value.id)
        return made is not None and _pairwise(made)
    called = value
    return (isinstance(called, ast.Call) and isinstance(called.func, ast.Attribute)
            and isinstance(called.func.value, ast.Name) and called.func.value.id == "self"
            and _returns_pairwise(cls, called.func.attr, depth + 1))


def _unscaled(value: ast.AST) -> ast.AST:
    """`x` of `-x`, `x / self.temperature`, `scale * x`, `x ** 2`."""
    scalar = (ast.Constant, ast.Name, ast.Attribute)
    while isinstance(value, ast.UnaryOp) or (isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Div, ast.Mult))
                                             and (isinstance(value.right, scalar) or isinstance(value.left, scalar))) \
            or (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Pow)
                and isinstance(value.right, ast.Constant)):
        if isinstance(value, ast.UnaryOp):
            value = value.operand
        elif isinstance(value.op, ast.Pow):  # `cdist(q, p) ** 2`
            value = value.left
        else:  # scaled by a temperature: the other operand made the scores
            value = value.left if isinstance(value.right, scalar) else value.right
    return value


def _pairwise(value: ast.AST) -> bool:
    value = _unscaled(value)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.MatMult):
        return True
    return isinstance(value, ast.Call) and src.call_name(value).split(".")[-1] in _PAIRWISE


def pooled_over_examples(ctx: Context, rows: int, examples: int) -> str | None:
    """The predictions have one row per position of the batch's ids (`rows` = their dimension 1) while the
    labels have one per example (`examples` = their dimension 0), and the user's code reduces a tensor over
    dimension 0 (`(hidden * weights).sum(dim=0)`, a masked mean over the examples instead of the tokens): the
    reduction's text, else None."""
    if rows == examples or not any(t.is_integer and len(t.shape) == 2 and tuple(t.shape) == (examples, rows)
                                   for fr in ctx.user_frames() for t in fr.tensors):
        return None
    from .classes import user_files
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            name = src.call_name(call).split(".")[-1]
            dim = src.keyword(call, "dim")
            dim = dim.value if dim is not None else (call.args[0] if call.args and isinstance(call.func, ast.Attribute)
                                                     and not src.call_name(call).startswith("torch.") else None)
            if name in ("sum", "mean") and isinstance(dim, ast.Constant) and dim.value == 0 \
                    and isinstance(call.func, ast.Attribute) and not isinstance(call.func.value, ast.Name):
                return " ".join(src.segment(file, call).split())
    return None
