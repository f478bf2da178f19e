"""Build a vocabulary and tensorize an NLI dataset exported as JSON lines."""
import json
import os
import tempfile
from collections import Counter

import torch

torch.manual_seed(0)
path = os.path.join(tempfile.mkdtemp(), "snli_dev.jsonl")
with open(path, "w") as f:
    f.write('{"premise": "a man plays guitar", "hypothesis": "a person makes music", "label": 0}\n')
    f.write('{"premise": "two dogs run", "hypothesis": "the cats sleep", "label": 2}\n')


def load_examples(path):
    with open(path) as f:
        return json.load(f)


def build_vocab(examples, min_freq=1):
    counts = Counter(w for ex in examples for w in (ex["premise"] + " " + ex["hypothesis"]).split())
    itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= min_freq)
    return {w: i for i, w in enumerate(itos)}


def tensorize(examples, vocab, max_len=10):
    ids = torch.zeros(len(examples), max_len, dtype=torch.long)
    for i, ex in enumerate(examples):
        toks = [vocab.get(w, 1) for w in ex["premise"].split()][:max_len]
        ids[i, : len(toks)] = torch.tensor(toks)
    return ids, torch.tensor([ex["label"] for ex in examples])


examples = load_examples(path)
vocab = build_vocab(examples)
premise_ids, labels = tensorize(examples, vocab)
