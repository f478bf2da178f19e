"""Analyzers for tensors whose sizes disagree: masks vs inputs, sequences vs the position table, ragged
batches, labels vs logits, a Linear's in_features vs its input, loop bounds vs the tensor they index."""
from __future__ import annotations

import ast
import re
from dataclasses import replace

from .. import source as src
from ..facts import Context, shape_text
from ..model import TensorFacts
from . import Finding, analyzer, evidence, value_evidence

_MASKY = re.compile(r"mask", re.I)
_LABELY = re.compile(r"label|target|tag|\by\b|gold", re.I)


_NOT_MASK = re.compile(r"type|ids\b|label|target|position", re.I)
MASK_PARAMS = ("attention_mask", "mask", "attn_mask", "key_padding_mask", "src_key_padding_mask",
               "padding_mask", "encoder_attention_mask")
INPUT_PARAMS = ("input_ids", "inputs_embeds", "hidden_states", "input", "x", "src", "query", "inputs")


def _is_mask(t: TensorFacts) -> bool:
    if _MASKY.search(t.expr):
        return True
    return t.dtype == "torch.bool" or (
        t.is_integer and t.min is not None and t.min >= 0 and t.max is not None and t.max <= 1 and t.numel > 1
        and not _NOT_MASK.search(t.expr))


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


@analyzer("mask-length-differs")
def mask_length_differs(ctx: Context) -> Finding | None:
    sizes = _sizes(ctx)
    if sizes is None:
        return None
    a, b = sizes
    frame = ctx.user
    if frame is None:
        return None
    passed = _mask_passed_to_library(ctx, frame, sizes)
    if passed is not None:
        return passed
    in_node = ctx.tensors_in_node(frame) or list(frame.tensors)
    masks = [t for t in in_node if _is_mask(t) and t.shape and (a in t.shape or b in t.shape)]
    if not masks:
        # raised inside a library (e.g. a transformers attention): a mask the user passed with another length
        lib_mask = ctx.library_tensor("attention_mask", "mask", "attn_mask", "key_padding_mask")
        u = ctx.user_name(lib_mask) if lib_mask is not None else None
        masks = [u] if u is not None else [t for t in frame.tensors if _MASKY.search(t.expr) and t.shape]
    for mask in masks:
        mask_len = mask.shape[-1]
        if mask_len not in sizes:
            continue
        other_len = b if mask_len == a else a
        others = [t for t in (in_node + list(frame.tensors)) if t is not mask and not _is_mask(t)
                  and other_len in t.shape]
        if not others:
            continue
        other = others[0]
        f = Finding()
        named = ctx.all_user_names(mask)
        outer = named[-1] if named else mask
        f.values.update(mask=mask.expr, mask_len=mask_len, other=other.expr, other_len=other_len,
                        dim=ctx.groups.get("dim", "?"), mask_outer=outer.expr)
        consts = [c for c in ctx.scalar_names(mask_len) if c.isupper() or "len" in c.lower()]
        f.values["const"] = f" `{mask.expr}` has the fixed width {mask_len} = `{consts[0]}`." if consts else ""
        f.values["also"] = f" (`{outer.expr}` where it was built)" if outer.expr != mask.expr else ""
        for t in (mask, other):
            e = evidence(t)
            if e:
                f.evidence.append(e)
        f.hints.update(mask=mask, mask_outer=outer, other=other, other_len=other_len, mask_len=mask_len,
                       consts=consts)
        return f
    return None


