"""An index a callback was given when it was registered: `partial(self._after_block, layer_idx)` handed to
`register_forward_hook` inside `for layer_idx, block in enumerate(backbone.encoder.layer)`, and the callback
reads `self.adapters[slot]`, a list with fewer items than the loop walked.  The index numbers the items of the
loop that registered the callbacks, not the items of the list it reads: when only some of them get a callback
(`if layer_idx % every == ...`) the two numberings differ.  Read from the user's source (the registration, the
loop around it) and the failing frame's values."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import FrameFacts
from . import Finding, fact, value_evidence

REGISTERED_INDEX = fact("registered-index", "the index `var` is the value `bound_call` (line `bound_line`) gave the "
                                            "callback when `loop_header` registered it: a number of the items of "
                                            "`registered_over`, while `tensor` holds `size` items")
REGISTERED_SOME = fact("registered-some", "only the items for which `registered_if` holds get a callback")
REGISTERED_EVERY = fact("registered-every", "the items that get a callback are every k-th (`registered_if`): the "
                                            "callback's place among them is `position`")
_PARTIALS = ("partial", "functools.partial")


def _every(test: ast.AST, var: str) -> tuple[str, int | None] | None:
    """`var % k == r` with r plainly below k (a literal below a literal k, `k - 1`, 0): the items kept are r, r + k,
    r + 2k, ..., so an item's place among them is `var // k`.  (k's text, k's value when it is a literal.)"""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return None
    left, r = test.left, test.comparators[0]
    if not (isinstance(left, ast.BinOp) and isinstance(left.op, ast.Mod) and isinstance(left.left, ast.Name)
            and left.left.id == var):
        return None
    k = left.right
    value = k.value if isinstance(k, ast.Constant) and type(k.value) is int and k.value > 0 else None
    below = (isinstance(r, ast.Constant) and type(r.value) is int and 0 <= r.value and (value is None or r.value < value)
             and (value is not None or r.value == 0)) or (
        isinstance(r, ast.BinOp) and isinstance(r.op, ast.Sub) and ast.unparse(r.left) == ast.unparse(k)
        and isinstance(r.right, ast.Constant) and type(r.right.value) is int and r.right.value >= 1)
    return (ast.unparse(k), value) if below else None



def registered_index(ctx: Context, frame: FrameFacts, node: ast.Subscript, index: int, size: int) -> Finding | None:
    """The finding when `node` (`self.adapters[slot]`, in the failing frame) reads its list with a parameter of its
    function that a `functools.partial(...)` bound to a loop variable of the user's code."""
    tree = src.tree_of(frame.file)
    if tree is None or not isinstance(node.slice, ast.Name):
        return None
    fn = next((n for n in reversed(src.path_to(tree, frame.line)) if isinstance(n, ast.FunctionDef)), None)
    if fn is None:
        return None
    params = [a.arg for a in fn.args.args]
    params = params[1:] if params[:1] == ["self"] else params
    if node.slice.id not in params:
        return None
    at = params.index(node.slice.id)
    for call in src.calls(tree):
        if src.call_name(call) not in _PARTIALS or not call.args or len(call.args) <= at + 1:
            continue
        target = call.args[0]
        if not (isinstance(target, ast.Attribute) and target.attr == fn.name
                or isinstance(target, ast.Name) and target.id == fn.name):
            continue
        given = call.args[at + 1]
        if not isinstance(given, ast.Name):
            continue
        loop = next((lp for lp in src.enclosing_loops(tree, call.lineno) if given.id in src.names_in(lp.target)), None)
        if loop is None:
            return None
        walked = loop.iter
        if isinstance(walked, ast.Call) and src.call_name(walked) == "enumerate" and walked.args:
            walked = walked.args[0]
        f = Finding(confidence="medium")
        f.facts.add(REGISTERED_INDEX)
        header = " ".join(src.segment(frame.file, loop).splitlines()[0].split()).rstrip(":")
        f.values.update(var=node.slice.id, index=index, size=size, dim=0, tensor=ast.unparse(node.value),
                        index_expr=ast.unparse(node), loop_header=header, loop_line=loop.lineno,
                        bound_call=" ".join(src.segment(frame.file, call).split()), bound_line=call.lineno,
                        loop_var=given.id, registered_over=ast.unparse(walked))
        guard = next((n for n in src.path_to(tree, call.lineno) if isinstance(n, ast.If)
                      and src.contains(loop, n.lineno)), None)
        if guard is not None:
            f.facts.add(REGISTERED_SOME)
            f.values["registered_if"] = ast.unparse(guard.test)
            every = _every(guard.test, given.id)
            if every is not None and (every[1] is None or index // every[1] < size):  # `i % k == r`: places `i // k`
                f.facts.add(REGISTERED_EVERY)
                position = f"{given.id} // {every[0]}"
                f.values["position"] = position
                f.hints["registered_position"] = (frame.file, src.statement_at(tree, call.lineno), given, position)
        f.evidence.append(value_evidence(node.slice.id, index))
        f.evidence.append(value_evidence(f"len({ast.unparse(node.value)})", size))
        return f
    return None
