"""A tensor whose dimensions the user's own axis operation put in another order, or dropped: a second
`x.permute(0, 3, 1, 2)` on tiles already channels-first, `scores.view(n_options, -1)` meant as
`view(-1, n_options)`, an `einsum(...)` whose output subscripts are in another order, `logits.squeeze()` that
also drops a batch of one.  The sizes that disagree are all in the tensor, in another place: the layer, the
labels and the mask it meets are right, and the mistake is the axis operation, which no pattern of the
catalogue names.  The analyzers that would blame a size ask this reader first and give no diagnosis when it
finds one.  Read from the tensor's provenance (source lines) and the frames' shapes only.
"""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts

#: Calls that reorder (or regroup) a tensor's dimensions.
_REORDERS = {"permute", "transpose", "movedim", "moveaxis", "swapaxes", "swapdims", "t", "einsum", "view",
             "reshape", "rearrange"}
#: Calls that keep the shape: looked through (`x.permute(...).contiguous()`).
_KEEPS = {"contiguous", "float", "double", "half", "long", "int", "to", "cpu", "cuda", "detach", "clone"}
#: How many provenance steps back an axis operation counts.
_STEPS = 6


def reordered_by(ctx: Context, t: TensorFacts | None) -> str | None:
    """The text of the axis operation (see the module docstring) that made `t`, found among the first steps
    of its provenance (its assignments, through the calls that passed it); None when none did."""
    return _made_by(ctx, t, _reorder)


def squeezed_by(ctx: Context, t: TensorFacts | None) -> str | None:
    """The text of the `squeeze()` without a dimension that made `t` (it drops every dimension of size 1,
    a batch of one too); None when none did."""
    return _made_by(ctx, t, _squeeze_all)


def transposed_scores(ctx: Context, logits: TensorFacts | None, n_labels: int) -> str | None:
    """2-D scores (A, B) met with B labels, A != B, made by an axis operation: the scores were laid out
    (classes, examples), not the labels of another length."""
    if logits is None or len(logits.shape) != 2 or logits.shape[1] != n_labels or logits.shape[0] == n_labels:
        return None
    return reordered_by(ctx, logits)


def squeezed_batch(ctx: Context, pred: TensorFacts | None, in_shape: tuple[int, ...],
                   target_shape: tuple[int, ...]) -> str | None:
    """Predictions with fewer dimensions than the targets, all the missing ones of size 1, made by a
    `squeeze()` without a dimension: a batch of one was squeezed away with the rest."""
    if pred is None or len(in_shape) >= len(target_shape):
        return None
    rest = list(target_shape)
    for size in in_shape:  # the predictions' sizes, in order, must be the targets' with 1s left out
        while rest and rest[0] != size:
            if rest.pop(0) != 1:
                return None
        if not rest:
            return None
        rest.pop(0)
    if any(s != 1 for s in rest):
        return None
    return squeezed_by(ctx, pred)


def kept_dim(ctx: Context, pred: TensorFacts | None, target_shape: tuple[int, ...] | None) -> str | None:
    """Predictions with an inner dimension of size 1 that the targets lack ((8, 1, 5) against 8 labels), made
    by a reduction that kept the reduced dimension (`.sum(dim=1, keepdim=True)`): the kept dimension is the
    mistake, not the labels."""
    if pred is None or target_shape is None or len(pred.shape) < 3:
        return None
    inner = [k for k in range(1, len(pred.shape) - 1) if pred.shape[k] == 1]
    if not inner or 1 in target_shape:
        return None
    rest = tuple(s for k, s in enumerate(pred.shape) if k != inner[0])
    if tuple(target_shape) != rest[:len(target_shape)]:
        return None
    return _made_by(ctx, pred, _keepdim)


def fixed_rows_flatten(ctx: Context, t: TensorFacts | None, want: int) -> str | None:
    """`x.view(BATCH_SIZE, -1)` (or `reshape`) that made the layer's input `t` with a fixed number of rows,
    when `t` holds that many rows and its elements fill whole rows of the `want` features the layer takes: a
    smaller batch (the last one) was folded into the fixed rows; the layer is right."""
    if t is None or len(t.shape) != 2 or not want:
        return None
    rows, got = t.shape
    if rows * got % want or got == want:
        return None

    def test(node: ast.AST) -> ast.AST | None:
        for n in ast.walk(node):
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("view", "reshape")
                    and len(n.args) == 2 and isinstance(n.args[1], ast.UnaryOp)
                    and isinstance(n.args[0], (ast.Name, ast.Constant, ast.Attribute))
                    and not (isinstance(n.args[0], ast.Attribute) and n.args[0].attr == "shape")):
                first = n.args[0]
                value = first.value if isinstance(first, ast.Constant) else ctx.frames[t.frame].scalars.get(
                    first.id) if isinstance(first, ast.Name) else None
                if value == rows:
                    return n
        return None
    return _made_by(ctx, t, test)


