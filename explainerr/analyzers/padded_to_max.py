"""Labels padded to a configured maximum length while the tokenizer pads the inputs only to each batch's
longest text: the user's code pads every example's labels with `[-100] * (args.max_len - len(labels))`, and the
tokenizer call that makes the inputs has `max_length=args.max_len` but `padding="longest"` (or True), so the
labels come out wider than the logits.  Padding the inputs to that same maximum (`padding="max_length"`) makes
both one width.  Read from the user's source only: the padding expression and the tokenizer call, tied by the
text of their shared maximum."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact
from .classes import user_files
from .padded_items import pad_list

PADDED_TO_MAX = fact("padded-to-max", "the labels are padded to `max_expr` (`label_pad`, line `label_pad_line`) "
                                      "while the tokenizer call (line `tok_line`) that has `max_length=max_expr` "
                                      "pads the inputs only to the longest text (`padding_was`)")


def padded_to_max(ctx: Context, pad: int) -> Finding | None:
    """The finding when exactly one tokenizer call of the user's files pads to the longest text with
    `max_length=X` and the labels are padded with `pad` to `X - len(...)` somewhere in those files (X the same
    text): hint `padded_to_max` = (file, the padding keyword's value node)."""
    from ..fixes import tokenizes
    found = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        if tree is None:
            continue
        widths = {}
        for n in ast.walk(tree):
            count = pad_list(n, pad)
            if isinstance(count, ast.BinOp) and isinstance(count.op, ast.Sub):
                widths.setdefault(" ".join(ast.unparse(count.left).split()), n)
        for call in (c for c in src.calls(tree) if tokenizes(c, ctx, tree)):
            longest, most = src.keyword(call, "padding"), src.keyword(call, "max_length")
            if longest is None or most is None or not (isinstance(longest.value, ast.Constant)
                                                       and longest.value.value in (True, "longest")):
                continue
            made = widths.get(" ".join(ast.unparse(most.value).split()))
            if made is not None:
                found.append((file, call, longest, most, made))
    if len(found) != 1:
        return None
    file, call, longest, most, made = found[0]
    f = Finding(facts={PADDED_TO_MAX})
    f.values.update(max_expr=src.segment(file, most.value), label_pad=" ".join(src.segment(file, made).split()),
                    label_pad_line=made.lineno, tok_line=call.lineno,
                    padding_was=f"padding={src.segment(file, longest.value)}")
    f.hints["padded_to_max"] = (file, longest.value)
    return f
