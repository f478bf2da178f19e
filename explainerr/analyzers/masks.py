"""Analyzers for masks: a mask whose length differs from the tensor it masks, a mask that is not bool."""
from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .. import source as src
from ..facts import Context
from ..model import FrameFacts, TensorFacts
from . import Finding, analyzer, evidence, fact, maskroles
from .consistency import batch_votes, changed_from, names, operand_shape, size_at
from .mask_unshifted_in_batch import mask_unshifted_in_batch
from .padded_widths import PADDED_WIDTHS as PADDED_WIDTHS_FACT, STACKED_BESIDE_PADDED as STACKED_FACT, padded_widths
from .reordered import reordered_apart
from .stale_encoding import stale_encoding

_MASKY = re.compile(r"mask", re.I)
MASK_PARAMS = ("attention_mask", "mask", "attn_mask", "key_padding_mask", "src_key_padding_mask",
               "padding_mask", "encoder_attention_mask")
INPUT_PARAMS = ("input_ids", "inputs_embeds", "hidden_states", "input", "x", "src", "query", "inputs")

OTHER_IS_ODD = fact("other-is-odd", "the mask agrees with the rest of its batch; the tensor it meets has another length")
MASK_IS_ODD = fact("mask-is-odd", "the tensor the mask meets agrees with the rest of its batch; the mask does not")
ADDED_POSITIONS = fact("added-positions", "the longer tensor holds positions a module of the user's added (a "
                                          "parameter of that size concatenated along the sequence)")


def is_mask_valued(t: TensorFacts) -> bool:
    """Bool, or integer with only 0 and 1 (read for small CPU tensors)."""
    return t.dtype == "torch.bool" or (t.is_integer and t.min is not None and t.max is not None
                                       and 0 <= t.min and t.max <= 1 and t.numel > 1)


def mask_like(ctx: Context, frame: FrameFacts, t: TensorFacts, node: ast.AST, as_mask_arg: bool = False) -> bool:
    """`t` (reached by `node` on the failing line) is used or built as a mask: passed as one, 0/1 or bool
    values, built like one (`ids != pad`, `arange < lengths`, a cast of such a tensor), or named a mask and
    spread over positions (`mask.unsqueeze(-1)`) as masks are."""
    if as_mask_arg or is_mask_valued(t):
        return True
    base_node = maskroles.base(node)
    if maskroles.polarity(ctx, frame, base_node) is not None:
        return True
    if t.expr.isidentifier() and not frame.library:  # `keep = keep.unsqueeze(-1).float()` on its way to a mean
        tree = src.tree_of(frame.file)
        made = src.last_assignment(tree, t.expr, frame.line) if tree is not None else None
        if made is not None and not made.augmented and _spread(made.value) and _summed_as_divisor(frame, t.expr):
            return True
    if t.expr.isidentifier():
        found = ctx.origin(t.expr, frame)
        if found is not None and found[2] is not None:
            ofr, _, value = found
            inner = maskroles.base(value)
            u = ofr.tensor(src.segment(ofr.file, inner)) if hasattr(inner, "lineno") else None
            if (u is not None and u.ident != t.ident and is_mask_valued(u)) or maskroles.is_boolean_expr(
                    maskroles.strip_casts(value)):
                return True
            if _spread(value) and ofr is frame and (_summed_as_divisor(frame, t.expr) or (
                    u is not None and u.ident != t.ident and _summed_as_divisor(frame, u.expr))):
                return True  # `w = keep.unsqueeze(-1)` (or `keep = keep.unsqueeze(-1)`), summed to divide a mean
    if _MASKY.search(t.expr) and t.is_float and frame.statement and re.search(r"\bsum\(", frame.statement):
        return True  # `(scores * mask).sum(-1)`: a float mask named as one, weighing a sum
    return _spread(node) and (bool(_MASKY.search(t.expr)) or _summed_as_divisor(frame, t.expr))


def _spread(node: ast.AST) -> bool:
    """`m.unsqueeze(-1)`, `m[:, :, None]`: a tensor given a dimension to broadcast over features."""
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "unsqueeze"
               for n in ast.walk(node)) or "None" in ast.unparse(node)


def _summed_as_divisor(frame: FrameFacts, expr: str) -> bool:
    """The failing statement, or another of its function, divides by the tensor's sum: a mean over the
    positions it keeps (`(h * keep.unsqueeze(-1)).sum(1) / keep.sum(1)`, also with the sum kept in a local
    first: `n = keep.sum(1).clamp(min=1)` ... `/ n`), which is how masks are used, whatever their name."""
    try:
        code: ast.AST = ast.parse((frame.statement or frame.source or "").strip())
    except SyntaxError:
        return False
    tree = src.tree_of(frame.file) if expr.isidentifier() else None
    if tree is not None:
        scope = src.enclosing_scope(tree, frame.line)
        code = ast.Module(body=[code, *(n for n in src.statements(scope) if isinstance(n, ast.stmt))],
                          type_ignores=[])
    nodes = list(ast.walk(code))
    counts = {n.targets[0].id for n in nodes if isinstance(n, ast.Assign) and len(n.targets) == 1
              and isinstance(n.targets[0], ast.Name) and _sums(n.value, expr)}
    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div) and (
        _sums(n.right, expr) or any(isinstance(c, ast.Name) and c.id in counts for c in ast.walk(n.right)))
        for n in nodes)


def _sums(node: ast.AST, expr: str) -> bool:
    """`node` holds `expr.sum(...)` (under casts and reshapes)."""
    return any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "sum"
               and ast.unparse(maskroles.base(c.func.value)) == expr for c in ast.walk(node))


