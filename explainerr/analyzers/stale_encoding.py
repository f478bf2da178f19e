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


MASK_OF_OTHER_ENCODING = fact("mask-of-other-encoding", "the mask is read from the encoding `container` (line "
                                                        "`mask_line`), the ids from `ids_encoding` (line "
                                                        "`ids_line`), two tokenizer calls on the same texts")
_IDS = re.compile(r"^(?P<e>[A-Za-z_]\w*)(?:\.input_ids|\[[\"']input_ids[\"']\])(?P<rest>.*)$")


def mask_of_other_encoding(ctx: Context, f: Finding, mask: TensorFacts, other: TensorFacts) -> bool:
    """Adds the fact, and the hint `own_mask` = the mask's text to use, when `other` is `E2["input_ids"]...` and
    `mask` is `E1["attention_mask"]` (directly or through a local given it, rows selected or not), `E1` and `E2`
    both assigned whole from tokenizer calls on the same texts."""
    from ..fixes import is_tokenizer_call
    if mask.frame != other.frame:
        return False
    frame = ctx.frames[mask.frame]
    mask_text, other_text = mask.expr, other.expr
    if mask.expr in frame.params and other.expr in frame.params:  # a module's `forward(input_ids, attention_mask)`
        given = [ctx.origin(e, frame) for e in (mask.expr, other.expr)]
        if None in given or given[0][0] is not given[1][0] or given[0][0] is frame:
            return False
        frame, mask_text, other_text = given[0][0], given[0][1].strip(), given[1][1].strip()
    ids = _IDS.match(other_text)
    sel = re.match(r"^(?P<head>[A-Za-z_]\w*(?:\.attention_mask|\[[\"']attention_mask[\"']\])?)(?P<rest>(\[[^\]]*\])*)$",
                   mask_text)
    if ids is None or sel is None:
        return False
    tree = src.tree_of(frame.file)
    head = sel.group("head")  # `am` of `am[rows]`: the rows selected are selected from the own mask too
    m = _ITEM.match(head)
    read_at = frame.line
    if m is None and head.isidentifier() and tree is not None:  # `am = first["attention_mask"]`
        made = src.last_assignment(tree, head, frame.line)
        m = _ITEM.match(src.segment(frame.file, made.value)) if made is not None else None
        read_at = made.stmt.lineno if made is not None else read_at  # the encoding as it was there
    if m is None or tree is None or m.group("c") == ids.group("e"):
        return False
    made = [src.last_assignment(tree, name, line)
            for name, line in ((m.group("c"), read_at), (ids.group("e"), frame.line))]
    calls = [a.value if a is not None else None for a in made]
    if not all(isinstance(c, ast.Call) and is_tokenizer_call(c, ctx) and c.args for c in calls) or \
            ast.dump(calls[0].args[0]) != ast.dump(calls[1].args[0]):
        return False
    key = ".attention_mask" if other_text.startswith(f"{ids.group('e')}.input_ids") else '["attention_mask"]'
    own = f"{ids.group('e')}{key}{sel.group('rest')}"  # read the way the ids are read, rows selected alike
    f.facts.add(MASK_OF_OTHER_ENCODING)
    f.values.update(container=m.group("c"), mask_line=made[0].stmt.lineno, ids_encoding=ids.group("e"),
                    ids_line=made[1].stmt.lineno, own_mask=own)
    f.hints["own_mask"] = (frame.index, mask_text, own)
    f.confidence = "high"
    return True
