"""Culprit by consistency: when two tensors of one batch disagree on a length, the one to blame is the one
that disagrees with the rest of its batch, not the one whose role sounds guilty.

- `operand_shape`: the shape of an operand expression of the failing line, computed from its base tensor
  through the shape changes torch code makes on the way (`unsqueeze`, `[:, None, :]`, casts, `expand`,
  `sum(d)`), so that the size at the message's dimension is read where it was compared (the size read
  after `mask.unsqueeze(-1)` at the last dimension is 1, not the mask's length).
- `size_at`: that size at the dimension a broadcast message names (dimensions count from the right).
- `batch_votes`: the other tensors of the same batch (same first dimension, live in the user's frames), split
  by which of two lengths they have: ids, masks, hidden states and labels made from one padded batch agree.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .. import source as src
from ..facts import Context
from ..model import FrameFacts, TensorFacts
from .maskroles import CASTS

_KEEP_SHAPE = CASTS | {"contiguous", "detach", "clone", "cpu", "cuda", "requires_grad_", "abs", "exp", "log",
                       "softmax", "log_softmax", "sigmoid", "relu", "tanh", "neg", "masked_fill", "masked_fill_"}
_REDUCE = {"sum", "mean", "max", "min", "amax", "amin", "prod", "any", "all", "argmax", "logsumexp"}


_SHAPE_KEEPING_LAYERS = frozenset({"ReLU", "GELU", "Tanh", "Sigmoid", "Dropout", "LayerNorm", "Identity", "SiLU",
                                   "LeakyReLU"})


def layer_output(frame: FrameFacts, node: ast.AST) -> tuple[int, ...] | None:
    """The shape a layer the frame holds gives for one input of known shape: `self.enc(x)` of a Linear is x's
    shape with the last size its out_features; an Embedding adds its embedding_dim; activations, dropout and
    normalisation keep it."""
    if not (isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords):
        return None
    layer = src.segment(frame.file, node.func) if hasattr(node.func, "lineno") else ast.unparse(node.func)
    module = next((m for m in frame.modules if m.expr == layer), None)
    if module is None:
        return None
    inner = operand_shape(frame, node.args[0])
    if not inner:
        return None
    out, dim = module.attrs.get("out_features"), module.attrs.get("embedding_dim")
    if module.cls == "Linear" and type(out) is int and inner[-1] == module.attrs.get("in_features"):
        return (*inner[:-1], out)
    if module.cls == "Embedding" and type(dim) is int:
        return (*inner, dim)
    return inner if module.cls in _SHAPE_KEEPING_LAYERS else None


def operand_shape(frame: FrameFacts, node: ast.AST) -> tuple[int, ...] | None:
    """The shape `node` (an expression of the frame's failing line) has, when it can be computed."""
    text = src.segment(frame.file, node) if hasattr(node, "lineno") else ast.unparse(node)
    t = frame.tensor(text) or frame.tensor(ast.unparse(node))
    if t is not None:
        return t.shape
    if isinstance(node, ast.Subscript):
        inner = operand_shape(frame, node.value)
        return _index(inner, node.slice) if inner is not None else None
    if isinstance(node, (ast.Compare, ast.BinOp)):
        left = operand_shape(frame, node.left if isinstance(node, ast.BinOp) else node.left)
        right_node = node.right if isinstance(node, ast.BinOp) else node.comparators[0]
        right = operand_shape(frame, right_node) if not isinstance(right_node, ast.Constant) else ()
        return _broadcast(left, right) if left is not None and right is not None else None
    if isinstance(node, ast.UnaryOp):
        return operand_shape(frame, node.operand)
    layered = layer_output(frame, node)
    if layered is not None:
        return layered
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    name, owner, args = node.func.attr, node.func.value, node.args
    inner = operand_shape(frame, owner)
    if inner is None:
        return None
    if name in _KEEP_SHAPE:
        return inner
    if name == "unsqueeze" and args and _const(args[0]) is not None:
        d = _const(args[0])
        d = d + len(inner) + 1 if d < 0 else d
        return inner[:d] + (1,) + inner[d:] if 0 <= d <= len(inner) else None
    if name in ("transpose", "swapaxes") and len(args) == 2 and None not in (_const(args[0]), _const(args[1])):
        a, b = (d + len(inner) if d < 0 else d for d in (_const(args[0]), _const(args[1])))
        if not (0 <= a < len(inner) and 0 <= b < len(inner)):
            return None
        out = list(inner)
        out[a], out[b] = out[b], out[a]
        return tuple(out)
    if name == "expand" and len(args) == len(inner) and len(args) > 1:  # `x.expand(-1, n, -1)`: -1 keeps a size
        sizes = [inner[i] if _const(a) == -1 else _const(a) if _const(a) is not None else _scalar(frame, a)
                 for i, a in enumerate(args)]
        return tuple(sizes) if all(type(x) is int and x >= 0 for x in sizes) else None
    if name in ("expand", "expand_as", "view_as", "reshape_as"):
        if name == "expand" and len(args) == 1 and isinstance(args[0], ast.Call):
            target = args[0]
            if isinstance(target.func, ast.Attribute) and target.func.attr == "size" and not target.args:
                return operand_shape(frame, target.func.value)
        if name == "expand" and len(args) == 1 and isinstance(args[0], ast.Attribute) and args[0].attr == "shape":
            return operand_shape(frame, args[0].value)
        if name != "expand" and args:
            return operand_shape(frame, args[0])
        return None
    if name in _REDUCE:
        dim = _const(args[0]) if args else _const(next((k.value for k in node.keywords if k.arg == "dim"), None))
        keep = any(k.arg == "keepdim" and isinstance(k.value, ast.Constant) and k.value.value for k in node.keywords)
        if dim is None:
            return None
        d = dim + len(inner) if dim < 0 else dim
        if not 0 <= d < len(inner):
            return None
        return inner[:d] + ((1,) if keep else ()) + inner[d + 1:]
    return None


def expand_source_shape(frame: FrameFacts, node: ast.AST) -> tuple[int, ...] | None:
    """For `x.expand(...)`: the shape of `x` (what an expand message calls the existing size)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "expand", "expand_as"):
        return operand_shape(frame, node.func.value)
    return None


def _scalar(frame: FrameFacts, node: ast.AST) -> int | None:
    """The int a plain name holds in the frame (`n` of `x.expand(-1, n, -1)`)."""
    value = frame.scalars.get(node.id) if isinstance(node, ast.Name) else None
    return value if type(value) is int else None


def _const(node: ast.AST | None) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and type(node.operand.value) is int:
        return -node.operand.value
    return None


def _index(shape: tuple[int, ...], s: ast.AST) -> tuple[int, ...] | None:
    parts = list(s.elts) if isinstance(s, ast.Tuple) else [s]
    out: list[int] = []
    rest = list(shape)
    if any(isinstance(p, ast.Constant) and p.value is Ellipsis for p in parts):
        i = next(i for i, p in enumerate(parts) if isinstance(p, ast.Constant) and p.value is Ellipsis)
        used = sum(1 for p in parts if not (isinstance(p, ast.Constant) and p.value in (None, Ellipsis)))
        parts[i:i + 1] = [ast.Slice()] * (len(shape) - used)
    for p in parts:
        if isinstance(p, ast.Constant) and p.value is None:
            out.append(1)
            continue
        if not rest:
            return None
        size = rest.pop(0)
        if isinstance(p, ast.Slice):
            if p.step is not None:
                return None
            lo = _const(p.lower) if p.lower is not None else 0
            hi = _const(p.upper) if p.upper is not None else size
            if lo is None or hi is None:
                return None
            lo, hi = (lo + size if lo < 0 else lo), (hi + size if hi < 0 else hi)
            out.append(max(0, min(hi, size) - max(lo, 0)))
        elif _const(p) is not None:
            continue  # an integer index drops the dimension
        else:
            return None
    return tuple(out + rest)


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            return None
        out.append(max(x, y))
    return tuple(out)


def size_at(shape: tuple[int, ...] | None, dim: int | None, ndim: int) -> int | None:
    """The size of an operand of shape `shape` at dimension `dim` of a broadcast result with `ndim`
    dimensions (operands are aligned on the right)."""
    if shape is None or dim is None:
        return None
    i = dim - (ndim - len(shape))
    return shape[i] if 0 <= i < len(shape) else None


@dataclass
class Votes:
    """Tensors of one batch (other than the two that met) that have one length or the other."""

    first: list[TensorFacts] = field(default_factory=list)
    second: list[TensorFacts] = field(default_factory=list)

    @property
    def odd_one(self) -> int | None:
        """0 when only the first tensor's length is unsupported by the batch, 1 for the second, else None."""
        if self.second and not self.first:
            return 0
        if self.first and not self.second:
            return 1
        return None


def batch_votes(ctx: Context, first: TensorFacts, first_len: int, second: TensorFacts, second_len: int,
                batch: int | None) -> Votes:
    """Split the user's other tensors of the same batch (same size `batch` in dimension 0, at least 2-D) by
    which of the two lengths they hold past dimension 0.  Each tensor counts once (by identity); module
    parameters and buffers do not count (they belong to the model, not to the batch)."""
    votes = Votes()
    seen = {first.ident, second.ident}
    # a tensor made from another with the same length is a copy of its evidence, not a second witness
    seen |= {u.ident for u in lineage(ctx, first) if first_len in u.shape[1:]}
    seen |= {u.ident for u in lineage(ctx, second) if second_len in u.shape[1:]}
    for f in ctx.user_frames():
        for t in f.tensors:
            if t.ident in seen or len(t.shape) < 2 or (batch is not None and t.shape[0] != batch):
                continue
            if _is_parameter(ctx, f, t):
                continue
            seen.add(t.ident)
            rest = t.shape[1:]
            has_first, has_second = first_len in rest, second_len in rest
            if has_first and not has_second:
                votes.first.append(t)
            elif has_second and not has_first:
                votes.second.append(t)
    return votes


def lineage(ctx: Context, t: TensorFacts, steps: int = 4, through_updates: bool = False) -> list[TensorFacts]:
    """The user's tensors `t` was computed from: the tensors read by its assignments (and by the arguments
    that filled its parameter), followed back a few steps; with `through_updates`, also past an assignment that
    updates the name from itself (`emb = self.down(emb)`) to the value it had before."""
    out: list[TensorFacts] = []
    todo: list[tuple[str, FrameFacts, int | None]] = [(t.expr, ctx.frames[t.frame], None)]
    while todo and steps > 0:
        steps -= 1
        expr, frame, before = todo.pop(0)
        found = _made(ctx, expr, frame, before)
        if found is None:
            continue
        ofr, value = found
        if through_updates and ofr is frame and expr in src.names_in(value) and hasattr(value, "lineno"):
            todo.append((expr, frame, value.lineno))  # `emb = self.down(emb)`: on to the value it had before
        for n in ast.walk(value):
            if not isinstance(n, (ast.Name, ast.Attribute, ast.Subscript)):
                continue
            text = src.segment(ofr.file, n) if hasattr(n, "lineno") else ast.unparse(n)
            u = ofr.tensor(text)
            if u is not None and u.ident != t.ident and all(u.ident != o.ident for o in out):
                out.append(u)
                todo.append((u.expr, ofr, None))
    return out


def _made(ctx: Context, name: str, frame: FrameFacts, before: int | None = None) -> tuple[FrameFacts, ast.AST] | None:
    """The value `name` held at the frame's line (or at line `before`): its last assignment before that line
    (the failing line itself has not run), or the caller's argument for a parameter."""
    if not name.isidentifier():
        return None
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    line = before or frame.line
    scope = src.enclosing_scope(tree, frame.line)
    made = [a for a in src.assignments(tree, name, scope, before=line) if a.stmt.lineno < line]
    if made:
        return frame, made[-1].value
    if name in frame.params:
        found = ctx.origin(name, frame)
        return (found[0], found[2]) if found is not None and found[2] is not None else None
    return None


def changed_from(ctx: Context, t: TensorFacts, length: int, other_length: int,
                 through_updates: bool = False) -> list[TensorFacts]:
    """Tensors `t` (of `length`) was made from that have `other_length` instead: its length changed on the way
    (a module that adds positions, a slice), so it is the one that left its batch."""
    return [u for u in lineage(ctx, t, through_updates=through_updates)
            if other_length in u.shape[1:] and length not in u.shape[1:]]


def _is_parameter(ctx: Context, f: FrameFacts, t: TensorFacts) -> bool:
    head = t.expr.split(".")[0].split("[")[0]
    return "." in t.expr and any(m.expr == head or m.expr.startswith(head + ".") for m in f.modules) and t.requires_grad


def names(tensors: list[TensorFacts], limit: int = 3) -> str:
    """`a`, `b` and `c` (at most `limit` names)."""
    shown = [f"`{t.expr}`" for t in tensors[:limit]]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1] if shown else ""