@dataclass
class Met:
    """The two operands that disagreed: each tensor, its node on the failing line, its length there."""

    mask: TensorFacts
    mask_node: ast.AST
    mask_len: int
    other: TensorFacts
    other_node: ast.AST
    other_len: int


def _operand_tensor(frame: FrameFacts, node: ast.AST) -> TensorFacts | None:
    while isinstance(node, (ast.Compare, ast.UnaryOp)):
        node = node.left if isinstance(node, ast.Compare) else node.operand
    b = maskroles.base(node)
    text = src.segment(frame.file, b) if hasattr(b, "lineno") else ast.unparse(b)
    return frame.tensor(text) or _embedded(frame, b, text)


def _embedded(frame: FrameFacts, node: ast.AST, text: str) -> TensorFacts | None:
    """`emb(ids)` of an Embedding the frame holds, on ids it holds: the vectors it gives (their shape from
    consistency.layer_output), as a stand-in tensor of the line (nothing runs)."""
    from .consistency import layer_output
    if not (isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords):
        return None
    layer = src.segment(frame.file, node.func) if hasattr(node.func, "lineno") else ast.unparse(node.func)
    arg = node.args[0]
    ids = frame.tensor(src.segment(frame.file, arg) if hasattr(arg, "lineno") else ast.unparse(arg))
    shape = layer_output(frame, node)
    if ids is None or not ids.is_integer or shape is None or not any(
            m.expr == layer and m.cls == "Embedding" for m in frame.modules):
        return None
    return TensorFacts(expr=text, shape=shape, dtype="torch.float32", device=ids.device, frame=ids.frame,
                       numel=ids.numel * shape[-1], ident=-id(node))


def _pairs(node: ast.AST) -> list[tuple[ast.AST, ast.AST, str]]:
    """Operand pairs a size check compares on the failing expression: (x, y, how)."""
    out: list[tuple[ast.AST, ast.AST, str]] = []
    for n in ast.walk(node):
        if isinstance(n, ast.BinOp):
            out.append((n.left, n.right, "binop"))
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            name = n.func.attr
            if name in ("masked_fill", "masked_fill_") and n.args:
                out.append((n.args[0], n.func.value, "mask-arg"))
            elif name in ("expand", "expand_as") and n.args:
                target = n.args[0]
                if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) and target.func.attr == "size":
                    target = target.func.value
                elif isinstance(target, ast.Attribute) and target.attr == "shape":
                    target = target.value
                out.append((n.func.value, target, "expand"))
            elif name in ("mul", "add", "sub", "div") and n.args:
                out.append((n.func.value, n.args[0], "binop"))
        if isinstance(n, ast.Call) and src.call_name(n).split(".")[-1] == "where" and len(n.args) == 3:
            out.append((n.args[0], n.args[1], "mask-arg"))
        if isinstance(n, ast.Call) and n.args:  # `attention(q, k, v, attn_mask=m)`: the mask against the keys
            for kw in n.keywords:
                if kw.arg in MASK_PARAMS:
                    out.append((kw.value, n.args[1] if len(n.args) > 1 else n.args[0], "mask-arg"))
        if isinstance(n, ast.Subscript) and isinstance(n.slice, (ast.Name, ast.Attribute, ast.Compare)):
            out.append((n.slice, n.value, "mask-arg"))  # `logits[active]`: a boolean mask as the index
    return out


def _met(ctx: Context, frame: FrameFacts, sizes: tuple[int, int]) -> Met | None:
    node = maskroles.expression_in(frame, frame.node) if frame.node else None
    dim = ctx.int_group("dim")
    if node is None:
        return None
    for x, y, how in _pairs(node):
        tx, ty = _operand_tensor(frame, x), _operand_tensor(frame, y)
        if tx is None or ty is None or tx.ident == ty.ident:
            continue
        sx, sy = operand_shape(frame, x), operand_shape(frame, y)
        ndim = max(len(sx or ()), len(sy or ()))
        lx, ly = size_at(sx, dim, ndim), size_at(sy, dim, ndim)
        if {lx, ly} != set(sizes):
            lx = next((d for d in reversed(tx.shape) if d in sizes), None)
            ly = next((d for d in reversed(ty.shape) if d in sizes and d != lx), None)
            if lx is None or ly is None:
                continue
        mx = mask_like(ctx, frame, tx, x, as_mask_arg=how == "mask-arg")
        my = mask_like(ctx, frame, ty, y) if how != "mask-arg" else False
        if mx and not my:
            return Met(tx, x, lx, ty, y, ly)
        if my and not mx:
            return Met(ty, y, ly, tx, x, lx)
        if mx and my and how == "expand":
            return Met(tx, x, lx, ty, y, ly)
        if mx and my:  # both hold only 0/1 (`torch.ones` states): the one used and shaped as masks are
            kx, ky = _mask_score(tx, x, ty), _mask_score(ty, y, tx)
            if kx != ky:
                return Met(tx, x, lx, ty, y, ly) if kx > ky else Met(ty, y, ly, tx, x, lx)
    return None


def _mask_score(t: TensorFacts, node: ast.AST, other: TensorFacts) -> int:
    """How much `t`, reached by `node`, looks like the mask of the pair: named as one, spread over the other's
    features (`mask.unsqueeze(-1)`, `mask[:, :, None]`), fewer dimensions than the other operand."""
    return 2 * bool(_MASKY.search(t.expr)) + _spread(node) + (len(t.shape) < len(other.shape))


