"""A CUDA kernel assert (device-side assert, illegal memory access): the real error happened in an earlier
kernel and was reported late, and no tensor value may be read any more.  What can still be said comes from
metadata only (shapes, module sizes, the frames): which kind of call the traceback ends in, the size its
index must stay under, and the command that makes the error synchronous for the user's own script.
"""
from __future__ import annotations

import os
import re

from ..facts import Context
from . import Finding, analyzer, fact, value_evidence

CUDA = fact("cuda", "the devices involved include a CUDA device")
EMBEDDING_CALL = fact("embedding-call", "the traceback ends in an embedding lookup (ids must be below its rows)")
LOSS_CALL = fact("loss-call", "the traceback ends in a classification loss (labels must be below the classes)")
INDEX_CALL = fact("index-call", "the traceback ends in indexing, gather or scatter (indices must fit the dimension)")
TABLE_ROWS = fact("table-rows", "the number of rows of the embedding the traceback ends in is known")
REPORTED_LATE = fact("reported-late", "the traceback ends in no kernel that checks indices: the assert was raised by "
                                      "an earlier call and reported here")
_LOSSES = ("cross_entropy", "nll_loss")
_INDEXING = ("gather", "scatter", "index_select", "take_along_dim", "__getitem__")


@analyzer("text-cuda-assert")
def device_assert(ctx: Context) -> Finding | None:
    """Live or from a pasted log alike: only frames, shapes and module sizes are used."""
    f = Finding(confidence="medium")
    f.facts.add(CUDA)
    frames = ctx.raise_frames()
    functions = [fr.function for fr in frames]
    user = ctx.user
    f.values["op"] = next((fn for fn in functions if fn not in ("_call_impl", "_wrapped_call_impl", "forward")),
                          user.function if user else None)
    f.values["line"] = (user.node or user.source).strip() if user else None
    scripts = [fr.file for fr in ctx.frames if not fr.library and os.path.isfile(fr.file)]
    tops = [fr.file for fr in ctx.frames if not fr.library and fr.function == "<module>" and fr.file in scripts]
    f.values["script"] = os.path.basename((tops or scripts)[0]) if scripts else None
    if "embedding" in functions or "embedding_bag" in functions:
        f.facts.add(EMBEDDING_CALL)
        _embedding_bound(ctx, f)
    elif any(fn in _LOSSES for fn in functions):
        f.facts.add(LOSS_CALL)
        logits = ctx.library_tensor("input")
        if logits is not None and len(logits.shape) >= 2:
            f.values["classes"] = logits.shape[1]
            f.evidence.append(value_evidence("classes (logits' dimension 1)", logits.shape[1]))
    elif any(fn in _INDEXING for fn in functions) or (user and re.search(r"\w\[[^\]]*\w[^\]]*\]", user.node or "")):
        f.facts.add(INDEX_CALL)
    else:
        f.facts.add(REPORTED_LATE)
    if f.values["op"]:
        f.evidence.append(value_evidence("last call before the report", f.values["op"]))
    return f


def _embedding_bound(ctx: Context, f: Finding) -> None:
    """The table's rows and the user's name for the ids (shapes and module sizes only: no values)."""
    from .vocab import embedding_failure
    fail = embedding_failure(ctx)
    if fail is None or fail.num_embeddings is None:
        return
    f.facts.add(TABLE_ROWS)
    f.values.update(table=fail.name, num_embeddings=fail.num_embeddings, last_valid=fail.num_embeddings - 1,
                    role={"vocab": "token", "position": "position", "token_type": "segment"}[fail.role])
    passed = ctx.passed_as(fail.ids) if fail.ids is not None else None
    f.values["ids"] = passed[2].expr if passed is not None else (fail.user_ids.expr if fail.user_ids else None)
    f.evidence.append(value_evidence(f"{fail.name}.num_embeddings", fail.num_embeddings))
