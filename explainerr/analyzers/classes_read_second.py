"""Logits laid out (batch, sequence, classes) by the user's own model while the rest of the script reads its
output with the classes at dimension 1 (`model(x).argmax(dim=1)`, `preds = scores.argmax(1)` of `scores =
model(x)`, a helper given the output that does so): then the output's layout is what disagrees with the
script, not the one loss call, and `forward`'s return moves the classes to dimension 1 for all of them at once.
When any line reads the output with the classes last (`argmax(-1)`, a `view`/`reshape` of it), the facts do
not decide and nothing is found."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import fact

CLASSES_READ_SECOND = fact("classes-read-second", "another line reads the classes of `model_cls`'s output at "
                                                  "dimension 1 (`reader`, line `reader_line`)")

_READS = ("argmax", "max", "softmax", "log_softmax", "argmin", "topk")
_FLATTENS = ("view", "reshape", "flatten", "permute", "transpose")


@dataclass
class ReadSecond:
    model_cls: str
    file: str
    returns: list[ast.Return]
    reader: ast.Call


def _dim(call: ast.Call, first: int = 0) -> object:
    node = call.args[first] if len(call.args) > first else getattr(src.keyword(call, "dim"), "value", None)
    try:
        return ast.literal_eval(node) if node is not None else None
    except ValueError:
        return "?"


def _made_by(tree: ast.Module, maker: str) -> tuple[set[str], set[tuple[str, int]]]:
    """The names assigned straight from a call of `maker` (`scores = model(x)`), and the (function, position)
    parameters that calls of user functions give those names to (`accuracy(scores, y)`)."""
    names = {t.id for n in src.nodes(tree, ast.Assign) if isinstance(n.value, ast.Call)
             and ast.unparse(n.value.func) == maker for t in n.targets if isinstance(t, ast.Name)}
    params: set[tuple[str, int]] = set()
    for c in src.calls(tree):
        for i, a in enumerate(c.args):
            if isinstance(a, ast.Name) and a.id in names or isinstance(a, ast.Call) and ast.unparse(a.func) == maker:
                params.add((src.call_name(c).rpartition(".")[2], i))
    return names, params


def _readers(tree: ast.Module, maker: str) -> tuple[list[ast.Call], list[ast.Call]]:
    """(reads of the model's output with the classes at dimension 1, reads that take them elsewhere)."""
    names, params = _made_by(tree, maker)
    for fn in src.nodes(tree, ast.FunctionDef):
        args = [a.arg for a in fn.args.args]
        names |= {args[i] for name, i in params if name == fn.name and i < len(args)}
    second, other = [], []
    for c in src.calls(tree):
        if not isinstance(c.func, ast.Attribute):
            continue
        recv, method = c.func.value, c.func.attr
        ours = (isinstance(recv, ast.Name) and recv.id in names) or (
            isinstance(recv, ast.Call) and ast.unparse(recv.func) == maker)
        if not ours:
            continue
        if method in _READS:
            (second if _dim(c) == 1 else other).append(c)
        elif method in _FLATTENS:
            other.append(c)
    return second, other


def classes_read_second(ctx: Context, logits_name: str | None) -> ReadSecond | None:
    """The user's model class whose output `logits_name` is, when other lines read that output with the
    classes at dimension 1 and none reads it otherwise, with `forward`'s return statements."""
    if not logits_name or not logits_name.isidentifier():
        return None
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        made = src.last_assignment(tree, logits_name, fr.line) if tree is not None else None
        if made is None or not isinstance(made.value, ast.Call):
            continue
        maker = ast.unparse(made.value.func)
        module = next((m for m in fr.modules if m.expr == maker), None)
        cls = next((n for n in src.nodes(tree, ast.ClassDef) if module is not None and n.name == module.cls), None)
        forward = next((n for n in (cls.body if cls else []) if isinstance(n, ast.FunctionDef)
                        and n.name == "forward"), None)
        if forward is None:
            return None
        returns = [r for r in ast.walk(forward) if isinstance(r, ast.Return) and r.value is not None]
        if not returns or any(isinstance(r.value, (ast.Tuple, ast.Dict)) for r in returns):
            return None
        second, other = _readers(tree, maker)
        if not second or other:
            return None
        return ReadSecond(cls.name, fr.file, returns, second[0])
    return None