def _unsqueezed_elsewhere(ctx: Context, mask: TensorFacts, other: TensorFacts) -> bool:
    """`m = mask.unsqueeze(k)` (then cast, or not) on the line that made the mask, where `mask`, a tensor of the
    frame, has the leading sizes of `other` (`(8, 12)` for hidden states `(8, 12, 32)`) while `m` does not:
    the mask is as long as the states, and the axis `unsqueeze` added is not where the states have their
    features.  Read from the assignment of the mask's name in its frame."""
    frame = ctx.frames[mask.frame]
    tree = src.tree_of(frame.file) if mask.expr.isidentifier() and not frame.library else None
    made = src.last_assignment(tree, mask.expr, frame.line) if tree is not None else None
    if made is None or len(other.shape) <= len(mask.shape) - 1 or \
            tuple(mask.shape) == tuple(other.shape[:len(mask.shape)]):
        return False
    n = made.value
    while isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _CASTS:
        n = n.func.value  # `mask.unsqueeze(1).to(hidden.dtype)`: the cast keeps the shape
    if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "unsqueeze"):
        return False
    base = frame.tensor(src.segment(frame.file, n.func.value))
    return base is not None and len(base.shape) == len(mask.shape) - 1 and len(base.shape) < len(other.shape) \
        and tuple(base.shape) == tuple(other.shape[:len(base.shape)])


_CASTS = {"to", "float", "double", "half", "long", "int", "bool", "type", "type_as", "contiguous"}


@analyzer("mask-length-differs")
def mask_length_differs(ctx: Context) -> Finding | None:
    if padding_mask_as_attn_mask(ctx):
        return None  # a (batch, seq) padding mask in the square (seq, seq) slot: its length is right
    f = _mask_length_differs(ctx)
    mask, other = (f.hints.get("mask"), f.hints.get("other")) if f is not None else (None, None)
    if mask is not None and other is not None and _flattened(mask, other):
        return None  # one is the other's batch flattened: a reshape left out, not a mask of another length
    if mask is not None and other is not None and _laid_out_otherwise(ctx, f, mask, other):
        return None  # the tensor the mask meets has the mask's length in another place: its axes, not a length
    if mask is not None and other is not None and _transposed_whole(f, mask, other):
        return None  # the mask holds every position of the batch, its two axes the other way round: a layout
    if mask is not None and other is not None and _read_sequence_first(ctx, mask, other):
        return None  # the mask fits the inputs as laid out; the layer reads them time-major (batch_first off)
    if mask is not None and other is not None and _unsqueezed_elsewhere(ctx, mask, other):
        return None  # the mask fits the states; its new axis went in another place than theirs (unsqueeze(1))
    from .not_this_batch import left_from_loop_in_any_frame as left_from_loop
    if mask is not None and other is not None and (left_from_loop(ctx, mask) or left_from_loop(ctx, other)):
        return None  # one of them is another loop's last batch: stale, not made with the wrong length
    from .swapped_args import mask_in_other_parameter
    if mask_in_other_parameter(ctx, mask):
        return None  # the mask and the states were passed to the user's function in each other's places
    if f is not None and _over_classes(ctx, f.hints.get("other_len")):
        return None  # the other tensor's length there is the head's classes, not a sequence: no mask of tokens
    if f is not None and isinstance(f.hints.get("mask_len"), int) and isinstance(f.hints.get("other_len"), int):
        from .counted_words import words_for_pieces
        from .cut_apart import mask_cut_apart, mask_left_uncut
        mask_cut_apart(ctx, f, f.hints["mask_len"], f.hints["other_len"]) or \
            mask_left_uncut(ctx, f, f.hints["mask_len"], f.hints["other_len"]) or \
            words_for_pieces(ctx, f, f.hints["mask_len"], f.hints["other_len"]) or \
            _mask_padded_to_max(ctx, f, mask, f.hints["mask_len"], f.hints["other_len"]) or \
            _frames_unlike_conv(ctx, f)
    return f


def _frames_unlike_conv(ctx: Context, f: Finding) -> bool:
    """The mask's frames counted otherwise than the user's strided convolution makes them (conv_frames.py)."""
    from .conv_frames import conv_frames
    found = conv_frames(ctx, f.hints["mask_len"], f.hints["other_len"])
    if found is not None:
        f.merge(found)
    return found is not None


def _mask_padded_to_max(ctx: Context, f: Finding, mask, mask_len: int, other_len: int) -> bool:
    """The mask is the wider one and the user's code pads masks with 0 to `X - len(row)` while the one tokenizer
    call with `max_length=X` pads the ids only to each batch's longest text (padded_to_max.py): the ids are
    padded to that same maximum."""
    if mask is None or mask_len <= other_len or mask.min not in (0, None) or {"mask-cut-apart", "mask-left-uncut"} & f.facts:
        return False
    from .padded_to_max import COLLATE_LONGEST, padded_to_max
    found = padded_to_max(ctx, 0, helpers=True)
    if found is None or COLLATE_LONGEST in found.facts:
        return False
    f.merge(found)
    file, _ = found.hints["padded_to_max"]
    tree = src.tree_of(file)
    fn = src.enclosing_scope(tree, found.values["label_pad_line"]) if tree is not None else None
    if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        f.facts.add(MASK_PAD_FN)
        f.values["mask_pad_fn"] = fn.name
    return True


MASK_PAD_FN = fact("mask-pad-fn", "the mask's padding to the maximum is written in the user's function `mask_pad_fn`")


