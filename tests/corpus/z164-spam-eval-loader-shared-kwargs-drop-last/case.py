"""Train a tiny BERT SMS spam filter and print a per-message report on the held-out messages."""
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

torch.manual_seed(0)
TRAIN = [
    ("win a free cruise now", 1), ("are we still on for lunch", 0), ("claim your prize today", 1),
    ("call me when you land", 0), ("cheap loans approved instantly", 1), ("see you at the gym", 0),
    ("you have been selected for a reward", 1), ("can you pick up milk", 0),
]
HELD_OUT = [
    ("free prize waiting for you", 1), ("dinner at eight", 0), ("instant cash approved", 1),
    ("running late sorry", 0), ("reward claim now", 1), ("meeting moved to monday", 0),
    ("win cash today", 1), ("happy birthday mum", 0), ("selected for a free loan", 1), ("call you later", 0),
]


def make_tokenizer():
    words = sorted({w for text, _ in TRAIN + HELD_OUT for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizerFast(path)


tokenizer = make_tokenizer()


def collate(rows):
    enc = tokenizer([text for text, _ in rows], padding=True, return_tensors="pt")
    return enc, torch.tensor([label for _, label in rows])


LOADER_KW = dict(batch_size=4, drop_last=True, collate_fn=collate)


def train(model, loader, epochs=3):
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model.train()
    for _ in range(epochs):
        for enc, labels in loader:
            loss = model(**enc, labels=labels).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()


@torch.no_grad()
def spam_probabilities(model, loader):
    model.eval()
    return torch.cat([model(**enc).logits.softmax(-1)[:, 1] for enc, _ in loader])


def report(probs, rows, threshold=0.5):
    for i, (text, label) in enumerate(rows):
        verdict = "SPAM" if probs[i] > threshold else "ok"
        print(f"{verdict:4s} {probs[i]:.2f} gold={label} {text}")


model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=64,
                                                 max_position_embeddings=32, num_labels=2))
train(model, DataLoader(TRAIN, shuffle=True, **LOADER_KW))
held_out_probs = spam_probabilities(model, DataLoader(HELD_OUT, **LOADER_KW))
report(held_out_probs, HELD_OUT)
