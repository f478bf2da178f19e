"""Frame labels counted otherwise than the spectrogram counts its frames: `torch.stft(..., hop_length=H)` with
`center=True` (the default) gives `1 + n // H` frames of `n` samples, while the labels are sized `n // H`, one
frame short per clip, so the model's frame predictions outnumber the labels.  The count gets the `1 +`.  Read
from the user's source (nothing runs)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files

STFT_FRAMES = fact("stft-frames", "`frames_made` (line `frames_line`) counts `n // hop` frames, while `stft_call` "
                                  "(line `stft_line`, centred) makes `1 + n // hop`")


def stft_frames(ctx: Context) -> Finding | None:
    found, stfts = [], []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for call in src.calls(tree):
            if src.call_name(call).split(".")[-1] != "stft":
                continue
            center, hop = src.keyword(call, "center"), src.keyword(call, "hop_length")
            if hop is None or center is not None and not (isinstance(center.value, ast.Constant)
                                                          and center.value.value is True):
                continue
            stfts.append((file, call, _value(ctx, tree, hop.value)))
        hops = {h for fl, _, h in stfts if fl == file} - {None}
        for st in src.nodes(tree, ast.Assign):
            v = st.value
            if len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) and isinstance(v, ast.BinOp) \
                    and isinstance(v.op, ast.FloorDiv) and _value(ctx, tree, v.right) in hops \
                    and _sizes_an_array(tree, st):
                found.append((file, st))
    if len(found) != 1 or len({h for _, _, h in stfts}) != 1:
        return None
    file, st = found[0]
    sfile, call, _ = stfts[0]
    f = Finding(facts={STFT_FRAMES}, confidence="medium")
    f.values.update(frames_made=" ".join(src.segment(file, st).split()), frames_line=st.lineno,
                    stft_call=" ".join(src.segment(sfile, call).split()), stft_line=call.lineno,
                    frames_fixed=f"1 + {src.segment(file, st.value)}")
    f.hints["stft_frames"] = (file, st)
    return f


def _sizes_an_array(tree: ast.Module, st: ast.Assign) -> bool:
    """The name is the size of an array made right after in the same function (`np.zeros(n_frames, ...)`)."""
    name = st.targets[0].id
    scope = src.enclosing_scope(tree, st.lineno)
    return any(isinstance(c, ast.Call) and src.call_name(c).split(".")[-1] in ("zeros", "ones", "full", "empty")
               and c.args and name in src.names_in(c.args[0]) and c.lineno >= st.lineno for c in src.calls(scope))


def _value(ctx: Context, tree: ast.Module, node: ast.AST) -> int | None:
    """The int `node` holds: plainly (a constant, a module constant), or as a parameter of its function that the
    function's one call gives plainly (`hop` of `def frame_labels(events, n, hop)` called with `HOP`)."""
    from .classes import static_int
    value = static_int(ctx, tree, node)
    if value is None and isinstance(node, ast.Name) and hasattr(node, "lineno"):
        fn = src.enclosing_scope(tree, node.lineno)
        given = src.sole_argument(tree, fn, node.id) if isinstance(fn, ast.FunctionDef) else None
        value = static_int(ctx, tree, given) if given is not None else None
    return value


UNFOLD_FRAMES = fact("unfold-frames", "`frames_made` (line `frames_line`) counts `1 + n // hop` frames, while "
                                      "`unfold_call` (line `unfold_line`) makes `1 + (n - size) // hop`")


def unfold_frames(ctx: Context) -> Finding | None:
    """A count of frames written `1 + n // H` (returned, or assigned) where the user's files frame signals with
    `x.unfold(dim, W, H)` (one such call, the same H): unfold makes only `1 + (n - W) // H` frames, the last
    window having to fit whole, so the count runs W // H frames past them.  The count becomes `1 + (n - W) // H`."""
    unfolds, counts = [], []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for call in src.calls(tree):
            if isinstance(call.func, ast.Attribute) and call.func.attr == "unfold" and len(call.args) == 3:
                unfolds.append((file, call, _value(ctx, tree, call.args[2]), call.args[1]))
        for node in src.nodes(tree, ast.BinOp):
            if isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant) and node.left.value == 1 \
                    and isinstance(node.right, ast.BinOp) and isinstance(node.right.op, ast.FloorDiv) \
                    and not isinstance(node.right.left, ast.BinOp):
                stmt = src.statement_at(tree, node.lineno)
                if isinstance(stmt, (ast.Return, ast.Assign)) and stmt.value is node:
                    counts.append((file, tree, stmt, node))
    if len(unfolds) != 1 or unfolds[0][2] is None:
        return None
    ufile, call, hop, size = unfolds[0]
    counts = [c for c in counts if _value(ctx, c[1], c[3].right.right) == hop]
    if len(counts) != 1:
        return None
    file, tree, stmt, node = counts[0]
    n, h = src.segment(file, node.right.left), src.segment(file, node.right.right)
    f = Finding(facts={UNFOLD_FRAMES}, confidence="medium")
    f.values.update(frames_made=" ".join(src.segment(file, stmt).split()), frames_line=stmt.lineno,
                    unfold_call=" ".join(src.segment(ufile, call).split()), unfold_line=call.lineno,
                    frames_fixed=f"1 + ({n} - {src.segment(ufile, size)}) // {h}")
    f.hints["unfold_frames"] = (file, stmt, node)
    return f
