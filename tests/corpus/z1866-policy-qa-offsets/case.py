"""Extractive QA over long insurance policy wordings.

Policies overflow the encoder, so each (question, policy) pair is split into
overlapping windows. Window start/end logits are decoded back to character
spans of the original policy via the offset mapping, keeping the best window.
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

random.seed(3)
torch.manual_seed(3)

MAX_LEN = 64
DOC_STRIDE = 20
MAX_ANSWER_TOKENS = 8

FILLER = (
    "the insurer shall indemnify the insured against loss or damage to the property "
    "described in the schedule subject to the terms conditions and exclusions of this policy "
    "any claim must be notified in writing as soon as reasonably practicable"
).split()

POLICIES = [
    ("what is the flood excess", "the flood excess is 2500 dollars per claim", "2500 dollars"),
    ("how long is the cooling off period", "the cooling off period is fourteen days from inception", "fourteen days"),
    ("who must approve alterations", "alterations must be approved by the underwriter in writing", "the underwriter"),
]


def build_policy(clause):
    before = " ".join(random.choice(FILLER) for _ in range(random.randint(60, 110)))
    after = " ".join(random.choice(FILLER) for _ in range(random.randint(40, 90)))
    return f"{before} {clause} {after}"


def write_vocab(folder, texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(folder, "policy_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def window_encode(tokenizer, questions, policies):
    return tokenizer(
        questions,
        policies,
        truncation="only_second",
        max_length=MAX_LEN,
        stride=DOC_STRIDE,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding="max_length",
        return_tensors="pt",
    )


def run_windows(model, windows):
    windows.pop("offset_mapping")
    windows.pop("overflow_to_sample_mapping")
    with torch.no_grad():
        out = model(**windows)
    return out.start_logits, out.end_logits


def best_span(start_row, end_row, offsets, seq_ids):
    best = (float("-inf"), None)
    ctx = [i for i, s in enumerate(seq_ids) if s == 1]
    for s in ctx:
        for e in ctx:
            if e < s or e - s + 1 > MAX_ANSWER_TOKENS:
                continue
            score = start_row[s].item() + end_row[e].item()
            if score > best[0]:
                best = (score, (offsets[s][0].item(), offsets[e][1].item()))
    return best


def decode_answers(windows, start_logits, end_logits, policies):
    owners = windows["overflow_to_sample_mapping"]
    offsets = windows["offset_mapping"]
    answers = [(float("-inf"), "") for _ in policies]
    for w in range(start_logits.size(0)):
        doc = owners[w].item()
        score, span = best_span(start_logits[w], end_logits[w], offsets[w], windows.sequence_ids(w))
        if span is not None and score > answers[doc][0]:
            answers[doc] = (score, policies[doc][span[0]:span[1]])
    return answers


def main():
    questions = [q for q, _, _ in POLICIES]
    policies = [build_policy(clause) for _, clause, _ in POLICIES]
    gold = [a for _, _, a in POLICIES]

    tmp = tempfile.mkdtemp(prefix="policyqa_")
    tokenizer = BertTokenizer(write_vocab(tmp, questions + policies))
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_LEN,
    )
    reader = BertForQuestionAnswering(cfg).eval()

    windows = window_encode(tokenizer, questions, policies)
    print(f"{len(policies)} policies -> {windows['input_ids'].size(0)} windows")

    start_logits, end_logits = run_windows(reader, windows)
    answers = decode_answers(windows, start_logits, end_logits, policies)

    for q, (score, text), g in zip(questions, answers, gold):
        print(f"Q: {q}\n  predicted: {text!r} (score {score:.2f})  gold: {g!r}")


if __name__ == "__main__":
    main()