def _mask_passed_to_library(ctx: Context, frame, sizes: tuple[int, int]) -> Finding | None:
    """The user's call passed a mask (`attention_mask=...`) that a library combined with inputs of another
    length: the mask and the inputs are named by the call's own argument text."""
    if not ctx.raise_frames() or not frame.call_args:
        return None
    lib_mask = ctx.library_tensor(*MASK_PARAMS)
    if lib_mask is None or not lib_mask.shape or lib_mask.shape[-1] not in sizes:
        return None
    arg, base = ctx.call_arg_tensor(frame, MASK_PARAMS)
    if arg is None:
        return None
    mask_len = lib_mask.shape[-1]
    other_len = sizes[1] if mask_len == sizes[0] else sizes[0]
    oarg, obase = ctx.call_arg_tensor(frame, INPUT_PARAMS)
    if obase is None or other_len not in obase.shape:
        obase = next((t for t in frame.tensors if t.shape and t.shape[-1] == other_len and not _is_mask(t)
                      and t.is_integer), None)
        oarg = None
    if obase is None:
        return None
    mask = replace(base or lib_mask, expr=arg.text, frame=frame.index)
    other = replace(obase, expr=oarg.text, frame=frame.index) if oarg is not None else obase
    f = Finding()
    f.values.update(mask=mask.expr, mask_len=mask_len, other=other.expr, other_len=other_len,
                    dim=ctx.groups.get("dim", "?"), mask_outer=mask.expr, also="", const="")
    consts = [c for c in ctx.scalar_names(mask_len) if c.isupper() or "len" in c.lower()]
    if consts:
        f.values["const"] = f" `{mask.expr}` has the fixed width {mask_len} = `{consts[0]}`."
    for t in (mask, other):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    f.hints.update(mask=mask, mask_outer=mask, other=other, other_len=other_len, mask_len=mask_len,
                   consts=consts, mask_arg=arg, other_arg=oarg, other_base=obase)
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


