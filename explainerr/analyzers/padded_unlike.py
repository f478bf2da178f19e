"""Items from two tokenizer calls that pad differently: one call pads every text to `max_length` (the length
of one side of a ragged batch), another call of the same script tokenizes without padding, so a batch that
mixes their items (a ConcatDataset of both, an augmented copy beside the original) has rows of both lengths.
Read from the user's source: the calls, their `padding` and `max_length` keywords, and the function each is in."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, fact

PADDED_UNLIKE = fact("padded-unlike", "`unpadded_call` (in `unpadded_where`) tokenizes without padding while "
                                      "`padded_call` pads to max_length = `padded_len`")


def _padding(call: ast.Call) -> str | None:
    """The call's `padding` as text; None when it does not pad."""
    kw = src.keyword(call, "padding")
    if kw is None:
        return None
    if isinstance(kw.value, ast.Constant):
        return None if kw.value.value in (False, "do_not_pad") else str(kw.value.value)
    return ast.unparse(kw.value)


def _value(ctx: Context, node: ast.AST | None) -> int | None:
    """An int literal, or a name whose value the frames hold."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Name):
        for fr in ctx.frames:
            v = fr.scalars.get(node.id)
            if type(v) is int:
                return v
    return None


def padded_unlike(ctx: Context, f: Finding, lengths: tuple[int, int] | None) -> bool:
    """Adds the fact, and the hint `padded_unlike` = (file, the unpadded call, the padded call), when the user's
    files hold a tokenizer call padding to max_length equal to one of `lengths` (when the message gives them) and
    exactly one tokenizer call without padding; high confidence only when the message's lengths tie them."""
    from ..fixes import tokenizes
    padded, unpadded = [], []
    for file in dict.fromkeys(fr.file for fr in ctx.user_frames()):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            if not (call.args and tokenizes(call, ctx, tree)):
                continue
            pad = _padding(call)
            if pad == "max_length":
                n = _value(ctx, getattr(src.keyword(call, "max_length"), "value", None))
                if n is not None and (lengths is None or n in lengths):
                    padded.append((file, call, n, tree))
            elif pad is None:
                unpadded.append((file, call, tree))
    if not padded or len(unpadded) != 1:
        return False
    file, call, tree = unpadded[0]
    pfile, pcall, n, _ = padded[0]
    scope = src.enclosing_scope(tree, call.lineno)
    fn = scope if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    f.facts.add(PADDED_UNLIKE)
    f.values.update(unpadded_call=" ".join(src.segment(file, call).split()), unpadded_line=call.lineno,
                    unpadded_where=f"`{fn.name}`" if fn is not None else f"line {call.lineno}",
                    padded_call=" ".join(src.segment(pfile, pcall).split()), padded_line=pcall.lineno, padded_len=n)
    f.hints["padded_unlike"] = (file, call, pfile, pcall)
    # the message's lengths tie the padded call to the batch; without them the two calls are a likely reading
    if lengths is not None:
        f.confidence = "high"
    return True
