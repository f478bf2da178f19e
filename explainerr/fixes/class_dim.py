"""Fixes for class scores laid out in the wrong dimension for the loss: (batch, sequence, classes) logits
flattened with their labels where the loss is called, or the classes moved to dimension 1."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..facts import Context
from . import Located, edits_of, failing_statement, find_expr, locator, loss_frame
from .checks import bound_names


PER_TOKEN_LOSS = fact("per-token-loss", "the loss is called with reduction='none': its result keeps the labels' "
                                        "(batch, sequence) shape for the lines after it, so the fix moves the classes "
                                        "to dimension 1 instead of flattening")


@locator("class-dim")
def class_dim(ctx: Context, f: Finding) -> Located:
    """Flatten (batch, sequence, classes) logits and (batch, sequence) labels where the loss is called:
    `logits.reshape(-1, <classes>)`, `labels.reshape(-1)` (not `view`: a slice, a transpose or an argument
    the caller sliced is not contiguous, and `view` refuses it); the number of classes named as the user's
    code names it, else `logits.size(-1)`."""
    logits, labels = f.hints.get("logits"), f.hints.get("labels")
    if logits is None:
        return [], None
    read = f.hints.get("read_second")
    if read is not None:  # `return self.head(h)` → `return self.head(h).transpose(1, 2)` in the model's forward
        edits = []
        for r in read.returns:
            text = src.segment(read.file, r.value)
            simple = isinstance(r.value, (ast.Name, ast.Attribute, ast.Call, ast.Subscript))
            edits += edits_of(src.LineEditor.for_node(read.file, r).replace(
                r.value, f"{text if simple else f'({text})'}.transpose(1, 2)"))
        return edits, None
    fr = loss_frame(ctx, logits.expr)
    found = failing_statement(fr) if fr else None
    if fr is None or found is None:
        return [], None
    at_caller = _flatten_at_caller(ctx, fr, logits.expr, labels.expr if labels is not None else None,
                                   f.values.get("classes_expr"))
    if at_caller:
        return at_caller, None
    stmt = found[1]
    given = [a for c in src.calls(stmt) for a in c.args if find_expr(fr.file, a, logits.expr) is a]
    node = given[0] if given else find_expr(fr.file, stmt, logits.expr)  # the loss's argument, not a copy beside it
    target = find_expr(fr.file, stmt, labels.expr) if labels is not None else None
    if node is None:
        return [], None
    e = src.LineEditor.for_node(fr.file, stmt)
    written = src.segment(fr.file, node)  # as the user spells it (`out.logits` for `out["logits"]`)
    call = next((c for c in src.calls(stmt) if any(a is node for a in c.args)), None)
    reduction = src.keyword(call, "reduction") if call is not None else None
    per_token = reduction is not None and isinstance(reduction.value, ast.Constant) and reduction.value.value == "none"
    if per_token:  # one loss per token, used as (batch, sequence) after the call: the classes moved, not flattened
        f.facts.add(PER_TOKEN_LOSS)
    if target is None or per_token:
        return edits_of(e.replace(node, f"{written}.transpose(1, 2)")), None
    classes = f.values.get("classes_expr")
    if not classes or classes.split(".")[0] not in (bound_names(fr.file, fr.line) or set()):
        classes = f"{written}.size(-1)"
    e.replace(node, f"{written}.reshape(-1, {classes})")
    e.replace(target, f"{src.segment(fr.file, target)}.reshape(-1)")
    return edits_of(e) + _same_loss_flattened(fr, stmt, node), None


def _same_loss_flattened(fr, stmt: ast.stmt, node: ast.AST) -> list:
    """The other calls of the failing loss callable (`self.loss_fn(scores, y)` in `evaluate` beside the failing
    one in `fit`), in the same class (or file), whose predictions are made by the same call as the failing
    one's (`scores = self.net(x)`): they get the same (batch, sequence, classes) logits and would raise next,
    so they are flattened too."""
    tree = src.tree_of(fr.file)
    call = next((c for c in src.calls(stmt) if any(a is node for a in c.args)), None)
    if tree is None or call is None or not isinstance(node, ast.Name) or len(call.args) < 2:
        return []
    made = src.last_assignment(tree, node.id, fr.line)
    if made is None or not isinstance(made.value, ast.Call):
        return []
    callee, maker = src.segment(fr.file, call.func), src.segment(fr.file, made.value.func)
    owner = src.enclosing_class(tree, fr.line) or tree
    out = []
    for other in src.calls(owner):
        if other is call or src.segment(fr.file, other.func) != callee or len(other.args) < 2 \
                or not all(isinstance(a, ast.Name) for a in other.args[:2]):
            continue
        pred, gold = other.args[0].id, other.args[1].id  # type: ignore[attr-defined]
        theirs = src.last_assignment(tree, pred, other.lineno)
        there = src.statement_at(tree, other.lineno)
        if theirs is None or there is None or not isinstance(theirs.value, ast.Call) \
                or src.segment(fr.file, theirs.value.func) != maker:
            continue
        e = src.LineEditor.for_node(fr.file, there)
        e.replace(other.args[0], f"{pred}.reshape(-1, {pred}.size(-1))")
        e.replace(other.args[1], f"{gold}.reshape(-1)")
        out += edits_of(e)
    return out


def _flatten_at_caller(ctx: Context, fr, logits: str, labels: str | None, classes: str | None) -> list:
    """Both operands are parameters of the user's loss helper (`focal_loss(logits, targets)`): flattened where
    the helper is called, so that the helper's other lines keep one shape for all they compute."""
    if labels is None or logits not in fr.params or labels not in fr.params or fr.function == "forward":
        return []
    if _called_again_read_once(fr, logits, labels):
        return []  # the helper only hands them to the loss, and other places call it: flattened inside it, once
    if _read_with_other_params(fr, logits, labels):
        return []  # the helper's other lines pair them with its other arguments, which keep their shape: inside
    caller = ctx._caller(fr)
    args = {a.param: a.text for a in caller.call_args} if caller is not None else {}
    found = failing_statement(caller) if caller is not None else None
    if found is None or logits not in args or labels not in args:
        return []
    stmt = found[1]
    node, target = find_expr(caller.file, stmt, args[logits]), find_expr(caller.file, stmt, args[labels])
    if node is None or target is None:
        return []
    wrap = (lambda t: t) if all(c.isalnum() or c in "_.[]\"'" for c in args[logits]) else (lambda t: f"({t})")
    written, gold = src.segment(caller.file, node), src.segment(caller.file, target)  # as the user spells them
    if not classes or classes.split(".")[0] not in (bound_names(caller.file, caller.line) or set()):
        classes = f"{wrap(written)}.size(-1)"
    e = src.LineEditor.for_node(caller.file, stmt)
    e.replace(node, f"{wrap(written)}.reshape(-1, {classes})")
    e.replace(target, f"{wrap(gold)}.reshape(-1)")
    return edits_of(e)


