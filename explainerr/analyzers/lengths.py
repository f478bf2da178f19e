"""Analyzers for lengths: a sequence longer than the position table, rows of different lengths made into one
batch, a loop bound that runs past the tensor it indexes."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, analyzer, evidence, value_evidence
from .vocab import _ids_exceed, _table_finding, _user_token_ids, embedding_failure


def _sizes(ctx: Context) -> tuple[int, int] | None:
    a, b = ctx.int_group("a"), ctx.int_group("b")
    return (a, b) if a is not None and b is not None and a != b else None


def _root(expr: str) -> str:
    return re.split(r"[\[.(]", expr, maxsplit=1)[0]


@analyzer("sequence-exceeds-positions")
def sequence_exceeds_positions(ctx: Context) -> Finding | None:
    """A size mismatch where one side is the model's position table and the other the input length."""
    sizes = _sizes(ctx)
    if sizes is None:
        return None
    cfg = ctx.config()
    max_pos = cfg.get("max_position_embeddings") or cfg.get("n_positions")
    tables = [m.attrs.get("num_embeddings") for f in ctx.frames for m in f.modules
              if m.cls == "Embedding" and re.search(r"pos", str(m.attrs.get("name", m.expr)), re.I)]
    limits = {v for v in [max_pos, *tables] if isinstance(v, int)}
    # a hand-made position table (sinusoidal or learned) sliced by the sequence length in the user's code
    pos_tables = [t for f in ctx.user_frames()[:1] for t in ctx.tensors_in_node(f)
                  if re.search(r"pos|\bpe\b", t.expr, re.I) and t.shape]
    table_of: dict[int, TensorFacts] = {}
    for t in pos_tables:
        for d in t.shape:
            if d in sizes:
                limits.add(d)
                table_of.setdefault(d, t)
    hit = [s for s in sizes if s in limits]
    if not hit:
        return None
    limit = hit[0]
    seq = sizes[0] if sizes[1] == limit else sizes[1]
    if seq <= limit:
        return None
    lib = ctx.library_tensor("input_ids")
    ids = ctx.user_name(lib) if lib is not None else None
    if ids is None:
        cands = [t for f in ctx.user_frames() for t in f.tensors if t.shape and seq in t.shape and t.is_integer]
        ids = cands[0] if cands else None
    if ids is None and not (max_pos or tables):
        return None
    f = Finding()
    f.values.update(seq_len=seq, max_positions=limit, ids=ids.expr if ids else "input_ids",
                    batch=_root(ids.expr) if ids else "the batch")
    e = evidence(ids)
    if e:
        f.evidence.append(e)
    if max_pos == limit or limit not in table_of:
        f.evidence.append(value_evidence("config.max_position_embeddings", limit))
    else:
        table = table_of[limit]
        node = ctx.user_frames()[0].node or "" if ctx.user_frames() else ""
        sliced = re.search(re.escape(table.expr) + r"\[[^\[\]]*\]", node)
        f.evidence.append(evidence(table, expr=sliced.group(0) if sliced else table.expr,
                                   note=f"position table: {limit} positions"))
    f.hints.update(ids_root=_root(ids.expr) if ids else None, ids_frame=ids.frame if ids else None)
    return f


@analyzer("position-ids-exceed-table")
def position_overflow(ctx: Context) -> Finding | None:
    fail = embedding_failure(ctx)
    if fail is None or fail.role != "position" or _ids_exceed(fail) is False:
        return None
    f = _table_finding(fail, "position_ids")
    cfg = ctx.config()
    max_pos = cfg.get("max_position_embeddings", fail.num_embeddings)
    seq = (fail.ids.max + 1) if fail.ids and fail.ids.max is not None else None
    # the user's token ids: the longest sequence among user tensors named like ids
    user_ids = _user_token_ids(ctx)
    if user_ids is not None and user_ids.shape:
        seq = user_ids.shape[-1]
        f.values["ids"] = user_ids.expr
        f.hints["ids_root"] = re.split(r"[\[.]", user_ids.expr, maxsplit=1)[0]
        f.hints["ids_frame"] = user_ids.frame
        e = evidence(user_ids)
        if e:
            f.evidence.insert(0, e)
    f.values.update(seq_len=seq if seq is not None else "?", max_positions=max_pos)
    return f


_COLLATE_FILE = re.compile(r"torch[/\\]utils[/\\]data[/\\]_utils[/\\]collate\.py$")
_MAKES_TENSOR = re.compile(r"(^|\.)(stack|tensor|as_tensor|LongTensor|FloatTensor|cat)$")


