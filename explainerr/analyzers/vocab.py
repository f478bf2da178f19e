"""Analyzers for ids that exceed an embedding table: token ids past the vocabulary (added tokens, a
config sized apart from the tokenizer, negative padding fed as ids) and token type ids past the segment table.
`embedding_failure` finds the lookup that raised; lengths.py uses it for position tables."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import source as src
from ..facts import Context
from ..model import ModuleFacts, TensorFacts
from . import Finding, analyzer, evidence, value_evidence

_POSITION = re.compile(r"pos|wpe", re.I)
_TOKEN_TYPE = re.compile(r"type|seg", re.I)


@dataclass
class EmbeddingFailure:
    ids: TensorFacts | None          # the index tensor as the library saw it
    user_ids: TensorFacts | None     # the same tensor under the user's name
    num_embeddings: int | None
    name: str | None                 # attribute name of the table in its parent module
    role: str                        # "vocab" | "position" | "token_type"


def embedding_failure(ctx: Context) -> EmbeddingFailure | None:
    """The embedding lookup that raised, from the raising frames (F.embedding or nn.Embedding.forward)."""
    ids = num = None
    name = None
    module: ModuleFacts | None = None
    for f in ctx.raise_frames() or ([ctx.user] if ctx.user else []):
        if f is None:
            continue
        if f.function in ("embedding", "embedding_bag") and f.tensor("input") is not None:
            ids = ids or f.tensor("input")
            w = f.tensor("weight")
            if w is not None and w.shape:
                num = num or w.shape[0]
        for m in f.modules:
            if m.expr == "self" and m.cls in ("Embedding", "EmbeddingBag") and module is None:
                module = m
    if module is not None:
        num = num or module.attrs.get("num_embeddings")  # type: ignore[assignment]
        name = module.attrs.get("name")  # type: ignore[assignment]
    if ids is None and module is None:
        return None
    if name is None and ctx.user is not None and ctx.user.node:
        m = re.search(r"(\w+)\s*\(", ctx.user.node)
        name = m.group(1) if m else None
    cfg = ctx.config()
    role = "vocab"
    if name and _POSITION.search(name.rsplit(".", 1)[-1]):
        role = "position"
    elif name and _TOKEN_TYPE.search(name.rsplit(".", 1)[-1]):
        role = "token_type"
    elif num is not None and num == cfg.get("max_position_embeddings") and num != cfg.get("vocab_size"):
        role = "position"
    elif num is not None and num == cfg.get("type_vocab_size") and num != cfg.get("vocab_size"):
        role = "token_type"
    user_ids = ctx.user_name(ids) if ids is not None else None
    if name:  # the user's own expression for the table, e.g. `self.char_emb`
        for f in ctx.user_frames():
            hit = next((m.expr for m in f.modules if m.expr.endswith("." + name) and m.cls.startswith("Embedding")),
                       None)
            if hit:
                name = hit
                break
    return EmbeddingFailure(ids=ids, user_ids=user_ids, num_embeddings=int(num) if num else None,
                            name=name, role=role)


def _ids_exceed(fail: EmbeddingFailure) -> bool | None:
    t = fail.ids
    if t is None or t.max is None or fail.num_embeddings is None:
        return None
    return t.max >= fail.num_embeddings or (t.min is not None and t.min < 0)


def _table_finding(fail: EmbeddingFailure, default_ids: str) -> Finding:
    ids_expr = fail.user_ids.expr if fail.user_ids else default_ids
    f = Finding()
    f.values.update(ids=ids_expr, table=fail.name or "the embedding", num_embeddings=fail.num_embeddings,
                    last_valid=(fail.num_embeddings - 1) if fail.num_embeddings else "?",
                    max_id=fail.ids.max if fail.ids and fail.ids.max is not None else "?",
                    min_id=fail.ids.min if fail.ids and fail.ids.min is not None else "?")
    ev = evidence(fail.user_ids or fail.ids, ids_expr,
                  note=f"ids {f.values['min_id']}..{f.values['max_id']}" if fail.ids and fail.ids.max is not None
                  else None)
    if ev:
        f.evidence.append(ev)
    f.evidence.append(value_evidence(f"{fail.name or 'embedding'}.num_embeddings", fail.num_embeddings))
    f.hints["ids_root"] = re.split(r"[\[.]", ids_expr, maxsplit=1)[0]
    f.hints["ids_frame"] = fail.user_ids.frame if fail.user_ids else None
    f.hints.update(table=fail.name, num_embeddings=fail.num_embeddings,
                   max_id=fail.ids.max if fail.ids else None)
    return f


@analyzer("vocab-ids-exceed-table")
def vocab_overflow(ctx: Context) -> Finding | None:
    fail = embedding_failure(ctx)
    if fail is None or fail.role != "vocab" or _ids_exceed(fail) is False:
        return None
    f = _table_finding(fail, "input_ids")
    cfg = ctx.config()
    if "vocab_size" in cfg:
        f.values["vocab_size"] = cfg["vocab_size"]
        f.evidence.append(value_evidence("config.vocab_size", cfg["vocab_size"]))
    negative = fail.ids is not None and fail.ids.min is not None and fail.ids.min < 0
    too_big = fail.ids is not None and fail.ids.max is not None and fail.num_embeddings is not None and (
        fail.ids.max >= fail.num_embeddings)
    f.values["bad_ids"] = (f"token ids up to {f.values['max_id']}" if too_big or not negative
                           else f"negative token ids ({f.values['min_id']})")
    if too_big or not negative:
        f.facts.add("tokenizer" if cfg or _uses_tokenizer(ctx) else "own-vocab")
    if negative:
        f.facts.add("negative")
    f.hints.update(table=fail.name, num_embeddings=fail.num_embeddings, user_ids=fail.user_ids,
                   max_id=fail.ids.max if fail.ids else None, negative=negative)
    f.confidence = "high" if _ids_exceed(fail) else "medium"
    return f


def _uses_tokenizer(ctx: Context) -> bool:
    """Whether the user's files make or call a tokenizer (the added-tokens story applies)."""
    return any(re.search(r"[Tt]okenizer\b|\.add_tokens\(|\.add_special_tokens\(", src.text_of(f))
               for f in dict.fromkeys(fr.file for fr in ctx.user_frames()))


def _user_token_ids(ctx: Context) -> TensorFacts | None:
    lib = ctx.library_tensor("input_ids")
    u = ctx.user_name(lib) if lib is not None else None
    if u is not None:
        return u
    cands = [t for f in ctx.user_frames() for t in f.tensors
             if t.is_integer and len(t.shape) == 2 and re.search(r"ids|tok|input|src|x\b", t.expr, re.I)]
    return max(cands, key=lambda t: t.shape[-1]) if cands else None


@analyzer("token-type-ids-exceed-table")
def token_type_overflow(ctx: Context) -> Finding | None:
    fail = embedding_failure(ctx)
    if fail is None or fail.role != "token_type" or _ids_exceed(fail) is False:
        return None
    f = _table_finding(fail, "token_type_ids")
    cfg = ctx.config()
    f.values["type_vocab_size"] = cfg.get("type_vocab_size", fail.num_embeddings)
    f.values["needed"] = (fail.ids.max + 1) if fail.ids and fail.ids.max is not None else "?"
    return f
