"""Fix for a size counted without the reserved entries its sibling setting counts: `cfg = SimpleNamespace(
src_vocab=len(SRC_WORDS) + 4, tgt_vocab=len(TGT_WORDS))` (four special tokens before the words), so the layer sized
by `tgt_vocab` has 4 rows or outputs too few for the ids the vocabulary gives.  The bare count gets the sibling's
`+ 4`.  Read from the user's source: the one group of settings (a call's keywords or a dict's items) with both
forms, the bare count's value being the failing size and the count plus the offset covering what is needed."""
from __future__ import annotations

import ast

from .. import source as src
from ..analyzers import Finding, fact
from ..analyzers.classes import static_int, user_files
from ..facts import Context
from ..model import Edit
from . import edits_of

OFFSET_LEFT_OUT = fact("offset-left-out", "`bare_key` = `bare_expr` (line `bare_line`) counts `size` while its "
                                          "sibling `sib_key` = `sib_expr` adds `offset` for the reserved entries")


def _counted(node: ast.AST) -> tuple[ast.Call, int] | None:
    """(`len(X)`, k) of `len(X) + k`, k a positive integer; (`len(X)`, 0) of a bare `len(X)`."""
    if isinstance(node, ast.Call) and src.call_name(node) == "len" and len(node.args) == 1:
        return node, 0
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.right, ast.Constant) \
            and type(node.right.value) is int and node.right.value > 0 and isinstance(node.left, ast.Call) \
            and src.call_name(node.left) == "len" and len(node.left.args) == 1:
        return node.left, node.right.value
    return None


def _groups(tree: ast.Module):
    """[(key, value)] of each call's keywords and each dict literal's string keys."""
    for c in src.calls(tree):
        yield [(k.arg, k.value) for k in c.keywords if k.arg]
    for d in src.nodes(tree, ast.Dict):
        yield [(k.value, v) for k, v in zip(d.keys, d.values) if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def offset_left_out(ctx: Context, f: Finding, size: object, need: object) -> list[Edit]:
    """`tgt_vocab=len(TGT_WORDS)` → `len(TGT_WORDS) + 4` beside `src_vocab=len(SRC_WORDS) + 4` (module docstring)."""
    if type(size) is not int or type(need) is not int or need <= size:
        return []
    hits = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for group in _groups(tree) if tree is not None else ():
            counted = [(key, value, c) for key, value in group if (c := _counted(value)) is not None]
            offsets = {c[1] for _, _, c in counted if c[1]}
            if len(offsets) != 1:
                continue
            k = offsets.pop()
            for key, value, (call, extra) in counted:
                if extra == 0 and static_int(ctx, tree, call) == size and size + k >= need:
                    sib = next((kk, vv) for kk, vv, cc in counted if cc[1])
                    hits.append((file, key, value, sib, k))
    if len(hits) != 1:
        return []
    file, key, value, (sib_key, sib_value), k = hits[0]
    stmt = src.statement_at(src.tree_of(file), value.lineno)
    if stmt is None:
        return []
    text = src.segment(file, value)
    f.facts.add(OFFSET_LEFT_OUT)
    f.confidence = "high"  # the sibling's offset brings the count to what the data needs: the numbers decide
    f.values.update(bare_key=key, bare_expr=text, bare_line=value.lineno, size=size, sib_key=sib_key,
                    sib_expr=" ".join(src.segment(file, sib_value).split()), offset=k, bare_fixed=f"{text} + {k}",
                    counted_size=size + k)
    return edits_of(src.LineEditor.for_node(file, stmt).replace(value, f"{text} + {k}"))
