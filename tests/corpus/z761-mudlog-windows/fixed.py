"""Token tagging of long mud-logging reports (lithology / depth / shows).

Reports are longer than what we want to feed the encoder at once, so they are
cut into overlapping windows for training; at inference each window is tagged
and the per-token probabilities are averaged back onto the full report.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer, Trainer,
                          TrainingArguments, set_seed)

set_seed(3)
rng = random.Random(3)

TAGS = ["O", "LITH", "DEPTH", "SHOW"]
LITHOLOGY = ["sandstone", "shale", "limestone", "dolomite", "siltstone", "claystone"]
SHOWS = ["gas", "fluorescence", "cut"]
FILLER = ["drilled", "ahead", "at", "m", "with", "minor", "traces", "of", "grey", "fine", "grained",
          "cemented", "returns", "poor", "background", "good", "trip", "no", "streaks", "soft", ",", "."]


@dataclass(frozen=True)
class WindowProfile:
    size: int
    stride: int


TRAIN_PROFILE = WindowProfile(size=32, stride=16)
INFER_PROFILE = WindowProfile(size=32, stride=32)


def fake_report(n_sentences):
    words = []
    for _ in range(n_sentences):
        depth = str(rng.randrange(1200, 3400, 5))
        words += ["drilled", "ahead", "at", depth, "m", rng.choice(LITHOLOGY), "with", "minor",
                  rng.choice(LITHOLOGY), "streaks", ","]
        words += rng.sample(FILLER, 4) + [rng.choice(SHOWS), rng.choice(["good", "poor"]), "."]
    return words


def tag_of(word):
    if word.isdigit():
        return TAGS.index("DEPTH")
    if word in LITHOLOGY:
        return TAGS.index("LITH")
    return TAGS.index("SHOW") if word in SHOWS else TAGS.index("O")


def make_windows(n_tokens, profile):
    starts = list(range(0, max(n_tokens - profile.size, 0) + 1, profile.stride))
    if starts[-1] + profile.size < n_tokens:
        starts.append(starts[-1] + profile.stride)
    return [(k, s, min(s + profile.size, n_tokens)) for k, s in enumerate(starts)]


class WindowSet(Dataset):
    """One row per window; .meta keeps (doc index, window ordinal, real length)."""

    def __init__(self, reports, tokenizer, profile):
        self.rows, self.meta = [], []
        width = profile.size + 2
        for d, words in enumerate(reports):
            ids = tokenizer.convert_tokens_to_ids(words)
            for k, s, e in make_windows(len(ids), profile):
                piece = [tokenizer.cls_token_id] + ids[s:e] + [tokenizer.sep_token_id]
                tags = [-100] + [tag_of(w) for w in words[s:e]] + [-100]
                pad = width - len(piece)
                self.rows.append({
                    "input_ids": torch.tensor(piece + [tokenizer.pad_token_id] * pad),
                    "attention_mask": torch.tensor([1] * len(piece) + [0] * pad),
                    "labels": torch.tensor(tags + [-100] * pad),
                })
                self.meta.append((d, k, e - s))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def stitch(window_logits, meta, doc_lengths, profile):
    probs = torch.softmax(torch.from_numpy(window_logits), dim=-1)
    acc = [torch.zeros(n, probs.size(-1)) for n in doc_lengths]
    hits = [torch.zeros(n, 1) for n in doc_lengths]
    for row, (d, k, n_real) in enumerate(meta):
        start = k * profile.stride
        acc[d][start:start + n_real] += probs[row, 1:n_real + 1]
        hits[d][start:start + n_real] += 1
    return [(a / h).argmax(-1) for a, h in zip(acc, hits)]


def main():
    train_docs = [fake_report(rng.randint(5, 9)) for _ in range(24)]
    test_docs = [fake_report(rng.randint(5, 9)) for _ in range(4)]
    vocab = sorted({w for doc in train_docs + test_docs for w in doc})
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    tokenizer = BertTokenizer(vocab_path)

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
    model = BertForTokenClassification(cfg)
    train_set = WindowSet(train_docs, tokenizer, TRAIN_PROFILE)
    print(f"train windows: {len(train_set)} from {len(train_docs)} reports")

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=16, num_train_epochs=2,
                             learning_rate=5e-4, save_strategy="no", logging_strategy="no", use_cpu=True,
                             disable_tqdm=True, report_to=[], seed=3)
    trainer = Trainer(model=model, args=args, train_dataset=train_set)
    trainer.train()

    test_set = WindowSet(test_docs, tokenizer, INFER_PROFILE)
    out = trainer.predict(test_set)
    tagged = stitch(out.predictions, test_set.meta, [len(d) for d in test_docs], INFER_PROFILE)
    for words, pred in zip(test_docs, tagged):
        gold = np.array([tag_of(w) for w in words])
        print(f"report of {len(words)} tokens: token accuracy {float((pred.numpy() == gold).mean()):.3f}")


if __name__ == "__main__":
    main()
