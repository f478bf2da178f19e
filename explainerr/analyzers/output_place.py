"""Predictions that are not the model's output for this batch: the wrong element of a model's output tuple taken
as its predictions: the user's model returns
`logits, states` (its forward's one `return` of a tuple) and the caller reads `outputs[1]`.  The element taken
is not what the model's classifier head made, while another element is: the sizes disagree with the labels
because the value is the hidden states, not because the labels are too long or too short.  Or rows multiplied by
the batch size inside the model's forward (`z.unsqueeze(1).repeat(B, K, 1)` where `expand` was meant): a batch of
B labels meets B x B predictions.  Read from the user's source and the frames' modules."""
from __future__ import annotations

import ast
from types import SimpleNamespace

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from .own_forward import own_forward

_HEADS = ("Linear", "Bilinear")


def other_output_taken(ctx: Context, t: TensorFacts | None) -> str | None:
    """The text of `outputs[k]` when `t` was assigned it, `outputs` is the result of a call of the user's own
    module whose `forward` returns a tuple, the element at k is not computed by one of the model's Linear
    layers and another element is (`logits = self.queue_head(...)`)."""
    made = ctx.origin(t.expr, ctx.frames[t.frame]) if t is not None else None
    frame, value = (made[0], made[2]) if made is not None else (None, None)
    tree = src.tree_of(frame.file) if frame is not None else None
    if tree is None or not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)
                            and isinstance(value.slice, ast.Constant) and type(value.slice.value) is int):
        return None
    own = own_forward(ctx, SimpleNamespace(expr=value.value.id, frame=frame.index))
    if own is None:
        return None
    model, cls, forward, returned = ast.unparse(own.stmt.value.func), own.cls, own.forward, own.returned  # type: ignore[attr-defined]
    for _ in range(3):  # `return self.encoder(ids)`: the tuple the wrapped module's forward returns
        if not (isinstance(returned, ast.Call) and isinstance(returned.func, ast.Attribute)
                and isinstance(returned.func.value, ast.Name) and returned.func.value.id == "self"):
            break
        inner = next((m for m in frame.modules if m.expr == f"{model}.{returned.func.attr}"), None)
        found = _forward_of(tree, inner.cls) if inner is not None else None
        if found is None:
            return None
        model, (cls, forward, returned) = inner.expr, found
    if not isinstance(returned, ast.Tuple):
        return None
    items, k = returned.elts, value.slice.value
    if not -len(items) <= k < len(items):
        return None
    heads = {m.expr[len(model) + 1:] for m in frame.modules if m.cls in _HEADS and m.expr.startswith(model + ".")}
    heads |= _built_heads(cls)
    made_by_head = [_made_by_head(forward, e, heads) for e in items]
    if made_by_head[k] or not any(made_by_head):
        return None
    return " ".join(src.segment(frame.file, value).split())


def _built_heads(cls: ast.ClassDef) -> set[str]:
    """The attributes the class assigns a Linear in its own methods (`self.head = nn.Linear(h, n)`, or an
    `nn.Sequential` that ends in one)."""
    out = set()
    for n in ast.walk(cls):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and _is_head(n.value):
            out |= {t.attr for t in n.targets if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                    and t.value.id == "self"}
    return out


def _is_head(call: ast.Call) -> bool:
    name = src.call_name(call).split(".")[-1]
    if name == "Sequential" and call.args:
        last = call.args[-1]
        return isinstance(last, ast.Call) and _is_head(last)
    return name in _HEADS


def _forward_of(tree: ast.Module, cls_name: str) -> tuple[ast.ClassDef, ast.FunctionDef, ast.expr] | None:
    """The file's class `cls_name`, its `forward` and the value of its one `return`."""
    cls = next((c for c in src.nodes(tree, ast.ClassDef) if c.name == cls_name), None)
    forward = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "forward"), None) \
        if cls is not None else None
    returns = [r.value for r in ast.walk(forward) if isinstance(r, ast.Return) and r.value is not None] \
        if forward is not None else []
    return (cls, forward, returns[0]) if len(returns) == 1 else None


def _made_by_head(forward: ast.FunctionDef, item: ast.expr, heads: set[str]) -> bool:
    """`item` (a returned name, or the expression itself) is the result of calling `self.<head>` for one of the
    model's Linear layers."""
    value = item
    if isinstance(item, ast.Name):
        found = [n for n in ast.walk(forward) if isinstance(n, ast.Assign)
                 and any(isinstance(x, ast.Name) and x.id == item.id for x in n.targets)]
        value = found[-1].value if len(found) == 1 else None
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
        isinstance(value.func.value, ast.Name) and value.func.value.id == "self" and value.func.attr in heads


def batch_repeated(ctx: Context, t: TensorFacts | None, rows: int, labels: int) -> str | None:
    """The text of the `.repeat(...)` in the `forward` of the user's module that made `t` (`logits = model(x)`),
    when the predictions have `labels` x `labels` rows (`labels` > 1) and that repeat multiplies the first
    dimension by something other than 1: every example repeated once per example."""
    if labels < 2 or rows != labels * labels:
        return None
    own = own_forward(ctx, t) if t is not None else None
    if own is None:
        return None
    for call in src.calls(own.forward):
        if isinstance(call.func, ast.Attribute) and call.func.attr == "repeat" and len(call.args) >= 2 and not (
                isinstance(call.args[0], ast.Constant) and call.args[0].value == 1):
            return " ".join(ast.unparse(call).split())
    return None