def _over_classes(ctx: Context, length: object) -> bool:
    """`length` is the number of outputs of a layer or a config (`nn.Linear(h, 6)`, `num_labels=6`) and no token
    tensor of the frames (2-D integers: ids, a mask) is that long: the dimension is classes, not positions."""
    if not isinstance(length, int):
        return False
    heads = any(m.attrs.get("out_features") == length or m.config.get("num_labels") == length
                for fr in ctx.frames for m in fr.modules)
    tokens = any(t.is_integer and len(t.shape) == 2 and t.shape[1] == length for fr in ctx.frames for t in fr.tensors)
    hidden = any(m.config.get("hidden_size") == length for fr in ctx.frames for m in fr.modules)
    return heads and not tokens and not hidden  # (a layer giving the model's hidden size is no head of classes)


def padding_mask_as_attn_mask(ctx: Context) -> bool:
    """"The shape of the 2D attn_mask is torch.Size([B, S]), but should be (S, S)": the mask has one entry per
    position of each of B rows, a padding mask (`src_key_padding_mask`), handed to the (S, S) attention mask's
    parameter (positionally, or as `mask=`): the right length in the wrong slot."""
    rows, cols = ctx.int_group("b"), ctx.int_group("b2")
    want, want2 = ctx.int_group("a"), ctx.int_group("a2")
    return None not in (rows, cols, want, want2) and want == want2 == cols and rows != cols


def _read_sequence_first(ctx: Context, mask: TensorFacts, other: TensorFacts) -> bool:
    """The mask is (batch, seq) exactly as the inputs it goes with are laid out (batch, seq, features), but a
    library's attention took the inputs' dimension 1 for the batch (it expected the mask to have
    `other.shape[1]` rows): the layer reads its input sequence-first, the mask's length is right."""
    expected = ctx.int_group("a")
    return (len(mask.shape) == 2 and len(other.shape) == 3 and tuple(mask.shape) == tuple(other.shape[:2])
            and mask.shape[0] != mask.shape[1] and expected == other.shape[1] and bool(ctx.raise_frames()))


def _transposed_whole(f: Finding, mask: TensorFacts, other: TensorFacts) -> bool:
    """A 2-D mask whose shape is the reverse of the 2-D tensor it meets ((seq, batch) against (batch, seq)),
    when no sequence-first reading explains it: the mask has the right length, kept in the other layout
    (`keep = attention_mask.t()` returned unchanged), so no mask of another length is the mistake."""
    return ("sequence-first" not in f.facts and len(mask.shape) == 2 and len(other.shape) == 2
            and mask.shape[0] != mask.shape[1] and tuple(mask.shape) == tuple(reversed(other.shape)))


def _laid_out_otherwise(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts) -> bool:
    """The tensor the mask met has the mask's length at another dimension than the one that failed, and the
    user's own axis operation made it (layout.py)."""
    from .layout import displaced
    dim = f.values.get("dim")
    if not str(dim).isdigit() or other.shape.count(f.hints.get("other_len")) != 1:
        return False
    return displaced(ctx, other, int(dim), f.hints["mask_len"]) is not None


def _flattened(a: TensorFacts, b: TensorFacts) -> bool:
    """One of the two is 1-D and holds as many values as the other, which has more dimensions."""
    one, many = (a, b) if len(a.shape) == 1 else (b, a)
    return len(one.shape) == 1 and len(many.shape) >= 2 and one.shape[0] == many.numel


def _mask_length_differs(ctx: Context) -> Finding | None:
    frame = ctx.user
    if frame is None:
        return None
    if ctx.groups.get("index") is not None:  # an index past a dimension: only a mask laid out the other way
        return _transposed_pair(ctx)
    sizes = ctx.message_sizes() or _passed_sizes(ctx, frame)
    if sizes is None:
        return _viewed_mask(ctx, frame)
    passed = _mask_passed_to_library(ctx, frame, sizes)
    if passed is not None:
        return passed
    met = _met(ctx, frame, sizes)
    if met is None and ctx.raise_frames():
        return _mask_from_library(ctx, frame, sizes)
    # raised by the user's own operator: the operands on the line are the tensors that met, and none is a mask
    if met is not None and missing_trailing_axis(met.mask.shape, met.other.shape):
        return None  # (batch, seq) against (batch, seq, hidden): the lengths agree, the mask lacks an axis
    return _finding(ctx, met) if met is not None else None


def missing_trailing_axis(mask: Sequence[int], other: Sequence[int]) -> bool:
    """The mask's whole shape is the leading part of the other tensor's (a (8, 30) mask against (8, 30, 32)
    hidden states): its batch and length are the other's; only the trailing axis a broadcast needs
    (`unsqueeze(-1)`) is missing, so no length differs."""
    n = len(mask)
    return 2 <= n < len(other) and tuple(other[:n]) == tuple(mask)


def _passed_sizes(ctx: Context, frame: FrameFacts) -> tuple[int, int] | None:
    """For messages without numbers ("Mask size should match input size"): the length of the input the
    user's call passed, and its mask's."""
    if not ctx.raise_frames() or not frame.call_args:
        return None
    _, mask = ctx.call_arg_tensor(frame, MASK_PARAMS)
    mask = mask or ctx.library_tensor(*MASK_PARAMS)
    _, inputs = ctx.call_arg_tensor(frame, INPUT_PARAMS)
    inputs = inputs or ctx.library_tensor(*INPUT_PARAMS)  # `self.encoder(self.proj(x), ...)`: the layer's own input
    if mask is None or inputs is None or len(mask.shape) != 2 or len(inputs.shape) < 2:
        return None
    seq = inputs.shape[1] if inputs.shape[0] == mask.shape[0] else inputs.shape[0]
    return (seq, mask.shape[-1]) if seq != mask.shape[-1] else None


