"""Analyzers for ids that exceed a table: embedding lookups (vocabulary, positions, token types) and class
labels beyond the classifier's outputs, plus ids of the wrong dtype."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..facts import Context, dtype_text
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
    from .. import source as src
    return any(re.search(r"[Tt]okenizer\b|\.add_tokens\(|\.add_special_tokens\(", src.text_of(f))
               for f in dict.fromkeys(fr.file for fr in ctx.user_frames()))


@analyzer("position-ids-exceed-table")
def position_overflow(ctx: Context) -> Finding | None:
    fail = embedding_failure(ctx)
    if fail is None or fail.role != "position" or _ids_exceed(fail) is False:
        return None
    f = _table_finding(fail, "position_ids")
    cfg = ctx.config()
    max_pos = cfg.get("max_position_embeddings", fail.num_embeddings)
    seq = (fail.ids.max + 1) if fail.ids and fail.ids.max is not None else None
    # the user's token ids: the longest sequence among user tensors named like ids
    user_ids = _user_token_ids(ctx)
    if user_ids is not None and user_ids.shape:
        seq = user_ids.shape[-1]
        f.values["ids"] = user_ids.expr
        f.hints["ids_root"] = re.split(r"[\[.]", user_ids.expr, maxsplit=1)[0]
        f.hints["ids_frame"] = user_ids.frame
        e = evidence(user_ids)
        if e:
            f.evidence.insert(0, e)
    f.values.update(seq_len=seq if seq is not None else "?", max_positions=max_pos)
    return f


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


@analyzer("label-exceeds-classes")
def label_out_of_range(ctx: Context) -> Finding | None:
    target = ctx.int_group("target")
    logits = ctx.library_tensor("input")
    lib_target = ctx.library_tensor("target")
    if logits is None or len(logits.shape) < 2:
        return None
    n_classes = logits.shape[1]
    labels = ctx.user_name(lib_target) if lib_target is not None else None
    if labels is None:
        cands = [t for f in ctx.user_frames() for t in f.tensors
                 if t.is_integer and t.max is not None and (t.max == target or t.min == target)
                 and re.search(r"label|target|tag|class|y\b", t.expr, re.I)]
        labels = cands[0] if cands else None
    lo = labels.min if labels else (lib_target.min if lib_target else None)
    hi = labels.max if labels else (lib_target.max if lib_target else None)
    f = Finding()
    f.values.update(target=target, n_classes=n_classes, last_class=n_classes - 1,
                    labels=labels.expr if labels else "the labels",
                    min_label=lo if lo is not None else "?", max_label=hi if hi is not None else "?")
    consts = ctx.scalar_names(n_classes)
    if not consts and ctx.config().get("num_labels") == n_classes:
        consts = ["num_labels"]  # a transformers model: the config's count of classes
    f.values["classes_name"] = consts[0] if consts else str(n_classes)
    f.values["classes_ref"] = f" (`{consts[0]}` = {n_classes})" if consts else ""
    e = evidence(labels, note=f"labels {lo}..{hi}" if lo is not None else None)
    if e:
        f.evidence.append(e)
    f.evidence.append(value_evidence("number of classes (logits.shape[1])", n_classes))
    if target is not None and target < 0:
        f.facts.add("negative")
    elif lo is not None and lo >= 1 and hi == n_classes:
        f.facts.add("one-based")
    else:
        f.facts.add("too-few-classes")
    f.hints.update(labels=labels, n_classes=n_classes, max_label=hi, target=target)
    return f


@analyzer("float-index")
def float_index(ctx: Context) -> Finding | None:
    frames = [ctx.user] if ctx.user else []
    lib = ctx.library_tensor("input", "indices", "index")
    candidates: list[TensorFacts] = []
    if lib is not None and not lib.is_integer and lib.dtype != "torch.bool":
        u = ctx.user_name(lib)
        if u is not None:
            candidates.append(u)
    for fr in frames:
        if fr is None:
            continue
        text = fr.statement or fr.node or ""
        index_names = _names_used_as_index(text)
        for t in fr.tensors:
            if t.is_float and t not in candidates and t.expr in index_names:
                candidates.append(t)
    if not candidates:
        return None
    bad = candidates[0]
    f = Finding()
    f.values.update(index=bad.expr, dtype=dtype_text(bad.dtype),
                    others=", ".join(f"`{c.expr}`" for c in candidates[1:]))
    fr = ctx.frames[bad.frame]
    origin = ctx.origin(bad.expr, fr)
    f.values["origin"] = f" It comes from `{origin[1]}`, which is {bad.dtype.replace('torch.', '')}." if origin else ""
    for c in candidates:
        e = evidence(c)
        if e:
            f.evidence.append(e)
    f.hints.update(tensors=candidates, origin=origin)
    return f


def _names_used_as_index(text: str) -> set[str]:
    """Names inside subscript slices, or given as ids to embedding / index_select / gather calls."""
    import ast
    try:
        tree = ast.parse(text.strip())
    except SyntaxError:
        return set()
    out: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Subscript):
            out.update(x.id for x in ast.walk(n.slice) if isinstance(x, ast.Name))
        elif isinstance(n, ast.Call):
            name = ast.unparse(n.func)
            if re.search(r"emb|index_select|gather|take", name, re.I) and n.args:
                arg = n.args[-1] if re.search(r"index_select|gather", name) else n.args[0]
                out.update(x.id for x in ast.walk(arg) if isinstance(x, ast.Name))
    return out
