"""Batch entries padded with the token pad id although they are not token ids: a collator that pads every key
of the batch with the tokenizer's pad id (`pad_sequence(..., padding_value=pad_id)` for input_ids,
token_type_ids and attention_mask alike) gives the segment ids and the mask the value `pad_id` at the padded
positions.  Found in the user's files: the padding call, the key it pads when it runs in a loop or a
comprehension over the batch's keys, and the value it pads with."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import source as src
from ..facts import Context


@dataclass(frozen=True)
class PadSite:
    """Where a batch entry gets its padding: `call` pads with `value` (a `padding_value=` keyword of `call` itself,
    or of the `functools.partial` that `call` applies); `key` is the name of the batch key the call runs for
    (None when the call pads one entry only); `own` whether `value` is a keyword of `call` itself."""

    file: str
    stmt: ast.stmt
    call: ast.Call
    value: ast.expr
    key: str | None
    own: bool


def pad_site(ctx: Context, entry: str) -> PadSite | None:
    """The padding call of the user's files that pads the batch entry `entry` ("token_type_ids") with a value
    other than 0: a call in a comprehension or loop over the batch's keys, or a call whose statement names the
    entry."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        partials = _padding_partials(tree)
        for call in src.calls(tree):
            value, own = _pad_value(call, partials)
            if value is None or isinstance(value, ast.Constant) and value.value == 0:
                continue
            stmt = src.statement_at(tree, call.lineno)
            if stmt is None:
                continue
            key = _key_variable(tree, stmt, call)
            if key is not None or entry in src.segment(file, stmt):
                return PadSite(file, stmt, call, value, key, own)
    return None


def _padding_partials(tree: ast.Module) -> dict[str, ast.expr]:
    """Names bound to `functools.partial(pad_sequence, ..., padding_value=X)`: name -> X."""
    out: dict[str, ast.expr] = {}
    for node in src.nodes(tree, ast.Assign):
        call = node.value
        if (isinstance(call, ast.Call) and src.call_name(call).endswith("partial") and call.args
                and ast.unparse(call.args[0]).endswith("pad_sequence")):
            kw = src.keyword(call, "padding_value")
            if kw is not None:
                out.update({n: kw.value for t in node.targets for n in src.names_in(t)})
    return out


def _pad_value(call: ast.Call, partials: dict[str, ast.expr]) -> tuple[ast.expr | None, bool]:
    kw = src.keyword(call, "padding_value")
    if src.call_name(call).endswith("pad_sequence") and kw is not None:
        return kw.value, True
    if isinstance(call.func, ast.Name) and call.func.id in partials:
        return (kw.value, True) if kw is not None else (partials[call.func.id], False)
    return None, False


def _key_variable(tree: ast.Module, stmt: ast.stmt, call: ast.Call) -> str | None:
    """The key of a dict comprehension `{k: pad(...) for k in keys}` holding `call`, or the first name of a
    `for k ... in` loop around it whose name is used as a dict key in the statement."""
    for comp in ast.walk(stmt):
        if isinstance(comp, ast.DictComp) and isinstance(comp.key, ast.Name) and any(
                n is call for n in ast.walk(comp.value)):
            return comp.key.id
    for loop in src.enclosing_loops(tree, stmt.lineno):
        names = src.names_in(loop.target)
        keys = {s.slice.id for s in ast.walk(stmt) if isinstance(s, ast.Subscript) and isinstance(s.slice, ast.Name)}
        if names and names[0] in keys:
            return names[0]
    return None