def _viewed_mask(ctx: Context, frame: FrameFacts) -> Finding | None:
    """`mask.view(b, 1, 1, seq_len)` "is invalid for input of size N": the view asks for another length than
    the mask has, when the numbers tie (N is the mask's size, and swapping one asked dimension for one of the
    mask's own gives N) and another tensor of the frame has the asked length."""
    numel, asked = ctx.int_group("numel"), ctx.groups.get("view")
    node = maskroles.expression_in(frame, frame.node) if frame.node and asked and numel else None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "view", "reshape")):
        return None
    dims = [int(x) for x in asked.split(",") if x.strip().lstrip("-").isdigit()]
    mask = _operand_tensor(frame, node.func.value)
    if mask is None or -1 in dims or not mask_like(ctx, frame, mask, node.func.value) or mask.numel != numel:
        return None
    for i, want in enumerate(dims):
        rest = 1
        for j, d in enumerate(dims):
            rest *= d if j != i else 1
        have = next((s for s in mask.shape if s != want and rest * s == numel), None)
        if have is None or want == 1:
            continue
        others = [t for t in frame.tensors if t.ident != mask.ident and want in t.shape[1:] and not is_mask_valued(t)]
        if others:
            return _finding(ctx, Met(mask, node.func.value, have, others[0], ast.Name(id=others[0].expr), want))
    return None


def _mask_from_library(ctx: Context, frame: FrameFacts, sizes: tuple[int, int]) -> Finding | None:
    """Raised where the operands are not on the user's line (inside a library's attention, or in code
    torch.compile traced): the mask the user passed, or a mask among the tensors of the failing call."""
    lib_mask = ctx.library_tensor("attention_mask", "mask", "attn_mask", "key_padding_mask")
    user = ctx.user_name(lib_mask) if lib_mask is not None else None
    candidates = [user] if user is not None else [
        t for t in ctx.tensors_in_node(frame) if mask_like(ctx, frame, t, ast.Name(id=t.expr))]
    if not candidates:
        entry = _batch_at_model_entry(ctx, sizes)
        if entry is not None:
            f = _finding(ctx, entry)
            f.values["dim"] = 1
            from .collators import collator_width
            collator_width(ctx, f, entry.mask.expr, entry.other.expr)
            return f
    for mask in candidates:
        mask_len = next((d for d in reversed(mask.shape) if d in sizes), None)
        if mask_len is None:
            continue
        other_len = sizes[1] if mask_len == sizes[0] else sizes[0]
        others = [t for t in ctx.tensors_in_node(frame) + list(frame.tensors) if t.ident != mask.ident
                  and other_len in t.shape[1:] and not is_mask_valued(t)]
        if others:
            return _finding(ctx, Met(mask, ast.Name(id=mask.expr), mask_len, others[0],
                                     ast.Name(id=others[0].expr), other_len))
    return None


def _batch_at_model_entry(ctx: Context, sizes: tuple[int, int]) -> Met | None:
    """A batch no user frame holds (a library loop such as Trainer's collated it and called the model): the
    `attention_mask` and `input_ids` the model's outermost forward got, one row per example, of the two
    lengths of the message."""
    for fr in ctx.frames[(ctx.user.index + 1) if ctx.user is not None else 0:]:
        mask, ids = fr.tensor("attention_mask"), fr.tensor("input_ids")
        if (fr.library and mask is not None and ids is not None and len(mask.shape) == 2 and len(ids.shape) == 2
                and mask.shape[0] == ids.shape[0] and {mask.shape[1], ids.shape[1]} == set(sizes)):
            return Met(mask, ast.Name(id=mask.expr), mask.shape[1], ids, ast.Name(id=ids.expr), ids.shape[1])
    return None


MASK_NOT_SHIFTED = fact("mask-not-shifted", "`other` is computed from `shifted` (line `shifted_line`), a shifted "
                                            "slice of a tensor as long as the mask, which keeps every position")


def _not_shifted(ctx: Context, f: Finding, met: Met) -> bool:
    """The tensor the mask meets is one position shorter than the mask and was made, in the frame's function,
    from a slice that drops the first or the last position (`tokens[:, 1:]`, `logits[:, :-1]`) of a tensor as long
    as the mask: the next-token scores of a sequence the mask was made for.  The mask takes the same slice as the
    positions that are scored (`[:, 1:]` when the targets are the shifted tokens)."""
    frame = ctx.user
    if frame is None or met.mask_len - met.other_len != 1 or not met.other.expr.isidentifier() or frame.library:
        return False
    tree = src.tree_of(frame.file)
    made = src.last_assignment(tree, met.other.expr, frame.line) if tree is not None else None
    if made is None:
        return False
    slices = {}
    todo, seen = [made], set()
    while todo:  # the assignment, and those of the names it reads in the same function
        a = todo.pop()
        if id(a.stmt) in seen:
            continue
        seen.add(id(a.stmt))
        for n in ast.walk(a.value):
            if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Tuple) and len(n.slice.elts) >= 2:
                cut = n.slice.elts[1]
                t = frame.tensor(src.segment(frame.file, n.value))
                if isinstance(cut, ast.Slice) and cut.step is None and t is not None and len(t.shape) >= 2 \
                        and t.shape[1] == met.mask_len:
                    low = cut.lower.value if isinstance(cut.lower, ast.Constant) else None
                    up = cut.upper.operand.value if isinstance(cut.upper, ast.UnaryOp) and isinstance(
                        cut.upper.op, ast.USub) and isinstance(cut.upper.operand, ast.Constant) else None
                    if low == 1 and cut.upper is None:
                        slices["[:, 1:]"] = (n, a.stmt.lineno)
                    elif up == 1 and cut.lower is None:
                        slices["[:, :-1]"] = (n, a.stmt.lineno)
            if isinstance(n, ast.Name) and n.id != met.other.expr:
                inner = src.last_assignment(tree, n.id, a.stmt.lineno)
                if inner is not None and src.enclosing_scope(tree, inner.stmt.lineno) is src.enclosing_scope(
                        tree, frame.line):
                    todo.append(inner)
    cut = "[:, 1:]" if "[:, 1:]" in slices else "[:, :-1]" if "[:, :-1]" in slices else None
    if cut is None:
        return False
    node, line = slices[cut]
    f.facts.add(MASK_NOT_SHIFTED)
    f.values.update(shifted=src.segment(frame.file, node), shifted_line=line, mask_shifted=f"{met.mask.expr}{cut}")
    f.hints["mask_not_shifted"] = (frame.file, met.mask_node, f"{src.segment(frame.file, met.mask_node)}{cut}")
    f.confidence = "high"
    return True


