"""Predictions with k times as many rows as the batch because the user's model folded a leftover dimension
into the rows: its `forward` flattens features with `x.view(-1, K)` (or `reshape(-1, K)`) before its head,
and whatever was not pooled away (time steps after a pooling window smaller than the sequence) becomes extra
rows.  The labels, one per example of the batch the model was given, are right: this is a shape mistake inside
the model, not a label problem, and no pattern of the knowledge base explains it.  Read from the user's
source (the model's class and its `forward`) and the frames' shapes."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts


def _minus_one(node: ast.AST) -> bool:
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(
        node.operand, ast.Constant) and node.operand.value == 1


def _forward_of(ctx: Context, file: str, call: ast.Call) -> ast.FunctionDef | None:
    """`forward` of the user class of the module called (`model(x)`), found by the module's class name."""
    name = src.segment(file, call.func) or ""
    cls_name = next((m.cls for fr in ctx.user_frames() for m in fr.modules if m.expr == name), None)
    if cls_name is None:
        return None
    for f in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(f)
        cls = next((c for c in src.nodes(tree, ast.ClassDef) if c.name == cls_name), None) if tree else None
        fwd = next((m for m in cls.body if isinstance(m, ast.FunctionDef) and m.name == "forward"), None) \
            if cls is not None else None
        if fwd is not None:
            return fwd
    return None


def _folds_before_head(fwd: ast.FunctionDef) -> bool:
    """`y = x.view(-1, K)` in `forward`, then `y` given to a layer of the module (`self.fc(...)`)."""
    for a in src.statements(fwd):
        if not (isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                and isinstance(a.value, ast.Call) and isinstance(a.value.func, ast.Attribute)
                and a.value.func.attr in ("view", "reshape") and len(a.value.args) == 2
                and _minus_one(a.value.args[0]) and not _minus_one(a.value.args[1])):
            continue
        folded = a.targets[0].id
        for n in ast.walk(fwd):
            if (isinstance(n, ast.Call) and getattr(n, "lineno", 0) > a.lineno and isinstance(n.func, ast.Attribute)
                    and isinstance(n.func.value, ast.Name) and n.func.value.id == "self"
                    and any(isinstance(x, ast.Name) and x.id == folded for arg in n.args for x in ast.walk(arg))):
                return True
    return False


def folded_by_model(ctx: Context, logits: TensorFacts | None, labels: TensorFacts | None, a: int, b: int) -> bool:
    """True when there are k > 1 times as many predictions as labels, the labels have one entry per example
    of the tensor the user's model was called with, and that model's `forward` folds its features with
    `view(-1, K)` before its head."""
    if logits is None or labels is None or len(labels.shape) != 1 or b <= 0 or a <= b or a % b:
        return False
    frame = ctx.frames[logits.frame]
    if frame.library or not logits.expr.isidentifier():
        return False
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, logits.expr, frame.line) if tree is not None else None
    call = made.value if made is not None else None
    if not isinstance(call, ast.Call) or not call.args:
        return False
    given = frame.tensor(src.segment(frame.file, call.args[0]) or "")
    if given is None or not given.shape or given.shape[0] != b:
        return False
    fwd = _forward_of(ctx, frame.file, call)
    return fwd is not None and _folds_before_head(fwd)
