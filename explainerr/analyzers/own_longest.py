"""Labels padded to their own longest while the inputs are padded to a constant: the labels' helper writes
`longest = max(len(t) for t in tag_lists)` and pads each row with `[pad] * (longest - len(row))`, the inputs
are padded with `[pad] * (MAX_WORDS - len(ids))` elsewhere, so a batch of short sentences gets fewer labels
than token predictions.  The labels are padded to the inputs' constant instead.  Read from the user's source:
the helper the labels' provenance calls, and the one constant of the inputs' width used in a padding."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact
from .classes import user_files
from .padded_items import pad_list

LABELS_OWN_LONGEST = fact("labels-own-longest", "`labels_helper` pads the labels to their own longest "
                                                "(`longest_name = longest_was`, line `longest_line`) while the "
                                                "inputs are padded to `inputs_width`")


def _longest_widths(fn: ast.FunctionDef) -> list[ast.Assign]:
    """`W = max(len(x) for x in xs)` assignments of `fn` whose W counts a padding (`[pad] * (W - len(row))`)."""
    made = [a for a in src.statements(fn, nested=True) if isinstance(a, ast.Assign) and len(a.targets) == 1
            and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Call)
            and src.call_name(a.value) == "max"
            and any(isinstance(c, ast.Call) and src.call_name(c) == "len" for c in ast.walk(a.value))]
    counts = [c for n in ast.walk(fn) for c in [pad_list(n, 0)] if isinstance(c, ast.BinOp)
              and isinstance(c.op, ast.Sub) and isinstance(c.left, ast.Name)]
    return [a for a in made if any(c.left.id == a.targets[0].id for c in counts)]


def _constant_padding(ctx: Context, width: int) -> list[str]:
    """Upper-case names holding `width` that count a padding somewhere in the user's files
    (`ids + [0] * (MAX_WORDS - len(ids))`)."""
    names = {c for c in ctx.scalar_names(width) if c.isidentifier() and c.isupper()}
    out = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for n in ast.walk(tree) if tree is not None else ():
            c = pad_list(n, 0)
            if isinstance(c, ast.BinOp) and isinstance(c.op, ast.Sub) and isinstance(c.left, ast.Name) \
                    and c.left.id in names:
                out.append(c.left.id)
    return list(dict.fromkeys(out))


def labels_own_longest(ctx: Context, f: Finding, labels: TensorFacts, ids: TensorFacts) -> bool:
    """Adds the fact with hint `own_longest` = (file, the width's assignment, the constant) when the labels,
    narrower than the inputs, were made by one helper of the user's files that pads them to their own longest,
    and exactly one upper-case constant as wide as the inputs counts the padding of something else."""
    from ..provenance import origin_statement, trace, user_function
    if labels.shape[1] >= ids.shape[1]:
        return False
    consts = _constant_padding(ctx, ids.shape[1])
    if len(consts) != 1:
        return False
    found = []
    for o in trace(ctx, labels):
        stmt = origin_statement(o)
        tree = src.tree_of(o.file)
        if stmt is None or tree is None:
            continue
        for call in src.calls(stmt):
            fn = user_function(tree, call, stmt.lineno)
            widths = _longest_widths(fn) if isinstance(fn, ast.FunctionDef) else []
            if len(widths) == 1 and consts[0] not in {n.id for n in src.nodes(fn, ast.Name)}:
                found.append((o.file, fn, widths[0]))
    if len({id(w) for _, _, w in found}) != 1:
        return False
    file, fn, width = found[0]
    f.facts.add(LABELS_OWN_LONGEST)
    f.values.update(labels_helper=fn.name, longest_name=width.targets[0].id, longest_line=width.lineno,
                    longest_was=src.segment(file, width.value), inputs_width=consts[0])
    f.hints["own_longest"] = (file, width, consts[0])
    return True
