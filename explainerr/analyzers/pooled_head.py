"""A per-position head fed a pooled value: the user's model computes the predictions that meet (batch,
positions) labels with a layer applied to one vector per example (`feats = h_n[-1]`, `out[:, 0]`,
`outputs.pooler_output`, `hidden.mean(dim=1)`), while the per-position tensor it was pooled from (`out` of
`out, h_n = self.rnn(x)`, `outputs.last_hidden_state`) is at hand in the same `forward`.  The head gets the
per-position tensor instead.  Read from the source of the model's class (found through the module the user's
frame called) and the frames' shapes only.
"""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

POOLED_HEAD = fact("pooled-head", "the predictions come from `head` applied to `pooled` = `pooled_made` in "
                                  "`cls`.forward, one vector per example, while `per_position` holds every position")
#: Reductions over the positions that make one vector per example.
_POOLS = {"mean", "sum", "max", "amax", "logsumexp"}


def pooled_head(ctx: Context, logits: TensorFacts | None) -> Finding | None:
    if logits is None or len(logits.shape) != 2 or not logits.expr.isidentifier():
        return None
    from .own_forward import assigned_once, own_forward
    own = own_forward(ctx, logits)
    frame = ctx.frames[logits.frame]
    if own is not None:
        tree, forward, cls = own.tree, own.forward, own.cls
        place = _place(own.stmt, logits.expr)
        value = own.returned
    else:  # the loss is computed in the model's own `forward`, where the predictions are made
        tree = src.tree_of(frame.file)
        cls = src.enclosing_class(tree, frame.line) if tree is not None and frame.function == "forward" else None
        forward = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "forward"), None) \
            if cls is not None else None
        value = assigned_once(forward, logits.expr) if forward is not None else None
        place = None
        if value is None:
            return None
    if place is not None:
        if not isinstance(value, ast.Tuple) or place >= len(value.elts):
            return None
        value = value.elts[place]
    if isinstance(value, ast.Name):
        value = assigned_once(forward, value.id)
    head = value if _self_call(value) else None
    if head is None or len(head.args) != 1:
        return None
    inner = head.args[0]
    while _self_call(inner) and len(inner.args) == 1:  # `self.region_head(self.dropout(feats))`
        inner = inner.args[0]
    if not isinstance(inner, ast.Name):
        return None
    pooled = assigned_once(forward, inner.id)
    wrapped = _self_call(pooled)
    while _self_call(pooled) and len(pooled.args) == 1:  # `hidden = self.dropout(out[1])`: edited there
        pooled = pooled.args[0]
    per_position = _pooled_from(forward, pooled) if pooled is not None else None
    if per_position is None:
        return None
    f = Finding(facts={POOLED_HEAD})
    f.values.update(head=ast.unparse(head.func), pooled=inner.id, pooled_made=ast.unparse(pooled),
                    per_position=per_position, cls=cls.name, forward_line=forward.lineno)
    at, node = (pooled, pooled) if wrapped else (head, inner)
    stmt = src.statement_at(tree, at.lineno)
    if stmt is not None:
        f.hints["pooled_head"] = (frame.file, stmt, node, per_position)
    return f


def _place(stmt: ast.stmt, name: str) -> int | None:
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
    if isinstance(target, ast.Tuple):
        names = [e.id if isinstance(e, ast.Name) else None for e in target.elts]
        return names.index(name) if name in names else None
    return None


def _self_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "self")


def _pooled_from(fn: ast.FunctionDef, value: ast.AST) -> str | None:
    """The per-position tensor `value` pools, in the user's words: `out` for `h_n[-1]` (of `out, h_n =
    self.rnn(x)`), `out[:, 0]`, `out.mean(dim=1)`; `outputs.last_hidden_state` for `outputs.pooler_output` (`outputs[0]` for
    `outputs[1]`)."""
    if isinstance(value, ast.Attribute) and value.attr == "pooler_output":
        return f"{ast.unparse(value.value)}.last_hidden_state"
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name):
        base = value.value.id
        if isinstance(value.slice, ast.Tuple) and len(value.slice.elts) == 2 and isinstance(
                value.slice.elts[0], ast.Slice) and isinstance(value.slice.elts[1], (ast.Constant, ast.UnaryOp)):
            return base  # `out[:, 0]`, `out[:, -1]`: one position of every row
        if isinstance(value.slice, ast.Constant) and value.slice.value == 1 and _tuple_outputs(fn, base):
            return f"{base}[0]"  # `outputs[1]` of a model called with `return_dict=False`: its pooled output
        return _rnn_output_beside(fn, base)  # `h_n[-1]`: the final state of each example
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _POOLS
            and isinstance(value.func.value, ast.Name)):
        dim = next((k.value for k in value.keywords if k.arg == "dim"), value.args[0] if value.args else None)
        if isinstance(dim, ast.Constant) and dim.value == 1:
            return value.func.value.id
    return None


def _tuple_outputs(fn: ast.FunctionDef, name: str) -> bool:
    """`name = self.<encoder>(...)` without `return_dict=True`: a transformers model's outputs (a tuple, or a
    ModelOutput indexed by position) hold the hidden states of every position first and the pooled output
    second; a recurrent layer's, its outputs at every step first and its final state second."""
    from .own_forward import assigned_once
    value = assigned_once(fn, name)
    if not (isinstance(value, ast.Call) and _self_call(value)):
        return False
    kw = src.keyword(value, "return_dict")
    return kw is None or (isinstance(kw.value, ast.Constant) and kw.value.value is False)


def _rnn_output_beside(fn: ast.FunctionDef, state: str) -> str | None:
    """`out` when `fn` unpacks `out, state = self.<layer>(...)` (a recurrent layer's outputs and final state)."""
    for s in src.statements(fn, nested=True):
        if (isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Tuple)
                and len(s.targets[0].elts) == 2 and _self_call(s.value)):
            first, second = s.targets[0].elts
            if isinstance(first, ast.Name) and isinstance(second, ast.Name) and second.id == state:
                return first.id
            if isinstance(first, ast.Name) and isinstance(second, ast.Tuple) and any(
                    isinstance(e, ast.Name) and e.id == state for e in second.elts):  # `out, (h, c) = self.lstm(x)`
                return first.id
    return None
