"""Arguments given to the user's own function in each other's places: `mean_pool(enc["attention_mask"],
out.last_hidden_state)` for `def mean_pool(token_embs, attn)`.  Inside, the mask sits in the parameter named for
the hidden states and the states in the one named for the mask, so their sizes disagree the way a mask of the
wrong length would; the mistake is the order at the call, which no pattern of the catalogue names.  Read from
the parameters' names and the tensors they hold (the frame's, never the user's objects)."""
from __future__ import annotations

import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts

_MASK_NAME = re.compile(r"(?i)mask|attn|attention|keep|pad")


def mask_in_other_parameter(ctx: Context, mask: TensorFacts | None) -> str | None:
    """The parameter named like a mask (`attn`) that holds a float tensor of more dimensions than `mask`, when
    `mask` is another parameter of the same frame, named unlike a mask, holding 0/1 (or bool) values: the two
    were passed in each other's places.  Its name, or None."""
    if mask is None or not mask.expr.isidentifier() or _MASK_NAME.search(mask.expr):
        return None
    frame = ctx.frames[mask.frame]
    if frame.library or mask.expr not in frame.params:
        return None
    from .masks import is_mask_valued
    if not is_mask_valued(mask):
        return None
    for p in frame.params:
        t = frame.tensor(p)
        if (p != mask.expr and _MASK_NAME.search(p) and t is not None and t.dtype.startswith("torch.float")
                and len(t.shape) > len(mask.shape)):
            return p
    return None


def ids_for_another_table(ctx: Context, ids: TensorFacts | None, table: str | None, rows: int | None) -> str | None:
    """Two id tensors given in each other's places (`for trails, hikers, stars in loader` over a dataset that
    yields hikers first): the ids that overflow `table` (`rows` rows) fit another embedding table of the same
    frame, and that table's own ids, another parameter of the frame with the same shape, fit `table`.  Two
    tables each fitting the other's ids tie the numbers to a swap, which no pattern of the catalogue names.
    That other table's expression, or None."""
    if ids is None or ids.max is None or rows is None or not table:
        return None
    user = ctx.user_name(ids) or ids
    frame = ctx.frames[user.frame]
    if frame.library:
        return None
    tree = src.tree_of(frame.file)
    text = src.segment(frame.file, src.enclosing_scope(tree, frame.line)) if tree is not None else ""
    for m in frame.modules:
        n = m.attrs.get("num_embeddings")
        if not m.cls.startswith("Embedding") or m.expr == table or not isinstance(n, int) or ids.max >= n:
            continue
        for p in frame.params:
            other = frame.tensor(p)
            if (other is None or p == user.expr or other.shape != ids.shape or not other.is_integer
                    or other.max is None or other.min is None or other.min < 0 or other.max >= rows):
                continue
            if re.search(rf"{re.escape(m.expr)}\s*\(\s*{re.escape(p)}\b", text) and \
                    re.search(rf"{re.escape(table)}\s*\(\s*{re.escape(user.expr)}\b", text):
                return m.expr
    return None