def _called_again_read_once(fr, *params: str) -> bool:
    """The function of frame `fr` is called from more than one place in its file, and reads each of `params`
    in its failing statement only (`return F.cross_entropy(logits, labels, weight=w)`)."""
    tree = src.tree_of(fr.file)
    fn = src.enclosing_scope(tree, fr.line) if tree is not None else None
    found = failing_statement(fr)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or found is None or len(src.callers_of(tree, fn)) < 2:
        return False
    stmt = found[1]
    return all(all(src.contains(stmt, n.lineno) for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == p
                   and isinstance(n.ctx, ast.Load)) for p in params)


def _read_with_other_params(fr, *params: str) -> bool:
    """A statement of the function of frame `fr` other than the failing one reads one of `params` (or a name
    made from one, `pos = labels > 0`) together with another of its parameters (`box_out[pos]`): flattening
    `params` where the function is called would leave that other argument in the old shape."""
    tree = src.tree_of(fr.file)
    fn = src.enclosing_scope(tree, fr.line) if tree is not None else None
    found = failing_statement(fr)
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or found is None:
        return False
    failing = found[1]
    others = {a.arg for a in fn.args.args + fn.args.kwonlyargs} - set(params) - {"self", "cls"}
    derived = set(params)
    for stmt in (n for n in ast.walk(fn) if isinstance(n, ast.stmt) and n is not fn and n is not failing
                 and not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For,
                                        ast.While, ast.With, ast.Try))):
        read = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if read & derived and read & others:
            return True
        if read & derived and isinstance(stmt, ast.Assign):
            derived |= {n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return False