@analyzer("ragged-sequences")
def ragged_sequences(ctx: Context) -> Finding | None:
    """Rows of different lengths made into one tensor: by the user's own `torch.tensor`/`torch.stack`, by a
    DataLoader's default collate, or by a tokenizer call without padding.  Names what was being built and
    where (the function, the DataLoader and its dataset)."""
    frame = ctx.user
    g = ctx.groups
    if g.get("a") and g.get("b"):
        len_a, len_b = f"[{g['a']}]", f"[{g['b']}]"
    else:
        lens = [g.get(k) for k in ("expected", "got") if g.get(k)]
        len_a, len_b = (lens + ["?", "?"])[:2]
    f = Finding()
    f.values.update(len_a=len_a, len_b=len_b, lengths=f" ({len_a} and {len_b})" if len_a != "?" else "")
    target = items = call = arg = loader = None
    if frame is not None and frame.statement:
        try:
            stmt = ast.parse(frame.statement.strip()).body[0]
        except (SyntaxError, IndexError):
            stmt = None
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            target = stmt.targets[0].id
        if isinstance(stmt, ast.For) or (frame.node or "").startswith("next("):
            loader = _iterated(stmt.iter if isinstance(stmt, ast.For) else None, frame.node)
        keys = re.findall(r"""\[\s*["'](\w+)["']\s*\]""", frame.node or frame.statement or "")
        items = keys[0] if keys else None
        try:
            node = ast.parse((frame.node or "").strip(), mode="eval").body
        except SyntaxError:
            node = None
        if isinstance(node, ast.Call) and _MAKES_TENSOR.search(ast.unparse(node.func)) and node.args:
            call, arg = ast.unparse(node.func), ast.unparse(node.args[0])
    collated = loader is not None and any(_COLLATE_FILE.search(fr.file) for fr in ctx.raise_frames())
    where = f" in `{frame.function}`" if frame is not None and frame.function != "<module>" else ""
    if collated:
        subject = f"the DataLoader `{loader}` (default collate)"
        f.facts.add("collate")
    elif loader is not None:
        subject = f"the batches of `{loader}`"
    elif call and target:
        subject = f"`{target} = {call}({arg if len(arg or '') <= 30 else '...'})`{where}"
    elif call:
        subject = f"`{call}({arg})`{where}"
    else:
        subject = f"`{target or 'the batch'}`{where}"
    f.values.update(target=target or arg or "the batch", items=items or "the token lists", subject=subject)
    pad = _pad_constant(ctx)
    f.values["pad_value"] = f", padding_value={pad}" if pad else ""
    trace = []
    if frame is not None:
        for name in (arg, loader):
            if name and re.fullmatch(r"[A-Za-z_]\w*", name):
                trace.append((frame.index, name))
    f.hints.update(target=target, items=items, loader=loader if collated else None, pad=pad, trace=trace)
    return f


def _iterated(node: ast.AST | None, text: str | None) -> str | None:
    """`loader` in `for b in loader`, `for i, b in enumerate(loader)`, `next(iter(loader))`."""
    if node is None and text:
        m = re.search(r"iter\((\w+)\)", text)
        return m.group(1) if m else None
    while isinstance(node, ast.Call) and node.args:
        node = node.args[0]
    return node.id if isinstance(node, ast.Name) else None


def _pad_constant(ctx: Context) -> str | None:
    """A module-level constant the user pads with (`PAD_ID = 0`, `PAD_IDX = 1`, `pad_id = 0`)."""
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        if tree is None:
            continue
        for n in tree.body:
            if not isinstance(n, ast.Assign) or len(n.targets) != 1:
                continue
            target, value = n.targets[0], n.value
            pairs = zip(target.elts, value.elts) if isinstance(target, ast.Tuple) and isinstance(
                value, ast.Tuple) and len(target.elts) == len(value.elts) else [(target, value)]
            for t, v in pairs:
                if (isinstance(t, ast.Name) and re.fullmatch(r"(?i)pad(_?(id|idx|index|token_id|value))?", t.id)
                        and isinstance(v, ast.Constant) and type(v.value) is int):
                    return t.id
    return None


@analyzer("loop-bound-exceeds")
def loop_bound_exceeds(ctx: Context) -> Finding | None:
    frame = ctx.user
    index, dim, size = ctx.int_group("index"), ctx.int_group("dim"), ctx.int_group("size")
    if frame is None or index is None or size is None or frame.node is None or ctx.raise_frames():
        return None
    tree = src.tree_of(frame.file)
    if tree is None:
        return None
    try:
        node = ast.parse(frame.node.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Subscript):
        return None
    index_names = set(src.names_in(node.slice))
    base = ast.unparse(node.value)
    tensor = frame.tensor(base)
    for loop in src.enclosing_loops(tree, frame.line):
        targets = src.names_in(loop.target)
        hit = [n for n in targets if n in index_names]
        if not hit:
            continue
        if not (isinstance(loop.iter, ast.Call) and ast.unparse(loop.iter.func) == "range" and loop.iter.args):
            # the loop walks over stored positions (e.g. word starts from the untruncated text)
            values = src.segment(frame.file, loop.iter)
            f = Finding()
            f.values.update(var=hit[0], bound=values, bound_value=f"values up to at least {index}", tensor=base,
                            size=size, dim=dim, index=index)
            f.facts.add("values")
            e = evidence(tensor)
            if e:
                f.evidence.append(e)
            f.hints.update(loop=loop, values=loop.iter, tensor=base, dim=dim, frame=frame, var=hit[0])
            return f
        bound = loop.iter.args[-1] if len(loop.iter.args) <= 2 else loop.iter.args[1]
        bound_text = src.segment(frame.file, bound)
        value = frame.scalars.get(bound_text) if isinstance(bound, ast.Name) else (
            bound.value if isinstance(bound, ast.Constant) else None)
        f = Finding()
        f.values.update(var=hit[0], bound=bound_text, bound_value=value if value is not None else "?",
                        tensor=base, size=size, dim=dim, index=index)
        e = evidence(tensor)
        if e:
            f.evidence.append(e)
        f.evidence.append(value_evidence(bound_text, value))
        f.hints.update(loop=loop, bound=bound, tensor=base, dim=dim, frame=frame)
        return f
    return None
