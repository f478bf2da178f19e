"""Analyzer for CTC labels past the head: transformers' `...ForCTC` models (wav2vec2, HuBERT, WavLM, ...) check
`labels.max() >= config.vocab_size` before they run and raise "Label values must be <= vocab_size: N".  The
labels are ids of the character or token vocabulary that made them, the head has `config.vocab_size` outputs:
the config was sized apart from that vocabulary.  Read here: the labels the model got (their largest value, the
user's name for them) and the config call of the user's files that gives `vocab_size`."""
from __future__ import annotations

import ast

from .. import source as src
from ..facts import Context
from . import Finding, analyzer, evidence, fact, value_evidence
from .classes import user_files
from .label_range import CONFIG_FIELD

CTC_HEAD_SIZE_SET = fact("ctc-head-size-set", "a config call of the user's files gives `vocab_size` "
                                              "(`vocab_size_was`, line `vocab_size_line`)")


@analyzer("ctc-labels-past-head")
def ctc_labels_past_head(ctx: Context) -> Finding | None:
    size = ctx.int_group("size")
    labels = ctx.library_tensor("labels")
    if size is None or labels is None or labels.max is None or labels.max < size:
        return None
    user = ctx.user_name(labels)
    f = Finding(facts={CONFIG_FIELD})
    f.values.update(n_classes=size, last_class=size - 1, max_label=labels.max, need=labels.max + 1,
                    labels=(user or labels).expr, target=labels.max)
    e = evidence(user or labels, note=f"labels up to {labels.max}")
    if e:
        f.evidence.append(e)
    f.evidence.append(value_evidence("config.vocab_size (the CTC head's outputs)", size))
    sites = _vocab_size_sites(ctx)
    if len(sites) == 1:
        file, call, kw = sites[0]
        f.facts.add(CTC_HEAD_SIZE_SET)
        f.values.update(vocab_size_was=src.segment(file, kw.value), vocab_size_line=call.lineno,
                        config_call=src.call_name(call))
    f.confidence = "medium"
    return f


def _vocab_size_sites(ctx: Context) -> list[tuple[str, ast.Call, ast.keyword]]:
    """The config calls of the user's files that give `vocab_size=`."""
    out = []
    for file in user_files(ctx):
        tree = src.tree_of(file)
        for call in src.calls(tree) if tree is not None else ():
            kw = src.keyword(call, "vocab_size")
            if kw is not None and src.is_config_call(call):
                out.append((file, call, kw))
    return out


@analyzer("text-ctc-labels")
def ctc_labels_text(ctx: Context) -> Finding | None:
    """A pasted traceback: the message names the head's size, `config.vocab_size`."""
    size = ctx.int_group("size")
    if size is None:
        return None
    return Finding(facts={CONFIG_FIELD}, values={"n_classes": size, "last_class": size - 1})
