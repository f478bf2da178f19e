"""A mask padded apart from its batch inside one collate function: the batch is padded by the tokenizer to a
rounded or fixed width (`tokenizer.pad(enc, pad_to_multiple_of=8)`, `padding="max_length"`) while the mask
returned beside it is padded by `pad_sequence` to the longest row, so the two widths differ whenever the longest
row is not already that width.  Read from the user's source: the DataLoader's `collate_fn` (a function or a
`functools.partial` of one), the tuple it returns and the loop that unpacks it."""
from __future__ import annotations

import ast

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


def padded_widths(ctx: Context, f: Finding, mask: TensorFacts) -> bool:
    """Adds the fact, and the hint `padded_widths` = (file, the mask's pad_sequence statement, its name, the
    batch's name, pad value), when the loop that unpacks the mask from a DataLoader gets it from a collate
    function that pads the batch beside it to another width rule."""
    names = {t.expr for t in ctx.all_user_names(mask)} | {mask.expr}
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
            local = rets[0].value.elts[slot].id
            mask_made = src.assignments(tree, local, fn, before=rets[0].lineno)
            seq = mask_made[-1].value if mask_made else None
            if not (isinstance(seq, ast.Call) and src.call_name(seq).split(".")[-1] == "pad_sequence"):
                continue
            for other in (e for e in rets[0].value.elts if isinstance(e, ast.Name) and e.id != local):
                other_made = src.assignments(tree, other.id, fn, before=rets[0].lineno)
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