def _finding(ctx: Context, met: Met) -> Finding:
    mask, other, mask_len, other_len = met.mask, met.other, met.mask_len, met.other_len
    f = Finding()
    named = ctx.all_user_names(mask)
    outer = named[-1] if named else mask
    dim = ctx.groups.get("dim") or (other.shape.index(other_len) if other_len in other.shape else "?")
    if str(dim).isdigit() and int(dim) >= len(other.shape) and other_len in other.shape:
        dim = other.shape.index(other_len)  # the message counts the dimensions of a tensor made inside the op
    f.values.update(mask=mask.expr, mask_len=mask_len, other=other.expr, other_len=other_len, dim=dim,
                    mask_outer=outer.expr)
    consts = [c for c in ctx.scalar_names(mask_len) if c.isidentifier() and (c.isupper() or "len" in c.lower())]
    f.values["const"] = f" `{mask.expr}` has the fixed width {mask_len} = `{consts[0]}`." if consts else ""
    f.values["also"] = f" (`{outer.expr}` where it was built)" if outer.expr != mask.expr else ""
    for t in (mask, other):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    f.hints.update(mask=mask, mask_outer=outer, other=other, other_len=other_len, mask_len=mask_len,
                   consts=consts, other_node=met.other_node)
    if _made_apart(ctx, f, mask, other, mask_len, other_len):
        return f
    if _not_shifted(ctx, f, met) or (met.mask_len - met.other_len == 1 and mask_unshifted_in_batch(
            ctx, f, met.mask.expr, met.other.expr)):
        return f
    batch = mask.shape[0] if len(mask.shape) >= 2 else None
    votes = batch_votes(ctx, mask, mask_len, other, other_len, batch)
    # a tensor made from tensors of the other length changed length on the way: it is the odd one
    other_from = changed_from(ctx, other, other_len, mask_len)
    mask_from = changed_from(ctx, mask, mask_len, other_len)
    odd = 1 if other_from and not mask_from else 0 if mask_from and not other_from else votes.odd_one
    if odd == 1:
        agree = votes.first + [t for t in other_from if all(t.ident != v.ident for v in votes.first)]
        f.facts.add(OTHER_IS_ODD)
        k = abs(other_len - mask_len)
        f.values.update(agree=names(agree), surplus=k, positions=f"{k} position{'s' if k != 1 else ''}",
                        rows=f"{k} row{'s' if k != 1 else ''}",
                        longer="longer" if other_len > mask_len else "shorter",
                        more="more" if other_len > mask_len else "fewer")
        f.evidence.extend(e for e in (evidence(t) for t in agree[:2]) if e)
        from .reshaped import mask_follows
        if not mask_follows(ctx, f, mask, other, mask_len, other_len):
            _added_positions(ctx, f, other, other_len, other_len - mask_len)
    else:
        if odd == 0:
            f.facts.add(MASK_IS_ODD)
            f.values.update(agree=names(votes.second + [t for t in mask_from if t not in votes.second]))
        if other_len > mask_len:
            padded_widths(ctx, f, mask)
        elif other_len < mask_len:
            from .padded_widths import stacked_beside_padded
            stacked_beside_padded(ctx, f, mask)
        if not f.facts & {PADDED_WIDTHS_FACT, STACKED_FACT}:
            from .entry_unpadded import entry_unpadded
            entry_unpadded(ctx, f, mask, mask_len, other_len)
        if consts and not votes.first:  # the mask's width is a constant of the user's; nothing else has it
            f.confidence = "high"
    return f


def _transposed_pair(ctx: Context) -> Finding | None:
    """An index past the end of a mask or of ids (a library indexing the mask by batch row): a 0/1 mask and
    integer ids of the user's whose shapes are each other's reverse, one padded sequence-first."""
    from .sequence_first import sequence_first
    tensors = [t for fr in ctx.user_frames() for t in fr.tensors if len(t.shape) == 2 and t.shape[0] != t.shape[1]]
    for mask in (t for t in tensors if is_mask_valued(t)):
        for other in (t for t in tensors if t.is_integer and not is_mask_valued(t)
                      and tuple(t.shape) == tuple(reversed(mask.shape))):
            f = Finding()
            f.values.update(mask=mask.expr, mask_len=mask.shape[1], other=other.expr, other_len=other.shape[1], dim=1,
                            mask_outer=mask.expr, also="", const="")
            f.evidence.extend(e for e in (evidence(mask), evidence(other)) if e)
            f.hints.update(mask=mask, mask_outer=mask, other=other, other_len=other.shape[1],
                           mask_len=mask.shape[1], consts=[])
            if sequence_first(ctx, f, mask, other):
                return f
    return None


