"""A batch entry left out of the padding its siblings get: a collate function returns `{"input_ids":
torch.tensor([pad(f.input_ids) for f in feats]), ..., "context_mask": torch.tensor([f.context_mask for f in
feats])}`, where `pad` (a lambda or function of the collate) pads each row to `width`, the batch's longest.  The
mask's rows keep the width they were made with, so the mask meets the padded ids at another length.  Rows
wider than the batch are cut to `width` (`f.context_mask[:width]`: they were all made that wide, or the tensor
could not have been made); narrower ones go through `pad` like their siblings."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact
from .classes import user_files

ENTRY_UNPADDED = fact("entry-unpadded", "the batch maker `batch_fn` passes the rows of its other entries through `pad_fn`, "
                                        "which pads them to `pad_width`, but not the rows of `mask_key`")
_KEY = re.compile(r"""\w+\[["'](\w+)["']\]""")


def _pad_width(fn: ast.AST, name: str) -> str | None:
    """The width the local padder `name` pads to: `width` of `lambda s: s + [0] * (width - len(s))`."""
    made = [a for a in src.statements(fn) if isinstance(a, ast.Assign) and len(a.targets) == 1
            and isinstance(a.targets[0], ast.Name) and a.targets[0].id == name and isinstance(a.value, ast.Lambda)]
    defs = [d for d in ast.walk(fn) if isinstance(d, ast.FunctionDef) and d.name == name and d is not fn]
    body = made[0].value if len(made) == 1 else defs[0] if len(defs) == 1 else None
    widths = {ast.unparse(n.left) for n in ast.walk(body) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub)
              and isinstance(n.right, ast.Call) and src.call_name(n.right) == "len"} if body is not None else set()
    return widths.pop() if len(widths) == 1 else None


def _rows(value: ast.AST) -> ast.ListComp | None:
    """The list comprehension of rows a batch entry is made from (`torch.tensor([...]).bool()`)."""
    comps = [n for n in ast.walk(value) if isinstance(n, ast.ListComp)]
    return comps[0] if len(comps) == 1 else None


def entry_unpadded(ctx: Context, f: Finding, mask: TensorFacts, mask_len: int, other_len: int) -> bool:
    """Adds the fact and the hint `entry_unpadded` = (file, statement, the row expression, its new text)."""
    key = _KEY.fullmatch(mask.expr)
    if key is None:
        return False
    hits = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for d in src.nodes(tree, ast.Dict) if tree is not None else ():
            entries = {k.value: v for k, v in zip(d.keys, d.values) if isinstance(k, ast.Constant)}
            if key.group(1) not in entries:
                continue
            fn = src.enclosing_scope(tree, d.lineno)
            own = _rows(entries[key.group(1)])
            if own is None or not isinstance(fn, ast.FunctionDef):
                continue
            called = {src.call_name(r.elt) for k, v in entries.items() if k != key.group(1)
                      for r in [_rows(v)] if r is not None and isinstance(r.elt, ast.Call)}
            padders = {p: w for p in called if p for w in [_pad_width(fn, p)] if w is not None}
            if len(padders) != 1 or (isinstance(own.elt, ast.Call) and src.call_name(own.elt) in padders):
                continue
            pad, width = padders.popitem()
            row = src.segment(file, own.elt)
            new = f"{row}[:{width}]" if mask_len > other_len else f"{pad}({row})"
            hits.append((file, src.statement_at(tree, own.elt.lineno), own.elt, new, fn.name, pad, width))
    if len(hits) != 1 or hits[0][1] is None:
        return False
    file, stmt, node, new, collate, pad, width = hits[0]
    f.facts.add(ENTRY_UNPADDED)
    f.values.update(batch_fn=collate, pad_fn=pad, pad_width=width, mask_key=key.group(1),
                    mask_row=src.segment(file, node), mask_row_fixed=new, mask_row_line=node.lineno)
    f.hints["entry_unpadded"] = (file, stmt, node, new)
    return True
