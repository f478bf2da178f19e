"""Fixes for lengths: truncate a sequence longer than the position table, pad ragged rows into one batch,
bound a loop by the tensor it indexes."""
from __future__ import annotations

import ast
import re

from .. import files
from .. import source as src
from ..analyzers import Finding
from ..facts import Context
from . import (
    Located,
    edits_of,
    failing_statement,
    frame_at,
    locator,
    statement_of,
    tokenizer_call_for,
)


@locator("truncate")
def truncate(ctx: Context, f: Finding) -> Located:
    limit = f.values.get("max_positions")
    hit = tokenizer_call_for(ctx, f.hints.get("ids_root"), frame_at(ctx, f.hints.get("ids_frame")))
    if not isinstance(limit, int):
        return [], None
    if hit is None:
        return _slice_ids(ctx, f, limit)
    file, call = hit
    e = src.LineEditor.for_node(file, call)
    trunc, maxlen = src.keyword(call, "truncation"), src.keyword(call, "max_length")
    if trunc is not None:
        e.replace(trunc.value, "True")
    if maxlen is not None:
        e.replace(maxlen.value, str(limit))
    add = ([] if trunc is not None else ["truncation=True"]) + ([] if maxlen is not None else [f"max_length={limit}"])
    if add:
        e.add_keywords(call, ", ".join(add))
    return edits_of(e), None


def _slice_ids(ctx: Context, f: Finding, limit: int) -> Located:
    """No tokenizer call: cut the ids where they are made, to the model's number of positions."""
    ids = f.values.get("ids")
    frame = frame_at(ctx, f.hints.get("ids_frame"))
    if not isinstance(ids, str) or not ids.isidentifier() or frame is None:
        return [], None
    tensor = frame.tensor(ids)
    origin = ctx.origin(ids, frame)
    if origin is None or origin[2] is None:
        return [], None
    oframe, text, node = origin
    stmt = statement_of(oframe, node)
    if stmt is None:
        return [], None
    consts = ctx.scalar_names(limit)
    bound = consts[0] if consts and consts[0].isupper() else str(limit)
    cut = f"[:{bound}]" if tensor is None or len(tensor.shape) <= 1 else f"[:, :{bound}]"
    simple = isinstance(node, (ast.Name, ast.Subscript, ast.Attribute, ast.Call))
    new = f"{text}{cut}" if simple else f"({text}){cut}"
    return edits_of(src.LineEditor.for_node(oframe.file, stmt).replace(node, new)), None


_PAD_COLLATE = """def pad_collate(examples):
    \"\"\"Pad each field's variable-length tensors to the longest in the batch.\"\"\"
    import torch

    def pad(values):
        if isinstance(values[0], torch.Tensor) and values[0].dim() > 0:
            return torch.nn.utils.rnn.pad_sequence(list(values), batch_first=True{pad_value})
        return torch.utils.data.default_collate(list(values))

    if isinstance(examples[0], dict):
        return {{key: pad([e[key] for e in examples]) for key in examples[0]}}
    return [pad(field) for field in zip(*examples)]
"""


def _loader_collate(ctx: Context, f: Finding) -> Located:
    """A DataLoader whose default collate met examples of different lengths: a padding collate_fn."""
    frame = ctx.user
    tree = src.tree_of(frame.file) if frame else None
    loader = f.hints.get("loader")
    if tree is None or not loader:
        return [], None
    a = src.last_assignment(tree, loader, frame.line)
    if a is None or not isinstance(a.value, ast.Call) or not src.call_name(a.value).endswith("DataLoader"):
        return [], None
    if src.keyword(a.value, "collate_fn") is not None:
        return [], None
    helper = _PAD_COLLATE.format(pad_value=f.values.get("pad_value", ""))
    e = src.LineEditor.for_node(frame.file, a.stmt).add_keywords(a.value, "collate_fn=pad_collate")
    made = e.edit()
    if made is None:
        return [], None
    first = files.line(frame.file, a.stmt.lineno)
    indent = first[: len(first) - len(first.lstrip())]
    block = "".join(indent + line if line.strip() else line for line in (helper + "\n").splitlines(True))
    from ..model import Edit
    edit = Edit(file=made.file, start_line=made.start_line, end_line=made.end_line,
                replacement=block + made.replacement)
    if not src.parses_in_file(edit.file, edit.start_line, edit.end_line, edit.replacement):
        return [], None
    return [edit], None


