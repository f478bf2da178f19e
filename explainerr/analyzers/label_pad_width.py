"""Labels aligned to the word pieces but padded to another width than the tokenizer pads the ids to: one user
function tokenizes with `padding="max_length", max_length=M` and pads the labels with a call given `W`
(`pad_labels(aligned, CONFIG["max_words"])`), `W` holding the labels' width and `M` the ids'.  The labels take
`M`.  Read from the user's source (nothing runs)."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact
from .classes import _LABEL_NAME, static_int, user_files

LABELS_PADDED_OTHER_MAX = fact("labels-padded-other-max", "`labels_padded` (line `labels_pad_line`) pads the labels "
                                                          "to `label_width` while `tok_call` pads the ids to "
                                                          "max_length = `ids_width` (line `tok_line`)")


def labels_padded_other_max(ctx: Context, f: Finding, labels: TensorFacts, ids: TensorFacts) -> bool:
    from ..fixes import tokenizes
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None or "word_ids" not in src.text_of(file):
            continue
        for fn in src.nodes(tree, ast.FunctionDef):
            toks = [c for c in src.calls(fn) if tokenizes(c, ctx, tree) and _pads_to_max(c)]
            if len(toks) != 1:
                continue
            most = src.keyword(toks[0], "max_length").value
            if static_int(ctx, tree, most) != ids.shape[1]:
                continue
            for st in src.statements(fn):
                if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                        and _LABEL_NAME.search(st.targets[0].id) and isinstance(st.value, ast.Call)):
                    continue
                widths = [a for a in st.value.args if not isinstance(a, ast.Constant)
                          and static_int(ctx, tree, a) == labels.shape[1]
                          and src.segment(file, a) != src.segment(file, most)]
                if len(widths) == 1:
                    found.append((file, st, widths[0], toks[0], most))
    if len(found) != 1:
        return False
    file, st, width, tok, most = found[0]
    f.facts.add(LABELS_PADDED_OTHER_MAX)
    f.values.update(labels_padded=" ".join(src.segment(file, st).split()), labels_pad_line=st.lineno,
                    label_width=src.segment(file, width), ids_width=src.segment(file, most),
                    tok_call=" ".join(src.segment(file, tok).split()), tok_line=tok.lineno)
    f.hints["labels_padded_other_max"] = (file, st, width, src.segment(file, most))
    return True


def _pads_to_max(call: ast.Call) -> bool:
    padding, most = src.keyword(call, "padding"), src.keyword(call, "max_length")
    return most is not None and padding is not None and isinstance(padding.value, ast.Constant) \
        and padding.value.value == "max_length"