@analyzer("labels-vs-logits")
def labels_vs_logits(ctx: Context) -> Finding | None:
    a, b = ctx.int_group("a"), ctx.int_group("b")
    if a is None or b is None or a == b:
        return None
    lib_input, lib_target = ctx.library_tensor("input"), ctx.library_tensor("target")
    users = [t for fr in ctx.user_frames() for t in fr.tensors]
    logits = ctx.user_name(lib_input) if lib_input is not None else None
    labels = ctx.user_name(lib_target) if lib_target is not None else None
    if (logits is None or labels is None) and ctx.user is not None and len(ctx.user.call_args) >= 2:
        # the loss call's own arguments, seen through `.view(-1)`, `.reshape(...)`, `.flatten()`
        a_in, a_tg = (_tensor_before_reshape(ctx.user, a.text) for a in ctx.user.call_args[:2])
        if logits is None and a_in is not None and a_in.is_float and a_in.numel and a_in.shape[-1] and (
                a_in.numel // a_in.shape[-1] == a):
            logits = a_in
        if labels is None and a_tg is not None and a_tg.numel == b:
            labels = a_tg
    if labels is None:
        cands = [t for t in users if _LABELY.search(t.expr) and t.numel in (b,) or (
            _LABELY.search(t.expr) and t.shape and t.shape[0] * (t.shape[1] if len(t.shape) > 1 else 1) == b)]
        labels = cands[0] if cands else None
    if logits is None:
        cands = [t for t in users if t.is_float and t.shape and (t.shape[0] == a or
                                                                  (len(t.shape) == 3 and t.shape[0] * t.shape[1] == a))]
        logits = cands[0] if cands else None
    f = Finding()
    f.values.update(n_logits=a, n_labels=b, labels=labels.expr if labels else "the labels",
                    logits=logits.expr if logits else "the logits")
    for t in (logits, labels):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    n_classes = lib_input.shape[-1] if lib_input is not None and lib_input.shape else None
    if (labels is not None and len(labels.shape) == 2 and n_classes and labels.shape[-1] == n_classes
            and labels.shape[0] == a and labels.min is not None and labels.min >= 0 and (labels.max or 0) <= 1):
        f.facts.add("one-hot")
        f.values["n_classes"] = n_classes
    elif labels is not None and len(labels.shape) == 2 and a != b:
        ids = next((t for t in users if re.search(r"input_ids|ids\b", t.expr) and len(t.shape) == 2
                    and t.shape[0] == labels.shape[0]), None)
        if ids is not None and ids.shape[1] != labels.shape[1]:
            f.facts.add("sequence")
            f.values.update(ids=ids.expr, seq_ids=ids.shape[1], seq_labels=labels.shape[1])
            e = evidence(ids)
            if e:
                f.evidence.append(e)
    if (labels is not None and logits is not None and len(labels.shape) == 2 and len(logits.shape) == 3
            and labels.shape[0] == logits.shape[0] and labels.shape[1] != logits.shape[1]):
        kind = None
        if labels.shape[1] == logits.shape[1] + 1 and _fed_without_last(ctx, labels.expr):
            kind = "shifted"
        elif labels.shape[1] > logits.shape[1] and labels.min is not None and labels.min < 0:
            kind = "padded"
        if kind:
            f.variants[:] = [kind]
            f.values.update(seq_logits=logits.shape[1], seq_labels=labels.shape[1], pad_label=labels.min)
    f.hints.update(labels=labels, logits=logits)
    return f


def _fed_without_last(ctx: Context, expr: str) -> bool:
    """Whether a user function that the error passed through feeds `expr[:, :-1]` (a decoder's input)."""
    fed = re.compile(rf"(?<![\w.]){re.escape(expr)}\s*\[\s*:\s*,\s*:\s*-\s*1\s*\]")
    for fr in ctx.user_frames():
        tree = src.tree_of(fr.file)
        scope = src.enclosing_scope(tree, fr.line) if tree is not None else None
        if scope is not None and scope is not tree and fed.search(src.segment(fr.file, scope)):
            return True
    return False


_RESHAPE = re.compile(r"\s*\.\s*(view|reshape|flatten|contiguous|long|float)\s*\([^()]*(\([^()]*\)[^()]*)*\)\s*$")


def _tensor_before_reshape(frame, text: str) -> TensorFacts | None:
    """The frame's tensor behind an argument such as `tgt.reshape(-1)` or `batch["labels"].view(-1)`."""
    base = text.strip()
    while True:
        stripped = _RESHAPE.sub("", base)
        if stripped == base:
            break
        base = stripped
    return frame.tensor(base) or frame.tensor(base.replace("'", '"'))  # `enc.labels` finds `enc["labels"]`


@analyzer("classes-not-in-dim-1")
def classes_not_in_dim_1(ctx: Context) -> Finding | None:
    logits = ctx.library_tensor("input")
    target = ctx.library_tensor("target")
    if logits is None or len(logits.shape) != 3 or target is None or len(target.shape) != 2:
        return None
    if logits.shape[:2] != target.shape:
        return None
    ul, ut = ctx.user_name(logits), ctx.user_name(target)
    f = Finding()
    f.values.update(logits=ul.expr if ul else "logits", labels=ut.expr if ut else "labels",
                    logits_shape=shape_text(logits.shape), labels_shape=shape_text(target.shape),
                    n_classes=logits.shape[2])
    for t in (ul or logits, ut or target):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    f.hints.update(logits=ul, labels=ut)
    return f


@analyzer("linear-in-features-differ")
def linear_in_features(ctx: Context) -> Finding | None:
    g = ctx.groups
    try:
        rows, got, want, out = int(g["m1r"]), int(g["m1c"]), int(g["m2r"]), int(g["m2c"])
    except (KeyError, ValueError):
        return None
    linear = next((m for m in ctx.raising_modules() if m.cls == "Linear"), None)
    if linear is not None and linear.attrs.get("in_features") not in (None, want):
        return None
    name = str(linear.attrs.get("name")) if linear and linear.attrs.get("name") else None
    frame = ctx.user
    inp = None
    if frame is not None and frame.call_args:
        arg = frame.call_args[0].text
        inp = frame.tensor(arg) or next((t for t in frame.tensors if t.expr == arg), None)
        if name is None:
            m = re.search(r"(\w+)\s*\($", (frame.node or "").split("(")[0] + "(")
            name = m.group(1) if m else None
    f = Finding()
    f.values.update(layer=f"self.{name}" if name else "the Linear layer", layer_name=name or "linear",
                    in_features=want, hidden=got, out_features=out,
                    input=inp.expr if inp else (frame.call_args[0].text if frame and frame.call_args else "its input"))
    e = evidence(inp)
    if e:
        f.evidence.append(e)
    f.evidence.append(value_evidence(f"{f.values['layer']}.in_features", want))
    f.hints.update(layer_name=name, in_features=want, hidden=got)
    return f


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
