"""Thermal-receipt line OCR.

Each printed receipt line (item name + price) is cut out, binarised, resized
to 24 px height and decoded by a small CNN + GRU with CTC.  The vocabulary is
built from the training receipts, with index 0 reserved for the CTC blank.
"""
import random
import tempfile
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
random.seed(11)

ROW_H = 24
RECEIPTS = """\
MILK 2L            2.49
BREAD WHOLEGRAIN   3.10
EGGS FREE RANGE X12 4.75
BANANAS 1.2KG      1.58
COFFEE BEANS 500G  8.99
SUBTOTAL          20.91
VAT 7%             1.46
TOTAL             22.37
"""


def dump_receipts(folder):
    fn = os.path.join(folder, "receipt_lines.txt")
    with open(fn, "w") as fh:
        fh.write(RECEIPTS)
    return fn


def read_lines(fn):
    with open(fn) as fh:
        return [" ".join(row.split()) for row in fh if row.strip()]


class Vocab:
    def __init__(self, texts):
        self.symbols = ["<blank>"] + sorted(set("".join(texts)))
        self.index = {s: i for i, s in enumerate(self.symbols)}

    def encode(self, text):
        return [self.index[ch] for ch in text]

    def decode(self, ids):
        out, last = [], 0
        for i in ids:
            if i != last and i != 0:
                out.append(self.symbols[i])
            last = i
        return "".join(out)


def render_row(text):
    """Simulated thermal print: ~11 px per glyph at 30 px height, binarised."""
    crop = (torch.rand(1, 30, 11 * len(text) + 6) > 0.7).float()
    w = round(crop.shape[-1] * ROW_H / crop.shape[-2])
    return F.interpolate(crop[None], size=(ROW_H, w), mode="nearest")[0]


class ReceiptOCR(nn.Module):
    def __init__(self, n_symbols, hidden=80):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 24, 3, padding=1), nn.ReLU(), nn.MaxPool2d((2, 2)),
            nn.Conv2d(24, 48, 3, padding=1), nn.ReLU(), nn.MaxPool2d((2, 1)),
            nn.Conv2d(48, 48, 3, padding=1), nn.ReLU(), nn.MaxPool2d((2, 1)),
        )
        self.gru = nn.GRU(48 * (ROW_H // 8), hidden, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_symbols)

    def forward(self, rows):
        fmap = self.features(rows)                   # N, 48, 3, W/2
        n, c, h, w = fmap.shape
        seq = fmap.permute(3, 0, 2, 1).view(w, n, h * c)   # W, N, H*C
        seq, _ = self.gru(seq)
        return F.log_softmax(self.out(seq), dim=-1)  # W/2, N, K


def batchify(texts, vocab):
    rows = [render_row(t) for t in texts]
    width = max(r.shape[-1] for r in rows)
    padded = torch.stack([F.pad(r, (0, width - r.shape[-1])) for r in rows])
    steps = torch.tensor([r.shape[-1] // 2 for r in rows])
    labels = torch.tensor([i for t in texts for i in vocab.encode(t)])
    label_lens = torch.tensor([len(t) for t in texts])
    return padded, steps, labels, label_lens


def main():
    with tempfile.TemporaryDirectory() as workdir:
        texts = read_lines(dump_receipts(workdir))
    vocab = Vocab(texts)
    print(f"{len(texts)} lines, {len(vocab.symbols)} symbols")

    net = ReceiptOCR(len(vocab.symbols))
    criterion = nn.CTCLoss(blank=0, zero_infinity=True)
    sgd = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)

    for epoch in range(4):
        order = random.sample(texts, len(texts))
        running = 0.0
        for k in range(0, len(order), 4):
            rows, steps, labels, label_lens = batchify(order[k:k + 4], vocab)
            logp = net(rows)
            loss = criterion(logp, labels, steps, label_lens)
            sgd.zero_grad()
            loss.backward()
            sgd.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running:.2f}")

    net.eval()
    with torch.no_grad():
        rows, _, _, _ = batchify(texts[-2:], vocab)
        for truth, ids in zip(texts[-2:], net(rows).argmax(-1).T.tolist()):
            print(f"{truth!r:28} => {vocab.decode(ids)!r}")


if __name__ == "__main__":
    main()
