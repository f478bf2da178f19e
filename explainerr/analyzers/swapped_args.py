"""Arguments given to the user's own function in each other's places: `mean_pool(enc["attention_mask"],
out.last_hidden_state)` for `def mean_pool(token_embs, attn)`.  Inside, the mask sits in the parameter named for
the hidden states and the states in the one named for the mask, so their sizes disagree the way a mask of the
wrong length would; the mistake is the order at the call, which no pattern of the catalogue names.  Read from
the parameters' names and the tensors they hold (the frame's, never the user's objects)."""
from __future__ import annotations

import re

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
