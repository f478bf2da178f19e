"""Fixes for ids that do not fit their table: token ids past the vocabulary (added tokens, a config sized
apart from the tokenizer, negative padding fed as ids) and token type ids past the segment table."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..analyzers import Finding
from ..facts import Context
from ..model import Edit
from . import (
    Located,
    edits_of,
    frame_at,
    locator,
    model_with_config,
    tokenizer_call_for,
)


@locator("vocab")
def vocab(ctx: Context, f: Finding) -> Located:
    """Negative ids: the input padding value; else size the model from the tokenizer; else grow a table that
    is short by one or two rows (an unknown/padding id equal to the vocabulary's length)."""
    if f.hints.get("negative"):
        made = _input_padding_value(ctx, f)
        if made:
            return made, None
    found = _tokenizer_vocab(ctx, f)
    if found[0] or found[1]:
        return found
    grown = _grow_table(ctx, f)
    ids, num = f.values.get("ids"), f.hints.get("num_embeddings")
    if grown or "tokenizer" in f.variants or not ids or not isinstance(num, int):
        return grown, None
    return [], (f"# ids must be below {num}: map the others to an id the table has (an unknown-token id)\n"
                f"{ids} = {ids}.masked_fill({ids} >= {num}, 0)")


def _input_padding_value(ctx: Context, f: Finding) -> list[Edit]:
    """`pad_sequence(..., padding_value=IGNORE_INDEX)` where the input ids were made → the pad id (0)."""
    from ..analyzers.lengths import _pad_constant
    from ..provenance import trace

    ids = f.hints.get("user_ids")
    if ids is None:
        return []
    key = re.fullmatch(r'\w+\["(\w+)"\]', ids.expr)
    pad = _pad_constant(ctx) or "0"
    for step in trace(ctx, ids):
        tree = src.tree_of(step.file)
        stmt = src.statement_at(tree, step.line) if tree is not None else None
        if stmt is None:
            continue
        scope: ast.AST = stmt
        if key:
            for d in ast.walk(stmt):
                if isinstance(d, ast.Dict):
                    for k, v in zip(d.keys, d.values):
                        if isinstance(k, ast.Constant) and k.value == key.group(1):
                            scope = v
        for call in src.calls(scope):
            kw = src.keyword(call, "padding_value")
            if kw is not None and _negative(tree, kw.value):
                return edits_of(src.LineEditor.for_node(step.file, stmt).replace(kw.value, pad))
    return []


def _negative(tree: ast.Module, node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return True
    if isinstance(node, ast.Name):
        for a in src.assignments(tree, node.id, tree):
            v = a.value
            if isinstance(v, ast.UnaryOp) and isinstance(v.op, ast.USub):
                return True
    return False


def _grow_table(ctx: Context, f: Finding) -> list[Edit]:
    """`nn.Embedding(len(vocab), dim)` one row short of the largest id → `nn.Embedding(len(vocab) + 1, dim)`."""
    table, num, top = f.hints.get("table"), f.hints.get("num_embeddings"), f.hints.get("max_id")
    if not table or not isinstance(num, int) or not isinstance(top, int) or not 0 < top - num + 1 <= 2:
        return []
    attr = table.split(".")[-1]
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for n in ast.walk(tree):
            if not (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.value, ast.Call)
                    and src.call_name(n.value).endswith(("Embedding", "EmbeddingBag")) and n.value.args):
                continue
            t = n.targets[0]
            name = t.attr if isinstance(t, ast.Attribute) else t.id if isinstance(t, ast.Name) else None
            if name != attr:
                continue
            size = n.value.args[0]
            text = src.segment(file, size)
            new = f"{text} + {top - num + 1}" if not isinstance(size, ast.Constant) else str(top + 1)
            return edits_of(src.LineEditor.for_node(file, n).replace(size, new))
    return []


def _tokenizer_vocab(ctx: Context, f: Finding) -> Located:
    """Size the model from len(tokenizer), or resize its embeddings once both model and added tokens exist."""
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        added = [c for c in src.calls(tree) if src.call_name(c).endswith((".add_tokens", ".add_special_tokens"))]
        last_add = max(added, key=lambda c: c.lineno) if added else None
        for call in src.calls(tree):
            kw = src.keyword(call, "vocab_size")
            if kw is not None and src.call_name(call).endswith("Config"):
                m = re.fullmatch(r"(.+)\.vocab_size", src.segment(file, kw.value))
                if m and (last_add is None or call.lineno > last_add.lineno):
                    return edits_of(src.LineEditor.for_node(file, call).replace(kw.value, f"len({m.group(1)})")), None
        if last_add is None or any(src.call_name(c).endswith("resize_token_embeddings") for c in src.calls(tree)):
            continue
        target = model_with_config(ctx)
        if not target:
            continue
        tok = src.call_name(last_add).rsplit(".", 1)[0]
        line = f"{target}.resize_token_embeddings(len({tok}))"
        model_def = src.last_assignment(tree, target.split(".", 1)[0], 10 ** 9)
        add_stmt = src.statement_at(tree, last_add.lineno)
        anchors = [s for s in (model_def.stmt if model_def else None, add_stmt) if s is not None]
        if not anchors:
            continue
        anchor = max(anchors, key=lambda s: s.lineno)
        e = src.insert_after(file, anchor, line)
        return ([e] if e else []), line
    return [], None


@locator("token-type")
def token_type(ctx: Context, f: Finding) -> Located:
    """A model without segments (type_vocab_size 1): the tokenizer stops returning token_type_ids; ids made
    from an enumerate index: wrapped into the table; a Config built here: sized for the ids."""
    n = f.values.get("type_vocab_size")
    needed = f.values.get("needed")
    if n == 1:
        hit = tokenizer_call_for(ctx, f.hints.get("ids_root"), frame_at(ctx, f.hints.get("ids_frame")))
        if hit is not None and src.keyword(hit[1], "return_token_type_ids") is None:
            return edits_of(src.LineEditor.for_node(hit[0], hit[1]).add_keywords(
                hit[1], "return_token_type_ids=False")), None
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Assign, ast.AugAssign)):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [x for t in targets for x in src.names_in(t)]
            if not any(re.search(r"seg|type", x, re.I) for x in names):
                continue
            for loop in src.enclosing_loops(tree, node.lineno):
                if isinstance(loop.iter, ast.Call) and src.call_name(loop.iter) == "enumerate":
                    idx = loop.target.elts[0] if isinstance(loop.target, ast.Tuple) else None
                    if isinstance(idx, ast.Name):
                        uses = [u for u in ast.walk(node.value) if isinstance(u, ast.Name) and u.id == idx.id]
                        if uses and isinstance(n, int):
                            e = src.LineEditor.for_node(file, node)
                            for u in uses:
                                e.replace(u, f"{idx.id} % {n}")
                            return edits_of(e), None
        for call in src.calls(tree):
            if not (src.call_name(call).endswith("Config") and isinstance(needed, int)):
                continue
            kw = src.keyword(call, "type_vocab_size")
            e = src.LineEditor.for_node(file, call)
            if kw is None:
                return edits_of(e.add_keywords(call, f"type_vocab_size={needed}")), None
            return edits_of(e.replace(kw.value, str(needed))), None
    return _grow_table(ctx, f), None
