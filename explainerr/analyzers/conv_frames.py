"""A padding mask counted in frames of a strided convolution with the wrong formula, read from the user's source
(nothing runs): the model frames its samples with `nn.Conv1d(..., kernel_size=WIN, stride=HOP)` (no padding),
which makes `(L - WIN) // HOP + 1` frames of L samples, while the code that builds the mask counts
`math.ceil(L / HOP)` (or `L // HOP`) frames; the two differ by about WIN / HOP.  The fix counts the frames as
the convolution does, everywhere the code counts them with that stride."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import static_int, user_files

CONV_FRAMES = fact("conv-frames", "`framer` makes (L - `kernel`) // `stride` + 1 frames of L samples, but "
                                  "`counter` counts the mask's frames as `counted` (line `counted_line`)")


def _conv(call: ast.Call) -> tuple[ast.expr, ast.expr] | None:
    """(kernel, stride) of `nn.Conv1d(cin, cout, kernel, stride)` / keywords, without padding."""
    if src.call_name(call).split(".")[-1] != "Conv1d":
        return None
    kernel = src.keyword(call, "kernel_size")
    stride = src.keyword(call, "stride")
    kernel = kernel.value if kernel is not None else call.args[2] if len(call.args) > 2 else None
    stride = stride.value if stride is not None else call.args[3] if len(call.args) > 3 else None
    pad = src.keyword(call, "padding")
    if kernel is None or stride is None or len(call.args) > 4 or (
            pad is not None and not (isinstance(pad.value, ast.Constant) and pad.value.value == 0)):
        return None
    return kernel, stride


def _counted(node: ast.AST, stride: str) -> ast.expr | None:
    """L of `math.ceil(L / HOP)`, `L // HOP`, `-(-L // HOP)`."""
    if isinstance(node, ast.Call) and src.call_name(node) in ("math.ceil", "ceil") and len(node.args) == 1:
        inner = node.args[0]
        if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Div) and ast.unparse(inner.right) == stride:
            return inner.left
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv) and ast.unparse(node.right) == stride:
        return node.left
    return None


def conv_frames(ctx: Context, mask_len: int, other_len: int) -> Finding | None:
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        convs = [(c, k, s) for c in src.calls(tree) for ks in [_conv(c)] if ks for k, s in [ks]]
        for conv, kernel, stride in convs:
            k, s = static_int(ctx, tree, kernel), static_int(ctx, tree, stride)
            if not (isinstance(k, int) and isinstance(s, int) and s > 1 and k > s) or not isinstance(stride, ast.Name):
                continue
            if not any((length - k) // s + 1 == other_len for length in range((mask_len - 1) * s + 1, mask_len * s + 1)):
                continue  # no input length gives the mask's count this way and the frames' count the convolution's
            owner = src.enclosing_scope(tree, conv.lineno)
            for fn in src.nodes(tree, ast.FunctionDef):
                if src.contains(fn, conv.lineno) or (owner is not tree and src.contains(owner, fn.lineno)):
                    continue
                counts = [(n, length) for n in ast.walk(fn) for length in [_counted(n, stride.id)] if length is not None]
                inner = {id(x) for m, _ in counts for x in ast.walk(m) if x is not m}  # `L // HOP` inside `ceil(L / HOP)`
                counts = [(n, length) for n, length in counts if id(n) not in inner]
                if counts:
                    found.append((file, conv, kernel, stride, fn, counts))
    if len(found) != 1:
        return None
    file, conv, kernel, stride, fn, counts = found[0]
    k_text, s_text = src.segment(file, kernel), src.segment(file, stride)
    edits = []
    for node, length in counts:
        text = src.segment(file, length)
        text = text if isinstance(length, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)) else f"({text})"
        stmt = src.statement_at(src.tree_of(file), node.lineno)
        edits.append((stmt, node, f"({text} - {k_text}) // {s_text} + 1"))
    first = counts[0][0]
    f = Finding(facts={CONV_FRAMES}, confidence="high")
    f.values.update(framer=" ".join(src.segment(file, conv).split()), kernel=k_text, stride=s_text, counter=fn.name,
                    counted=src.segment(file, first), counted_line=first.lineno, frames_fixed=edits[0][2])
    f.hints["conv_frames"] = (file, edits)
    return f
