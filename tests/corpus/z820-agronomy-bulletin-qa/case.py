"""Extractive QA over crop-protection bulletins (smoke test of the inference/post-processing path).

Bulletins are long, so each (question, bulletin) pair is split into overlapping windows
with the tokenizer's overflow support; every window is scored and the best span per
question is mapped back to characters of the bulletin.
"""
import os
import re
import tempfile
from collections import defaultdict

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

torch.manual_seed(13)

BULLETINS = [
    "Spray copper before the first rain.",
    "Late blight was confirmed in three potato fields north of the river this week. Growers should "
    "scout lower leaves daily and apply a protectant fungicide every seven days while nights stay "
    "humid. Remove volunteer potatoes from cull piles because they carry the pathogen into new crops.",
    "Wheat stripe rust pustules appear as yellow stripes on the flag leaf. Apply a triazole at "
    "flag leaf emergence when more than five percent of leaves show pustules, and keep a seven "
    "day gap between the spray and any irrigation to protect the residue on the canopy.",
]
QUESTIONS = [
    "when should copper be sprayed",
    "how often should growers apply fungicide",
    "when should a triazole be applied",
]

MAX_LEN = 48
STRIDE = 16


def write_vocab(texts):
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+|[0-9]+|[^\sa-z0-9]", t.lower())})
    folder = tempfile.mkdtemp(prefix="agro_qa_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_windows(tok, questions, contexts):
    return tok(
        questions,
        contexts,
        truncation="only_second",
        max_length=MAX_LEN,
        stride=STRIDE,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )


def context_positions(enc, feat_idx, width):
    seq_ids = enc.sequence_ids(feat_idx)
    flags = [sid == 1 for sid in seq_ids] + [False] * (width - len(seq_ids))
    return torch.tensor(flags)


def best_span(start_row, end_row, allowed, max_answer_tokens=15):
    start_row = start_row.masked_fill(~allowed, -1e4)
    end_row = end_row.masked_fill(~allowed, -1e4)
    pair = start_row[:, None] + end_row[None, :]
    width = pair.size(0)
    ok = torch.ones(width, width, dtype=torch.bool).triu()
    ok &= ~torch.ones(width, width, dtype=torch.bool).triu(diagonal=max_answer_tokens)
    pair = pair.masked_fill(~ok, -1e9)
    flat = int(pair.argmax())
    return flat // width, flat % width, float(pair.max())


def main():
    tok = BertTokenizer(write_vocab(BULLETINS + QUESTIONS))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = BertForQuestionAnswering(cfg).eval()

    enc = encode_windows(tok, QUESTIONS, BULLETINS)
    n_windows = len(enc["input_ids"])
    print(f"{len(QUESTIONS)} questions -> {n_windows} windows")

    model_inputs = tok.pad(
        {k: enc[k] for k in ("input_ids", "token_type_ids", "attention_mask")},
        return_tensors="pt",
    )
    with torch.no_grad():
        out = model(**model_inputs)
    start_logits, end_logits = out.start_logits, out.end_logits
    width = start_logits.size(1)

    windows_of = defaultdict(list)
    for feat_idx, ex_idx in enumerate(enc["overflow_to_sample_mapping"]):
        windows_of[ex_idx].append(feat_idx)

    answers = {}
    for ex_idx, feat_ids in windows_of.items():
        best = None
        for window_no, feat_idx in enumerate(feat_ids):
            allowed = context_positions(enc, feat_idx, width)
            s, e, score = best_span(start_logits[feat_idx], end_logits[feat_idx], allowed)
            spans = torch.tensor(enc["offset_mapping"][window_no])
            char_start, char_end = int(spans[s, 0]), int(spans[e, 1])
            if best is None or score > best[0]:
                best = (score, char_start, char_end)
        _, c0, c1 = best
        answers[ex_idx] = BULLETINS[ex_idx][c0:c1]
        print(f"[q{ex_idx}] {QUESTIONS[ex_idx]!r} -> {answers[ex_idx]!r} ({len(feat_ids)} windows)")

    print(f"answered {len(answers)} questions")


if __name__ == "__main__":
    main()
