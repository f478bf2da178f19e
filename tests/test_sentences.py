"""Every sentence of the built-in knowledge names the facts it needs.

A sentence that speaks of something a script may not have (a tokenizer, a transformers config, a DataLoader,
the last batch of a loop, -100 labels, ...) must carry an `if:` fact that guarantees it, so the same paragraph
never reaches a script where it is false.  The claims below are terms with the facts that license them; a
sentence without any such term is true whenever its pattern's conditions hold (and its placeholders have
values, which wording.py checks at run time).
"""
from __future__ import annotations

import re

import pytest

from explainerr.analyzers import FACTS, load_all
from explainerr.knowledge import load_knowledge

#: term (regex) → facts any one of which licenses a sentence that uses it.
CLAIMS: list[tuple[str, set[str]]] = [
    (r"(?i)tokeni[sz]|word ?pieces?|sub-?words?|word_ids|special tokens|\[CLS\]|\[SEP\]", {"tokenizer", "line-numbered", "mask-without-specials", "mask-padded-apart", "stale-encoding", "padded-unlike", "tokenizer-limit", "retokenized-untruncated", "padded-to-max", "mask-counts-words", "counts-words",
                                                                                             "words-truncated", "mask-of-other-encoding", "labels-per-text-loop"}),
    (r"max_position_embeddings|\bconfig\b|Config\b|from_pretrained|type_vocab_size|\bvocab_size\b",
     {"transformers-model", "config-field"}),
    (r"resize_token_embeddings|add_tokens|added tokens", {"added-tokens", "resized-after-load", "resized-to-tokenizer"}),
    (r"DataLoader|collate", {"dataloader", "collator-width", "labels-per-batch-size", "collator-shift", "padded-widths",
                             "padded-items", "dropped-last", "mask-collated", "pad-targets", "stacked-beside-padded",
                             "labels-cut-in-collate"}),
    (r"(?i)last(,)? (smaller |partial |shorter )?batch|final batch", {"partial-batch", "labels-per-batch-size", "dropped-last"}),
    (r"-100|ignore[_ ]index", {"negative", "ignore-index", "sentinel", "skipped-pieces"}),
    (r"(?i)one-hot", {"one-hot"}),
    (r"(?i)teacher forcing|decoder", {"shifted", "decoder-inputs", "shifted-one-side"}),
    (r"(?i)per word|word-level|word labels", {"word-labels"}),
    (r"(?i)1-based|one-based|labels? - 1|labels? start at 1", {"one-based"}),
    (r"(?i)\bGPU\b|\bCUDA\b", {"cuda"}),
    (r"(?i)numpy|np\.", {"numpy"}),
]


def _texts():
    patterns, errors = load_knowledge()
    assert not errors
    for p in patterns:
        texts = {"title": p.title, "summary": p.summary, "explain": p.explain,
                 "fix.description": p.fix_description, "fix.code": p.fix_code}
        for key in ("summary", "explain"):
            if p.text and key in p.text:
                texts[f"text.{key}"] = p.text[key]
        if p.text and p.text.get("fix"):
            texts.update({f"text.fix.{k}": v for k, v in p.text["fix"].items()})
        yield p.source.rsplit("#", 1)[-1], texts


def _unlicensed(sentence) -> list[str]:
    needs = set(sentence.needs)
    return [f"{sentence.say!r} says {m.group(0)!r} without one of {sorted(licenses)} in its `if:`"
            for term, licenses in CLAIMS for m in [re.search(term, sentence.say)] if m and not needs & licenses]


@pytest.mark.parametrize("pid,texts", [pytest.param(pid, texts, id=pid) for pid, texts in _texts()])
def test_every_claim_has_its_precondition(pid, texts):
    problems = [f"{key}[{i}]: {why}" for key, text in texts.items() for i, s in enumerate(text)
                for why in _unlicensed(s)]
    assert not problems, "\n".join(problems)


def test_claim_facts_exist():
    load_all()
    for _, licenses in CLAIMS:
        assert licenses & set(FACTS), f"none of {sorted(licenses)} is a declared fact"
