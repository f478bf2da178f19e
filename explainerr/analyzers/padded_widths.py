"""A mask padded apart from its batch inside one collate function: the batch is padded by the tokenizer to a
rounded or fixed width (`tokenizer.pad(enc, pad_to_multiple_of=8)`, `padding="max_length"`) while the mask
returned beside it is padded by `pad_sequence` to the longest row, so the two widths differ whenever the longest
row is not already that width.  Read from the user's source: the DataLoader's `collate_fn` (a function or a
`functools.partial` of one), the tuple it returns and the loop that unpacks it."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact
from .collators import collate_def

PADDED_WIDTHS = fact("padded-widths", "the collate function `collate` pads the batch `batch_name` with "
                                      "`batch_call` (`width_rule`) and the mask `mask_local` with pad_sequence, "
                                      "to the longest row")


def _loader_call(tree: ast.Module, loop: ast.For) -> ast.Call | None:
    """The `DataLoader(...)` call the loop walks: in its header, or where the name it walks was assigned (in the
    same scope, else anywhere in the file: a loader made in `main` and passed in)."""
    it = loop.iter
    if isinstance(it, ast.Name):
        made = src.last_assignment(tree, it.id, loop.lineno)
        if made is None or not (isinstance(made.value, ast.Call) and src.call_name(made.value).endswith("DataLoader")):
            made = next((a for a in reversed(src.assignments(tree, it.id)) if isinstance(a.value, ast.Call)
                         and src.call_name(a.value).endswith("DataLoader")), None)
        it = made.value if made is not None else None
    return it if isinstance(it, ast.Call) and src.call_name(it).endswith("DataLoader") else None


def _width_rule(call: ast.Call) -> str | None:
    multiple = src.keyword(call, "pad_to_multiple_of")
    if multiple is not None:
        return f"to a multiple of {ast.unparse(multiple.value)}"
    padding = src.keyword(call, "padding")
    if padding is not None and isinstance(padding.value, ast.Constant) and padding.value.value == "max_length":
        length = src.keyword(call, "max_length")
        return f"to max_length = {ast.unparse(length.value)}" if length is not None else "to max_length"
    return None


def _collated_returns(ctx: Context, mask: TensorFacts):
    """For each loop of the user's files that unpacks the mask from a DataLoader with a collate function returning
    one tuple: (file, tree, the collate function, its return, the mask's local name there)."""
    names = {t.expr for t in ctx.all_user_names(mask)} | {mask.expr}
    inverted = re.fullmatch(r"~\s*(\w+)", mask.expr)  # `~valid` passed as a padding mask: the mask is `valid`
    if inverted:
        names.add(inverted.group(1))
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        if tree is None:
            continue
        for loop in (n for n in src.nodes(tree, ast.For) if isinstance(n.target, ast.Tuple)):
            slot = next((i for i, t in enumerate(loop.target.elts) if isinstance(t, ast.Name) and t.id in names), None)
            loader = _loader_call(tree, loop) if slot is not None else None
            fn = collate_def(tree, loader) if loader is not None else None
            rets = [r for r in ast.walk(fn) if isinstance(r, ast.Return) and isinstance(r.value, ast.Tuple)] \
                if fn is not None else []
            if len(rets) != 1 or slot >= len(rets[0].value.elts) or not isinstance(rets[0].value.elts[slot], ast.Name):
                continue
            yield file, tree, fn, rets[0], rets[0].value.elts[slot].id


def padded_widths(ctx: Context, f: Finding, mask: TensorFacts) -> bool:
    """Adds the fact, and the hint `padded_widths` = (file, the mask's pad_sequence statement, its name, the
    batch's name, pad value), when the loop that unpacks the mask from a DataLoader gets it from a collate
    function that pads the batch beside it to another width rule."""
    for file, tree, fn, ret, local in _collated_returns(ctx, mask):
        mask_made = src.assignments(tree, local, fn, before=ret.lineno)
        seq = mask_made[-1].value if mask_made else None
        if not (isinstance(seq, ast.Call) and src.call_name(seq).split(".")[-1] == "pad_sequence"):
            continue
        for other in (e for e in ret.value.elts if isinstance(e, ast.Name) and e.id != local):
            other_made = src.assignments(tree, other.id, fn, before=ret.lineno)
            call = other_made[-1].value if other_made else None
            rule = _width_rule(call) if isinstance(call, ast.Call) else None
            if rule is None:
                continue
            pad = src.keyword(seq, "padding_value")
            f.facts.add(PADDED_WIDTHS)
            f.values.update(collate=fn.name, batch_name=other.id, width_rule=rule, mask_local=local,
                            batch_call=" ".join(src.segment(file, call).split()), collate_line=fn.lineno)
            f.hints["padded_widths"] = (file, mask_made[-1].stmt, local, other.id,
                                        src.segment(file, pad.value) if pad is not None else "0")
            f.confidence = "high"
            return True
    return False


STACKED_BESIDE_PADDED = fact("stacked-beside-padded", "the collate function `collate` stacks the masks `mask_local` "
                                                      "(`mask_made`) at the width they were made, while it pads "
                                                      "`batch_name` with pad_sequence to the batch's longest item")


def stacked_beside_padded(ctx: Context, f: Finding, mask: TensorFacts) -> bool:
    """Adds the fact, and the hint `stacked_beside_padded` = (file, the mask's statement, its value, the cut
    text), when the mask comes out of a collate function that stacks per-item masks (`torch.stack(valid)`, each as
    wide as a fixed capacity) beside items it pads with `pad_sequence` to the longest one: the mask is wider than
    its batch whenever the longest item is shorter than the capacity; cut it there to the padded width."""
    for file, tree, fn, ret, local in _collated_returns(ctx, mask):
        mask_made = src.assignments(tree, local, fn, before=ret.lineno)
        stacked = mask_made[-1].value if mask_made else None
        if not (isinstance(stacked, ast.Call) and src.call_name(stacked).split(".")[-1] == "stack"):
            continue
        padded = [e.id for e in ret.value.elts if isinstance(e, ast.Name) and e.id != local
                  for a in src.assignments(tree, e.id, fn, before=ret.lineno)[-1:]
                  if isinstance(a.value, ast.Call) and src.call_name(a.value).split(".")[-1] == "pad_sequence"
                  and src.keyword(a.value, "batch_first") is not None]
        if len(padded) != 1:
            continue
        text = src.segment(file, stacked)
        f.facts.add(STACKED_BESIDE_PADDED)
        f.values.update(collate=fn.name, collate_line=fn.lineno, mask_local=local, batch_name=padded[0],
                        mask_made=" ".join(text.split()), mask_cut=f"{text}[:, :{padded[0]}.shape[1]]")
        f.hints["stacked_beside_padded"] = (file, mask_made[-1].stmt, stacked, f.values["mask_cut"])
        f.confidence = "high"
        return True
    return False
