"""Classify apiary inspection notes into colony status, with a small BERT-style encoder in plain torch.

Token corruption ([MASK] replacement) is ramped up over the epochs as a curriculum so the
model stops leaning on single keywords like 'queen' or 'mites'.
"""
import math
import random

import torch
from torch import nn

random.seed(7)
torch.manual_seed(7)

STATUS = ["queenright", "queenless", "swarm-prep", "varroa", "robbing"]
NOTES = [
    ("eggs and young larvae seen brood pattern solid calm", 0),
    ("queen spotted on frame four good laying pattern", 0),
    ("no eggs no young larvae roaring when opened", 1),
    ("laying workers drone brood in worker cells no queen", 1),
    ("multiple queen cups charged on bottom bars crowded", 2),
    ("capped swarm cells brood nest backfilled with nectar", 2),
    ("mite drop high deformed wings on emerging bees", 3),
    ("sugar roll count twelve mites per hundred bees", 3),
    ("fighting at entrance wax cappings shredded on board", 4),
    ("frantic bees at cracks honey stores torn open", 4),
] * 3

EPOCHS = 4
BATCH = 6
MASK_SCHEDULE = torch.linspace(0.0, 0.25, EPOCHS)  # corruption rate per epoch

SPECIALS = ["[PAD]", "[CLS]", "[MASK]", "[UNK]"]
vocab = {w: i for i, w in enumerate(SPECIALS + sorted({w for t, _ in NOTES for w in t.split()}))}
PAD, CLS, MASK_ID = vocab["[PAD]"], vocab["[CLS]"], vocab["[MASK]"]


def encode(text):
    return [CLS] + [vocab.get(w, vocab["[UNK]"]) for w in text.split()]


def batches(rows, size, shuffle=True):
    order = list(range(len(rows)))
    if shuffle:
        random.shuffle(order)
    for s in range(0, len(order), size):
        chunk = [rows[i] for i in order[s:s + size]]
        seqs = [encode(t) for t, _ in chunk]
        width = max(len(x) for x in seqs)
        ids = torch.full((len(seqs), width), PAD)
        for r, x in enumerate(seqs):
            ids[r, :len(x)] = torch.tensor(x)
        yield ids, torch.tensor([y for _, y in chunk])


def corrupt(ids, rate):
    if rate <= 0:
        return ids
    hit = (torch.rand(ids.shape) < rate) & (ids != PAD) & (ids != CLS)
    return ids.masked_fill(hit, MASK_ID)


class TinyEncoderClassifier(nn.Module):
    def __init__(self, n_vocab, n_classes, d=32, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(n_vocab, d, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, d)
        layer = nn.TransformerEncoderLayer(d, nhead=2, dim_feedforward=64, batch_first=True, dropout=0.1)
        self.enc = nn.TransformerEncoder(layer, num_layers=1)
        self.norm = nn.LayerNorm(d)
        self.out = nn.Linear(d, n_classes)

    def forward(self, ids):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.norm(self.tok(ids) + self.pos(positions))
        h = self.enc(h, src_key_padding_mask=ids.eq(PAD))
        return self.out(h[:, 0])


def main():
    model = TinyEncoderClassifier(len(vocab), len(STATUS))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    steps_per_epoch = math.ceil(len(NOTES) / BATCH)
    print(f"{len(NOTES)} notes, vocab={len(vocab)}, {steps_per_epoch} steps/epoch")

    global_step = 0
    for epoch in range(EPOCHS):
        model.train()
        running = 0.0
        for ids, status in batches(NOTES, BATCH):
            rate = MASK_SCHEDULE[epoch].item()
            logits = model(corrupt(ids, rate))
            loss = loss_fn(logits, status)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
            global_step += 1
        print(f"epoch {epoch} mask_rate={rate:.2f} loss={running / steps_per_epoch:.3f}")

    model.eval()
    with torch.no_grad():
        ids, gold = next(batches(NOTES[:10], 10, shuffle=False))
        acc = (model(ids).argmax(-1) == gold).float().mean().item()
    print(f"train-set accuracy on one pass: {acc:.2f}")


if __name__ == "__main__":
    main()
