"""Decoder inputs and labels made from one tensor of target ids with the shift done on one side only: the
decoder inputs drop the last position (`summary_ids[:, :-1]`) while the labels keep every position
(`summary_ids.masked_fill(...)`), or the decoder inputs put a start token in front (`torch.cat([start,
question_ids], dim=1)`) without dropping the last one.  The model's loss then pairs T - 1 (or T + 1) predictions
per row with T labels.  The fix shifts the side that was left out: the labels from the second position
(`summary_ids[:, 1:]`), or the decoder inputs without the last (`question_ids[:, :-1]`).  Read from the user's
source, through the helpers and the collate's dict that make the two (nothing runs)."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from . import Finding, fact

SHIFTED_ONE_SIDE = fact("shifted-one-side", "the decoder inputs (`dec_made`) and the labels (`lab_made`) are made "
                                            "from `shift_source`, shifted on one side only: the fix makes "
                                            "`fix_side` `fixed_text`")


@dataclass
class Made:
    file: str
    stmt: ast.stmt
    node: ast.expr
    names: dict[str, str]  # a helper's parameters → the caller's argument names


def decoder_shift(ctx: Context, n_logits: int, n_labels: int) -> Finding | None:
    """The reading for a model call given both `decoder_input_ids=` and `labels=` (hints `shifted_one_side`:
    file, statement, node, replacement text)."""
    frame = ctx.user
    if frame is None or n_logits == n_labels:
        return None
    tree = src.tree_of(frame.file)
    stmt = src.statement_at(tree, frame.line) if tree is not None else None
    call = next((c for c in (src.calls(stmt) if stmt is not None else ()) if src.keyword(c, "labels") is not None
                 and src.keyword(c, "decoder_input_ids") is not None), None)
    if call is None:
        return None
    dec = _made(frame.file, tree, src.keyword(call, "decoder_input_ids").value, frame.line)
    lab = _made(frame.file, tree, src.keyword(call, "labels").value, frame.line)
    if dec is None or lab is None:
        return None
    shift = _decoder_shift(dec)
    if shift is None:
        return None
    kind, source = shift
    label_names = {dec_caller for n in ast.walk(lab.node) if isinstance(n, ast.Name)
                   for dec_caller in [lab.names.get(n.id, n.id)]}
    caller_source = dec.names.get(source, source)
    if caller_source not in label_names or _sliced(lab.node, _local(lab, caller_source)):
        return None
    if kind == "cut-last":  # labels keep the first position: they start from the second
        local = _local(lab, caller_source)
        text = src.with_name_replaced(lab.file, lab.node, local, f"{local}[:, 1:]")
        side, made = lab, "the labels"
    else:  # a start token put in front: the last position dropped
        text = src.with_name_replaced(dec.file, dec.node, source, f"{source}[:, :-1]")
        side, made = dec, "the decoder inputs"
    if text is None:
        return None
    return Finding(facts={SHIFTED_ONE_SIDE}, values={
        "dec_made": " ".join(src.segment(dec.file, dec.node).split()),
        "lab_made": " ".join(src.segment(lab.file, lab.node).split()), "shift_source": caller_source,
        "fix_side": made, "fixed_text": text}, hints={"shifted_one_side": (side.file, side.stmt, side.node, text)})


def _made(file: str, tree: ast.Module, node: ast.expr, line: int, depth: int = 0) -> Made | None:
    """Where the value of `node` is written: a name's assignment, a helper's returned expression (its
    parameters mapped to the caller's argument names), a batch dict's entry where the dict is written."""
    if depth > 3:
        return None
    scope = src.enclosing_scope(tree, line)
    if isinstance(node, ast.Name):
        found = src.assignments(tree, node.id, scope, before=line)
        if not found or not isinstance(found[-1].stmt, ast.Assign) or len(found[-1].stmt.targets) != 1:
            return None
        return _made(file, tree, found[-1].value, found[-1].stmt.lineno, depth + 1) or Made(
            file, found[-1].stmt, found[-1].value, {})
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        entries = [(d, v) for d in src.nodes(tree, ast.Dict) for k, v in zip(d.keys, d.values)
                   if isinstance(k, ast.Constant) and k.value == node.slice.value]
        if len(entries) != 1:
            return None
        stmt = src.statement_at(tree, entries[0][1].lineno)
        return Made(file, stmt, entries[0][1], {}) if stmt is not None else None
    if isinstance(node, ast.Call):
        fns = src.called_functions(tree, node)
        if len(fns) != 1:
            return None
        returns = [r for r in ast.walk(fns[0]) if isinstance(r, ast.Return) and r.value is not None]
        params = [a.arg for a in fns[0].args.args]
        if len(returns) != 1 or len(node.args) > len(params) or node.keywords:
            return None
        names = {p: a.id for p, a in zip(params, node.args) if isinstance(a, ast.Name)}
        value, stmt = returns[0].value, returns[0]
        if isinstance(value, ast.Name) and value.id not in names:  # `return labels` of `labels = ids.clone()`
            found = src.assignments(tree, value.id, fns[0], before=returns[0].lineno)
            if found and isinstance(found[-1].stmt, ast.Assign) and len(found[-1].stmt.targets) == 1:
                value, stmt = found[-1].value, found[-1].stmt
        return Made(file, stmt, value, names)
    return None


def _decoder_shift(dec: Made) -> tuple[str, str] | None:
    """("cut-last", S) for `S[:, :-1]`; ("prepend", S) for `torch.cat([start, S], dim=1)`."""
    node = dec.node
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and src.cuts_last_position(node.slice):
        return "cut-last", node.value.id
    if isinstance(node, ast.Call) and src.call_name(node).split(".")[-1] in ("cat", "concat") and node.args \
            and isinstance(node.args[0], (ast.List, ast.Tuple)) and len(node.args[0].elts) == 2 \
            and isinstance(node.args[0].elts[1], ast.Name):
        return "prepend", node.args[0].elts[1].id
    return None


def _local(made: Made, caller_name: str) -> str:
    """The name `made`'s expression uses for the caller's `caller_name`."""
    return next((p for p, a in made.names.items() if a == caller_name), caller_name)


def _sliced(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == name
               and not isinstance(n.slice, ast.Constant) for n in ast.walk(node))