def _made_apart(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts, mask_len: int,
                other_len: int) -> bool:
    """The user's code made the mask apart from the ids in a way its source shows: a stale encoding, rows
    re-indexed without the mask, a mask sized before special tokens, a sequence-first pad, a mask read from the
    scope around a helper that takes the ids, a mask counted in words beside ids in word pieces, a collate
    function that pads the mask to another target than the ids, or returns the ids cut and the mask not."""
    from .captured_mask import captured_mask
    from .sequence_first import sequence_first
    from .special_tokens import ids_framed_alone, mask_before_specials, mask_rows_unframed
    from .word_counted import mask_counts_words
    from .pad_targets import pad_targets
    from .record_length import record_length
    from .reshaped import cut_in_mapping, entry_lengthened, lengthened_in_mapping
    from .stale_encoding import mask_of_other_encoding
    return (stale_encoding(ctx, f, mask, other) or mask_of_other_encoding(ctx, f, mask, other)
            or captured_mask(ctx, f, mask, other) or reordered_apart(ctx, f, mask, other)
            or mask_before_specials(ctx, f, mask_len, other_len) or ids_framed_alone(ctx, f, mask_len, other_len)
            or mask_rows_unframed(ctx, f, mask_len, other_len)
            or sequence_first(ctx, f, mask, other)
            or mask_counts_words(ctx, f, mask_len, other_len) or pad_targets(ctx, f, mask, other)
            or cut_in_mapping(ctx, f, mask, other) or entry_lengthened(ctx, f, mask, other, mask_len, other_len)
            or lengthened_in_mapping(ctx, f, mask, other, mask_len, other_len)
            or record_length(ctx, f, mask_len, other_len))


def _added_positions(ctx: Context, f: Finding, other: TensorFacts, other_len: int, surplus: int) -> None:
    """The longer tensor came out of a user module that concatenates a parameter of `surplus` rows along the
    sequence (prompt or prefix tokens): name it, and whether it is put before or after the tokens."""
    if surplus <= 0:
        return
    for fr in ctx.user_frames():
        for m in fr.modules:
            if "." in m.expr:
                continue
            params = [t for t in fr.tensors if t.expr.startswith(m.expr + ".") and t.requires_grad
                      and surplus in t.shape]
            for p in params:
                found = _concatenated(fr.file, m.cls, p.expr.split(".", 1)[1])
                if found is None:
                    continue
                where, cat_dim = found
                pdim = cat_dim if cat_dim is not None and -len(p.shape) <= cat_dim < len(p.shape) and \
                    p.shape[cat_dim] == surplus else p.shape.index(surplus)
                f.facts.add(ADDED_POSITIONS)
                f.confidence = "high"
                seq_dim = other.shape.index(other_len) if other_len in other.shape else 1
                cut = f"{p.expr}.size({pdim})"
                f.values.update(param=p.expr, module=m.expr, module_cls=m.cls, placed=where, other_fixed=(
                    other.expr + "[" + ":, " * seq_dim + (f"{cut}:]" if where == "before" else f":-{cut}]")))
                f.hints.update(param=p, placed=where, param_dim=pdim)
                e = evidence(p, note=f"{f.values.get('positions')} added by `{m.cls}`")
                if e:
                    f.evidence.append(e)
                return


def _concatenated(file: str, cls_name: str, attr: str) -> tuple[str, int | None] | None:
    """("before" or "after", the cat's dim) when class `cls_name` concatenates `self.<attr>` (or a local made
    from it) with other tensors in a `torch.cat([...])`; None when it does not."""
    tree = src.tree_of(file)
    cls = next((n for n in src.nodes(tree, ast.ClassDef) if n.name == cls_name), None) if tree else None
    if cls is None:
        return None
    for fn in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
        assigns = sorted((n for n in src.statements(fn) if isinstance(n, ast.Assign)), key=lambda n: n.lineno)
        for call in src.calls(fn):
            if src.call_name(call).split(".")[-1] not in ("cat", "concat", "concatenate") or not call.args:
                continue
            items = call.args[0]
            if not isinstance(items, (ast.List, ast.Tuple)) or len(items.elts) < 2:
                continue
            made_from = {f"self.{attr}"}  # the parameter, and locals made from it before the call
            for n in assigns:
                if n.lineno < call.lineno and any(ast.unparse(x) in made_from for x in _refs(n.value)):
                    made_from |= {t.id for t in n.targets if isinstance(t, ast.Name)}
            hits = [i for i, e in enumerate(items.elts) if any(ast.unparse(x) in made_from for x in _refs(e))]
            dim_node = call.args[1] if len(call.args) > 1 else getattr(src.keyword(call, "dim"), "value", None)
            dim = dim_node.value if isinstance(dim_node, ast.Constant) and type(dim_node.value) is int else None
            if hits == [0]:
                return "before", dim
            if hits == [len(items.elts) - 1]:
                return "after", dim
    return None


def _refs(node: ast.AST) -> list[ast.AST]:
    return [n for n in ast.walk(node) if isinstance(n, (ast.Name, ast.Attribute))]


#: The mask a library's check names: "Expected key_padded_mask.shape[1] ...", "The shape of the 2D attn_mask ...".
_NAMED_MASK = re.compile(r"key_padd(?:ed|ing)_mask|attn_mask")
_KEY_PADDING = ("key_padding_mask", "src_key_padding_mask", "tgt_key_padding_mask", "memory_key_padding_mask")