def fixed_rows_fold(ctx: Context, t: TensorFacts | None, labels: int) -> str | None:
    """`logits.reshape(args.batch_size * args.seq_len, -1)`: predictions flattened into a number of rows written
    from settings (names, attributes, numbers; no size of the tensor), when the flattened tensor holds exactly
    `labels` rows of its own last dimension: a smaller batch was folded into the configured rows, and the labels
    fit the batch."""
    if t is None or len(t.shape) != 2 or t.shape[0] == labels:
        return None
    frame = ctx.frames[t.frame]

    def fixed(node: ast.AST) -> bool:
        return all(isinstance(n, (ast.Name, ast.Attribute, ast.Constant, ast.BinOp, ast.Load, ast.Mult, ast.Add,
                                  ast.Sub, ast.FloorDiv)) for n in ast.walk(node)) and not any(
            isinstance(n, ast.Attribute) and n.attr == "shape" for n in ast.walk(node))

    def test(node: ast.AST) -> ast.AST | None:
        for n in ast.walk(node):
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("view", "reshape")
                    and len(n.args) == 2 and isinstance(n.args[1], ast.UnaryOp) and fixed(n.args[0])):
                whole = frame.tensor(ast.unparse(n.func.value))
                if whole is not None and len(whole.shape) >= 3 and whole.numel == labels * whole.shape[-1]:
                    return n
        return None
    return _made_by(ctx, t, test)


def window_args_swapped(ctx: Context, want: int, got: int) -> str | None:
    """An `x.unfold(dim, size, step)` of the user's whose size is `got` and whose step is `want`, the width the
    layer takes: the windows came out `got` long because the size and the step were given in each other's
    place (the layer is right).  Arguments read as numbers: literals, module constants, or a parameter of the
    enclosing function given the same number at every call."""
    if want == got:
        return None
    from .classes import user_files
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            if not (isinstance(call.func, ast.Attribute) and call.func.attr == "unfold" and len(call.args) == 3):
                continue
            size, step = (_number(ctx, tree, call, a) for a in call.args[1:])
            if size == got and step == want:
                return " ".join(src.segment(file, call).split())
    return None


def _number(ctx: Context, tree: ast.Module, at: ast.AST, node: ast.AST) -> int | None:
    from .classes import static_int
    value = static_int(ctx, tree, node)
    if value is not None or not isinstance(node, ast.Name):
        return value
    fn = src.enclosing_scope(tree, at.lineno)  # type: ignore[attr-defined]
    if not isinstance(fn, ast.FunctionDef):
        return None
    params = [a.arg for a in fn.args.args]
    if node.id not in params:
        return None
    k = params.index(node.id)
    given = set()
    for c in src.calls(tree):
        if src.call_name(c).split(".")[-1] != fn.name:
            continue
        kw = src.keyword(c, node.id)
        arg = kw.value if kw is not None else c.args[k] if len(c.args) > k else None
        given.add(static_int(ctx, tree, arg) if arg is not None else None)
    return given.pop() if len(given) == 1 else None


def displaced(ctx: Context, t: TensorFacts | None, dim: int, want: int) -> str | None:
    """`t` has another size than `want` at `dim` but `want` at another (not the first, the batch) dimension,
    and an axis operation made it: its dimensions are in another order, not of another size."""
    if t is None or not t.shape or not -len(t.shape) <= dim < len(t.shape):
        return None
    k = dim % len(t.shape)
    if t.shape[k] == want or not any(s == want for i, s in enumerate(t.shape) if i not in (0, k)):
        return None
    return reordered_by(ctx, t) or _made_by(ctx, t, lambda v: _conv_of_moved(ctx, v))


def features_first(ctx: Context, t: TensorFacts | None, want: int) -> str | None:
    """`t` is (batch, `want`, steps) with something else than `want` last, and a Dataset stacked `want` series
    along the first axis of each example (`stacked_first`): the features sit before the steps."""
    if t is None or len(t.shape) != 3 or t.shape[1] != want or t.shape[2] == want:
        return None
    return stacked_first(ctx, want)


_STACKS = {"np.stack", "numpy.stack", "torch.stack", "np.array", "numpy.array", "torch.tensor"}


def stacked_first(ctx: Context, count: int) -> str | None:
    """The text of a stack in a Dataset's `__getitem__` of the user's files that puts `count` per-feature
    series along the first axis of each example (`np.stack([self.axes[a][i] for a in AXES])`, no `axis=`):
    each example comes out (features, steps), so a batch is (batch, features, steps), and a layer that reads
    the features from the last dimension gets the steps."""
    from .classes import user_files
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for fn in src.nodes(tree, ast.FunctionDef) if tree is not None else ():
            if fn.name != "__getitem__":
                continue
            for call in src.calls(fn):
                if src.call_name(call) not in _STACKS or len(call.args) != 1 or call.keywords:
                    continue
                items = call.args[0]
                n = _item_count(tree, items)
                if n == count or (n is None and _counted_elsewhere(ctx, items)):
                    return " ".join(src.segment(file, call).split())
    return None


