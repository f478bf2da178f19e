"""A mask taken from one tokenizer call and ids from a later call on the same texts, of which only the ids
were kept (`src_ids = tok(texts, max_length=20, ...).input_ids` while `src.attention_mask` still comes from
`src = tok(texts, padding=True)`): the later call made both, so its whole encoding is kept and the mask read
from it.  Read from the user's source (a notebook exported cell by cell is the usual shape)."""
from __future__ import annotations

import ast
import re

from .. import source as src
from ..facts import Context
from ..model import TensorFacts
from . import Finding, fact

STALE_ENCODING = fact("stale-encoding", "`other` keeps only the ids of a later tokenizer call on the same texts "
                                        "(`ids_call`, line `ids_line`), while the mask comes from the earlier "
                                        "encoding `container` (line `mask_line`)")
_ITEM = re.compile(r"^(?P<c>[A-Za-z_]\w*)(?:\.attention_mask|\[[\"']attention_mask[\"']\])$")


def stale_encoding(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts) -> bool:
    """Adds the fact, and the hint `stale` = (file, statement of the ids, call, container), when `mask` is
    `C.attention_mask` of `C = tokenizer(X, ...)` and `other` a plain name assigned `tokenizer(X, ...).input_ids`
    later in the same scope, both calls on the same texts `X`."""
    from ..fixes import is_tokenizer_call
    m = _ITEM.match(mask.expr)
    if m is None or mask.frame != other.frame or not other.expr.isidentifier():
        return False
    frame = ctx.frames[other.frame]
    tree = src.tree_of(frame.file)
    if tree is None:
        return False
    ids_made = src.last_assignment(tree, other.expr, frame.line)
    enc_made = src.last_assignment(tree, m.group("c"), frame.line)
    if ids_made is None or enc_made is None or ids_made.stmt.lineno <= enc_made.stmt.lineno:
        return False
    ids_call = _ids_of_call(ids_made.value)
    enc_call = enc_made.value
    if ids_call is None or not isinstance(enc_call, ast.Call) or not (
            is_tokenizer_call(ids_call, ctx) and is_tokenizer_call(enc_call, ctx)):
        return False
    if not ids_call.args or not enc_call.args or ast.dump(ids_call.args[0]) != ast.dump(enc_call.args[0]):
        return False
    f.facts.add(STALE_ENCODING)
    f.values.update(ids_call=" ".join(src.segment(frame.file, ids_call).split()), ids_line=ids_made.stmt.lineno,
                    container=m.group("c"), mask_line=enc_made.stmt.lineno)
    f.hints["stale"] = (frame.file, ids_made.stmt, ids_call, m.group("c"), other.expr, ids_made.value)
    f.confidence = "high"
    return True


def _ids_of_call(value: ast.AST | None) -> ast.Call | None:
    """The call in `tok(...).input_ids` / `tok(...)["input_ids"]`."""
    if isinstance(value, ast.Attribute) and value.attr == "input_ids" and isinstance(value.value, ast.Call):
        return value.value
    if (isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant) and value.slice.value == "input_ids"
            and isinstance(value.value, ast.Call)):
        return value.value
    return None