@locator("pad")
def pad(ctx: Context, f: Finding) -> Located:
    if f.hints.get("loader"):
        found = _loader_collate(ctx, f)
        if found[0]:
            return found
    hit = tokenizer_call_for(ctx, None, ctx.user)
    if hit is not None:
        file, call = hit
        if src.keyword(call, "padding") is None:
            e = src.LineEditor.for_node(file, call)
            tree = src.tree_of(file)
            scope = src.enclosing_scope(tree, call.lineno) if tree else None
            per_sample = isinstance(scope, ast.FunctionDef) and scope.name in ("__getitem__", "encode", "tokenize",
                                                                               "preprocess", "convert_example")
            if src.keyword(call, "max_length") is not None:
                e.add_keywords(call, 'padding="max_length"')
            elif per_sample or src.keyword(call, "return_tensors") is None:
                width = max(int(x) for x in re.findall(r"\d+", f"{f.values.get('len_a')} {f.values.get('len_b')}") or [0])
                e.add_keywords(call, f'padding="max_length", truncation=True, max_length={max(width, 8)}')
            else:
                e.add_keywords(call, "padding=True")
            return edits_of(e), None
    frame = ctx.user
    found = failing_statement(frame) if frame else None
    if frame is None or found is None:
        return [], None
    _, stmt = found
    for call in src.calls(stmt):
        name = src.call_name(call)
        if name.endswith(("stack", ".tensor", "LongTensor")) and call.args:
            arg = src.segment(frame.file, call.args[0])
            pv = f.values.get("pad_value", "")
            if name.endswith("stack"):
                new = f"torch.nn.utils.rnn.pad_sequence({arg}, batch_first=True{pv})"
            elif isinstance(call.args[0], ast.ListComp):
                inner = src.segment(frame.file, call.args[0].elt)
                comp = arg[1:-1].replace(inner, f"torch.tensor({inner})", 1)
                new = f"torch.nn.utils.rnn.pad_sequence([{comp}], batch_first=True{pv})"
            else:
                new = f"torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in {arg}], batch_first=True{pv})"
            return edits_of(src.LineEditor.for_node(frame.file, stmt).replace(call, new)), None
    return [], None


@locator("loop-bound")
def loop_bound(ctx: Context, f: Finding) -> Located:
    frame, bound = f.hints.get("frame"), f.hints.get("bound")
    values = f.hints.get("values")
    if frame is not None and values is not None:
        target, var = f.hints["loop"].target, f.hints["var"]
        if (isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Name)
                and target.elts[1].id == var and isinstance(values, ast.Call)
                and src.call_name(values) == "enumerate" and values.args):
            values = values.args[0]  # `for i, start in enumerate(starts)`: filter what is enumerated
        elif not isinstance(target, ast.Name):
            return [], None
        text = src.segment(frame.file, values)
        limit = f"{f.hints['tensor']}.size({f.hints['dim']})"
        new = f"[{var} for {var} in {text} if {var} < {limit}]"
        return edits_of(src.LineEditor(frame.file, values.lineno, values.end_lineno or values.lineno)
                     .replace(values, new)), None
    if frame is None or bound is None:
        return [], None
    new = f"{f.hints['tensor']}.size({f.hints['dim']})"
    return edits_of(src.LineEditor(frame.file, bound.lineno, bound.end_lineno or bound.lineno).replace(bound, new)), None
