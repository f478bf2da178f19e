"""The user's own module behind a value: for `logits = model(x)` (or `a, b = self.model(x)`) where `model` is an
instance of a class of the user's file, that class, its `forward` and the one value `forward` returns.  Read from
source and the frame's modules only."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from ..model import TensorFacts


@dataclass
class OwnForward:
    tree: ast.Module
    stmt: ast.stmt           # `logits = model(x)`
    cls: ast.ClassDef
    forward: ast.FunctionDef
    returned: ast.expr       # what `forward` returns


def own_forward(ctx: Context, t: TensorFacts | None) -> OwnForward | None:
    if t is None or not t.expr.isidentifier():
        return None
    frame = ctx.frames[t.frame]
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, t.expr, frame.line) if tree is not None else None
    if tree is None or made is None or not isinstance(made.value, ast.Call):
        return None
    module = next((m for m in frame.modules if m.expr == ast.unparse(made.value.func)), None)
    cls = next((c for c in src.nodes(tree, ast.ClassDef) if module is not None and c.name == module.cls), None)
    forward = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "forward"), None) \
        if cls is not None else None
    returns = [r.value for r in ast.walk(forward) if isinstance(r, ast.Return) and r.value is not None] \
        if forward is not None else []
    if cls is None or forward is None or len(returns) != 1:
        return None
    return OwnForward(tree=tree, stmt=made.stmt, cls=cls, forward=forward, returned=returns[0])


def assigned_once(fn: ast.FunctionDef, name: str) -> ast.expr | None:
    """The value of the one assignment to `name` in `fn` (nested blocks included); None when there are more."""
    found = [s.value for s in src.statements(fn, nested=True) if isinstance(s, ast.Assign) and len(s.targets) == 1
             and isinstance(s.targets[0], ast.Name) and s.targets[0].id == name]
    return found[0] if len(found) == 1 else None