def _counted_elsewhere(ctx: Context, items: ast.AST) -> bool:
    """A comprehension over `X.channels` (or `CHANNELS`) whose length the user's files also take, `len(cfg.channels)`
    (a layer sized by it): the stacked axis has one entry per item of the same collection."""
    if not isinstance(items, (ast.ListComp, ast.GeneratorExp)) or len(items.generators) != 1:
        return False
    it = items.generators[0].iter
    tail = it.attr if isinstance(it, ast.Attribute) else it.id if isinstance(it, ast.Name) else None
    if tail is None:
        return False
    from .classes import user_files
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for c in src.calls(tree) if tree is not None else ():
            arg = c.args[0] if src.call_name(c) == "len" and len(c.args) == 1 else None
            if isinstance(arg, (ast.Attribute, ast.Name)) and (arg.attr if isinstance(arg, ast.Attribute)
                                                               else arg.id) == tail:
                return True
    return False


def _item_count(tree: ast.Module, node: ast.AST) -> int | None:
    """How many items a list display has, or a comprehension over a module-level list or tuple display (or
    over `range(n)` with a constant n)."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return None if any(isinstance(e, ast.Starred) for e in node.elts) else len(node.elts)
    if not isinstance(node, (ast.ListComp, ast.GeneratorExp)) or len(node.generators) != 1:
        return None
    it = node.generators[0].iter
    if isinstance(it, ast.Call) and src.call_name(it) == "range" and len(it.args) == 1 and \
            isinstance(it.args[0], ast.Constant) and type(it.args[0].value) is int:
        return it.args[0].value
    if isinstance(it, ast.Name):
        made = [n for n in tree.body if isinstance(n, ast.Assign) and len(n.targets) == 1
                and isinstance(n.targets[0], ast.Name) and n.targets[0].id == it.id]
        if len(made) == 1 and isinstance(made[0].value, (ast.List, ast.Tuple)):
            return _item_count(tree, made[0].value)
    return None


_CONVS = ("Conv1d", "Conv2d", "Conv3d")


def _conv_of_moved(ctx: Context, node: ast.AST) -> ast.AST | None:
    """`self.encoder(x.permute(0, 2, 1))` where `self.encoder` is built from convolutions: the input was moved
    channels-first for them, so their output is channels-first too, and moving it back was left out."""
    if not (isinstance(node, ast.Call) and len(node.args) == 1 and _reorder(_kept(node.args[0])) is not None):
        return None
    name = ast.unparse(node.func)
    if any(m.expr == name and m.cls in _CONVS for fr in ctx.user_frames() for m in fr.modules):
        return node
    attr = node.func.attr if isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) == "self" else None
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()) if attr else ():
        tree = src.tree_of(file)
        for a in src.nodes(tree, ast.Assign) if tree is not None else ():
            if any(ast.unparse(t) == name for t in a.targets) and any(
                    src.call_name(c).split(".")[-1] in _CONVS for c in src.calls(a.value)):
                return node
    return None


def _made_by(ctx: Context, t: TensorFacts | None, test) -> str | None:
    if t is None:
        return None
    from ..provenance import trace
    for step in trace(ctx, t)[:_STEPS]:
        if step.source.startswith("for "):
            break  # the data came from a loop: what made it is not a step of this batch's layout
        try:
            stmt = ast.parse(step.source).body[0]
        except (SyntaxError, IndexError):  # a long statement shown shortened: read it from the file
            tree = src.tree_of(step.file)
            stmt = src.statement_at(tree, step.line) if tree is not None else None
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Return)) else None
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Tuple) and isinstance(value, ast.Tuple) \
                and len(stmt.targets[0].elts) == len(value.elts):  # `x, y = x.squeeze(), y.squeeze()`: x's part
            value = next((v for k, v in zip(stmt.targets[0].elts, value.elts)
                          if isinstance(k, ast.Name) and k.id == t.expr), None)
        if value is None:
            continue
        op = test(_kept(value))
        if op is not None:
            return " ".join(ast.unparse(op).split())
    for value in _forward_values(ctx, t):  # `logits = model(x)`: what the model's forward returned
        op = test(_kept(value))
        if op is not None:
            return " ".join(ast.unparse(op).split())
    return None


def _forward_values(ctx: Context, t: TensorFacts) -> list[ast.AST]:
    """For `t` assigned the output of the user's own module (`logits = model(x)`), the value its class's
    `forward` returns and what the names in it were assigned there, a few steps back."""
    from .own_forward import own_forward
    own = own_forward(ctx, t)
    if own is None:
        return []
    tree, forward = own.tree, own.forward
    out, todo = [own.returned], list(src.names_in(own.returned))
    for _ in range(_STEPS):
        if not todo:
            break
        name = todo.pop(0)
        for a in src.assignments(tree, name, forward)[-1:]:
            out.append(a.value)
            todo += [n for n in src.names_in(a.value) if n != name]
    return out


def _kept(node: ast.AST) -> ast.AST:
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _KEEPS:
        node = node.func.value
    return node


def _reorder(node: ast.AST) -> ast.AST | None:
    if isinstance(node, ast.Attribute) and node.attr in ("T", "mT"):
        return node
    if isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] in _REORDERS:
        return node
    return None


_REDUCERS = {"sum", "mean", "max", "min", "amax", "amin", "norm", "prod", "logsumexp", "std", "var"}


def _keepdim(node: ast.AST) -> ast.AST | None:
    """The reduction with `keepdim=True` inside `node` (`(h * w).sum(dim=1, keepdim=True) / n`)."""
    for n in ast.walk(node):
        if (isinstance(n, ast.Call) and src.call_name(n).split(".")[-1] in _REDUCERS and any(
                k.arg == "keepdim" and isinstance(k.value, ast.Constant) and k.value.value is True for k in n.keywords)):
            return n
    return None


def _squeeze_all(node: ast.AST) -> ast.AST | None:
    if not isinstance(node, ast.Call) or node.keywords or src.call_name(node).split(".")[-1] != "squeeze":
        return None
    method = isinstance(node.func, ast.Attribute) and not (
        isinstance(node.func.value, ast.Name) and node.func.value.id in ("torch", "np", "numpy"))
    return node if len(node.args) == (0 if method else 1) else None


_JOINS = {"cat", "concat", "concatenate", "hstack", "column_stack"}


def examples_joined_along_sequence(ctx: Context, t: TensorFacts | None, first: bool = False) -> str | None:
    """The join that made `t` (`torch.cat([s["input_ids"] for s in samples], dim=-1)`), found among the first
    steps of its provenance, when it joins the examples of a batch (a comprehension over them) along their last
    dimension, the comprehension walking the function's last parameter (the examples a collate function is
    given): they were put end to end, one long row, instead of one row each.  With `first`, a `cat` along
    their first dimension (the default): the examples' rows piled up, with no batch dimension of their own
    (`stack` was meant)."""
    def along_sequence(node: ast.AST) -> ast.AST | None:
        if not (isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] in _JOINS and node.args
                and isinstance(node.args[0], (ast.ListComp, ast.GeneratorExp))):
            return None
        if src.call_name(node).split(".")[-1] in ("hstack", "column_stack"):
            return None if first else node
        dim = next((k.value for k in node.keywords if k.arg in ("dim", "axis")), None) or (
            node.args[1] if len(node.args) > 1 else None)
        value = dim.value if isinstance(dim, ast.Constant) else -dim.operand.value if isinstance(
            dim, ast.UnaryOp) and isinstance(dim.op, ast.USub) and isinstance(dim.operand, ast.Constant) else None
        if first:
            return node if dim is None or value == 0 else None
        rank = len(t.shape) if t is not None else 0
        return node if type(value) is int and rank >= 2 and value % rank == rank - 1 else None

    from ..provenance import trace
    from .collators import collate_def

    def of_examples(tree: ast.Module, stmt: ast.AST | None) -> str | None:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Return)) else None
        hit = next((n for n in ast.walk(value) if along_sequence(n) is not None), None) if value is not None else None
        fn = src.enclosing_scope(tree, hit.lineno) if hit is not None else None
        over = hit.args[0].generators[0].iter if hit is not None else None
        if not (isinstance(fn, ast.FunctionDef) and fn.args.args and isinstance(over, ast.Name)
                and over.id == fn.args.args[-1].arg):
            return None  # only the examples a collate function is given: joined, not one long text
        return " ".join(ast.unparse(hit).split())

    steps = trace(ctx, t)[:_STEPS] if t is not None else []
    for step in steps:  # through the loader to its collate function
        tree = src.tree_of(step.file)
        found = of_examples(tree, src.statement_at(tree, step.line)) if tree is not None else None
        if found:
            return found
    if (steps and not first) or t is None:
        return None
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):  # a batch spread into a call (`**batch`),
        # or one a library loop took from the loader (its collate function is not among the steps)
        tree = src.tree_of(file)
        for call in (c for c in src.calls(tree) if src.call_name(c).endswith("DataLoader")) if tree else ():
            fn = collate_def(tree, call)
            for stmt in src.statements(fn, nested=True) if fn is not None else ():
                found = of_examples(tree, stmt)
                if found:
                    return found
    return None
