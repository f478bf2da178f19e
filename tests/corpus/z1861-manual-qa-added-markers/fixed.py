"""Extractive QA over long appliance service manuals.

Manuals are longer than the reader's context, so each (question, manual) pair is
split into overlapping windows with truncation="only_second" and a stride. The
manual text carries procedure markers ([STEP], [WARN]) that we register as
special tokens so they are never split. The best start/end pair over all windows
is mapped back to characters through the offset mapping.
"""
import os
import re
import tempfile

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

torch.manual_seed(11)

MARKERS = ["[STEP]", "[WARN]"]
CTX_WINDOW = 64
CTX_STRIDE = 24
MAX_ANSWER_TOKENS = 12

MANUAL = (
    "Dishwasher model DW 400 service guide . [WARN] Disconnect the unit from mains power before any "
    "service work . [STEP] Remove the lower rack and unscrew the filter assembly by turning it counter "
    "clockwise . [STEP] Rinse the coarse filter under warm water and brush the fine mesh gently . "
    "[WARN] Never operate the dishwasher without the filter installed because debris can damage the "
    "drain pump . [STEP] Check the spray arm nozzles for blockage and clear them with a toothpick . "
    "[STEP] Reinstall the spray arm until it clicks into place . The drain pump is located behind the "
    "kick plate and is held by two screws . [STEP] To replace the drain pump remove the kick plate then "
    "release the two screws and disconnect the hose clamp . [WARN] Water may remain in the sump so place "
    "a towel under the pump . [STEP] Fit the new pump and tighten the screws to 2 newton metres . Error "
    "code E 24 means the drain is blocked and error code E 15 means water was detected in the base pan ."
)

QUESTIONS = [
    "where is the drain pump located",
    "what does error code E 15 mean",
    "how do you remove the filter assembly",
]


def make_reader_tokenizer(corpus, workdir):
    pieces = set()
    for text in corpus:
        for marker in MARKERS:
            text = text.replace(marker, " ")
        pieces.update(re.findall(r"[a-z]+|\d+|[^\sa-z\d]", text.lower()))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(pieces)
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(path)
    tok.add_special_tokens({"additional_special_tokens": MARKERS})
    return tok


def encode_windows(tok, question, manual):
    enc = tok(
        [question],
        [manual],
        truncation="only_second",
        max_length=CTX_WINDOW,
        stride=CTX_STRIDE,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding="max_length",
        return_tensors="pt",
    )
    ctx_masks = []
    for w in range(enc["input_ids"].size(0)):
        seq_ids = enc.sequence_ids(w)
        ctx_masks.append(torch.tensor([s == 1 for s in seq_ids]))
    return enc, torch.stack(ctx_masks)


def best_span(start_logits, end_logits, ctx_mask, offsets):
    best = (float("-inf"), None)
    for w in range(start_logits.size(0)):
        starts = start_logits[w].masked_fill(~ctx_mask[w], float("-inf"))
        ends = end_logits[w].masked_fill(~ctx_mask[w], float("-inf"))
        top_s = starts.topk(5).indices.tolist()
        top_e = ends.topk(5).indices.tolist()
        for s in top_s:
            for e in top_e:
                if e < s or e - s + 1 > MAX_ANSWER_TOKENS:
                    continue
                score = (starts[s] + ends[e]).item()
                if score > best[0]:
                    best = (score, (offsets[w, s, 0].item(), offsets[w, e, 1].item()))
    return best


def main():
    workdir = tempfile.mkdtemp(prefix="manualqa_")
    tok = make_reader_tokenizer([MANUAL] + QUESTIONS, workdir)
    print(f"reader vocabulary: {tok.vocab_size} base entries, markers {MARKERS}")

    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=CTX_WINDOW,
    )
    reader = BertForQuestionAnswering(cfg).eval()

    for question in QUESTIONS:
        enc, ctx_mask = encode_windows(tok, question, MANUAL)
        offsets = enc.pop("offset_mapping")
        enc.pop("overflow_to_sample_mapping")
        with torch.no_grad():
            out = reader(**enc)
        score, span = best_span(out.start_logits, out.end_logits, ctx_mask, offsets)
        answer = MANUAL[span[0]:span[1]] if span else ""
        print(f"Q: {question}\n   windows={enc['input_ids'].size(0)} score={score:.3f} A: {answer!r}")


if __name__ == "__main__":
    main()