def _paired_key_mask(frame, sizes: tuple[int, int], mask_len: int) -> tuple:
    """(argument, tensor) of the one key padding mask of an `nn.Transformer`-style call whose own sequence has the
    length the check expected: `src_key_padding_mask` and `memory_key_padding_mask` mask `src`,
    `tgt_key_padding_mask` masks `tgt`.  Two masks of one width (a source and a target padded to the same length)
    are told apart by the sequence each one masks."""
    other_len = sizes[1] if mask_len == sizes[0] else sizes[0]
    picks = []
    for a in frame.call_args:
        side = {"memory": "src"}.get(a.param.split("_")[0], a.param.split("_")[0]) if a.param in _KEY_PADDING else None
        mask = frame.tensor(a.text.strip()) if side else None
        seq = next((b for b in frame.call_args if b.param == side), None)
        if mask is None or not mask.shape or mask.shape[-1] != mask_len or seq is None:
            continue
        read = [frame.tensor(n) for n in re.findall(r"[A-Za-z_][\w.]*", seq.text)]
        if any(t is not None and len(t.shape) >= 2 and t.shape[1] == other_len for t in read):
            picks.append((a, mask))
    return picks[0] if len({id(a) for a, _ in picks}) == 1 else (None, None)


def _mask_passed_to_library(ctx: Context, frame, sizes: tuple[int, int]) -> Finding | None:
    """The user's call passed a mask (`attention_mask=...`) that a library combined with inputs of another
    length: the mask and the inputs are named by the call's own argument text."""
    if not ctx.raise_frames() or not frame.call_args:
        return None
    named = _NAMED_MASK.search(ctx.message)  # the message names which of the masks it checked
    order = (*(_KEY_PADDING if named.group(0).startswith("key") else ("attn_mask", "mask")), *MASK_PARAMS) \
        if named else MASK_PARAMS
    lib_mask = ctx.library_tensor(*order)
    if lib_mask is None or not lib_mask.shape or lib_mask.shape[-1] not in sizes:
        return None
    arg, base = next(((a, t) for p in order for a in frame.call_args if a.param == p
                      for t in [frame.tensor(a.text.strip())] if t is not None and t.ident == lib_mask.ident),
                     (None, None)) or (None, None)
    if arg is None:  # the library made its own copy of the mask (`_canonical_mask`): the argument by its pairing
        arg, base = _paired_key_mask(frame, sizes, lib_mask.shape[-1]) if named else (None, None)
    if arg is None:
        arg, base = ctx.call_arg_tensor(frame, order)
    if arg is None:
        return None
    mask_len = lib_mask.shape[-1]
    other_len = sizes[1] if mask_len == sizes[0] else sizes[0]
    oarg, obase = ctx.call_arg_tensor(frame, INPUT_PARAMS)
    if obase is None or other_len not in obase.shape:
        obase = next((t for t in frame.tensors if t.shape and t.shape[-1] == other_len and not is_mask_valued(t)
                      and t.is_integer), None)
        oarg = None
    if obase is None:
        return None
    mask = replace(base or lib_mask, expr=arg.text, frame=frame.index)
    other = replace(obase, expr=oarg.text, frame=frame.index) if oarg is not None else obase
    f = Finding()
    dim = ctx.groups.get("dim") or (other.shape.index(other_len) if other_len in other.shape else "?")
    if str(dim).isdigit() and int(dim) >= len(other.shape) and other_len in other.shape:
        dim = other.shape.index(other_len)  # the message counts the dimensions of a tensor made inside the op
    passed_as = f" (passed as `{arg.param}`)" if arg.param and arg.param != mask.expr else ""
    f.values.update(mask=mask.expr, mask_len=mask_len, other=other.expr, other_len=other_len,
                    dim=dim, mask_outer=mask.expr, also=passed_as, const="")
    consts = [c for c in ctx.scalar_names(mask_len) if c.isupper() or "len" in c.lower()]
    if consts:
        f.values["const"] = f" `{mask.expr}` has the fixed width {mask_len} = `{consts[0]}`."
    for t in (mask, other):
        e = evidence(t)
        if e:
            f.evidence.append(e)
    f.hints.update(mask=mask, mask_outer=mask, other=other, other_len=other_len, mask_len=mask_len,
                   consts=consts, mask_arg=arg, other_arg=oarg, other_base=obase)
    if mask_len - other_len == 1 and mask_unshifted_in_batch(ctx, f, mask.expr, other.expr):
        return f
    if other_len > mask_len and padded_widths(ctx, f, mask):
        return f
    from .padded_widths import stacked_beside_padded
    if other_len < mask_len and stacked_beside_padded(ctx, f, mask):
        return f
    from .entry_unpadded import entry_unpadded
    if entry_unpadded(ctx, f, mask, mask_len, other_len):
        return f
    if not _made_apart(ctx, f, mask, other, mask_len, other_len):
        from .reshaped import mask_follows
        if not mask_follows(ctx, f, mask, other, mask_len, other_len):
            _other_changed(ctx, f, mask, other, mask_len, other_len)
    return f


def _other_changed(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts, mask_len: int,
                   other_len: int) -> None:
    """The tensor the mask meets was made from tensors of the mask's length and changed length on the way (a
    strided layer, a pooling), the mask was not: hint `other_changed`, for the fix that takes the mask down the
    same way (fixes/masks.py, `_downsampled_mask`)."""
    if changed_from(ctx, other, other_len, mask_len, through_updates=True) and \
            not changed_from(ctx, mask, mask_len, other_len, through_updates=True):
        f.hints["other_changed"] = True
