"""Fault-category tagger for ship engine-room log entries.

Small BERT-style encoder assembled from a list of layer specs so we can try
variants without touching the model code.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer

torch.manual_seed(7)
random.seed(7)

ARCH = [
    {"type": "embed", "dim": 32},
    {"type": "encoder", "layers": 1, "heads": 2},
    {"type": "ffn", "dim": 48, "residual": True},
    {"type": "pool", "mode": "mean"},
    {"type": "linear", "out": 4},
]
DATA = {"max_len": 24, "batch_size": 4, "epochs": 3, "lr": 3e-3}

FAULTS = ["cooling", "fuel", "lube", "electrical"]
LOGS = [
    ("jacket water outlet temp high on aux genset two", 0),
    ("seawater pump strainer clogged low pressure alarm", 0),
    ("fuel injector leak found unit three cylinder", 1),
    ("hfo purifier tripped sludge discharge fault", 1),
    ("main bearing lube oil pressure dropping", 2),
    ("lube oil filter differential pressure high", 2),
    ("shore power breaker tripped during changeover", 3),
    ("emergency switchboard earth fault indication", 3),
]


def write_vocab():
    words = sorted({w for text, _ in LOGS for w in text.split()})
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(special + words) + "\n")
    return path


class FeedForward(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.up = nn.Linear(d_in, d_out * 2)
        self.down = nn.Linear(d_out * 2, d_out)

    def forward(self, x):
        return self.down(F.gelu(self.up(x)))


class Residual(nn.Module):
    def __init__(self, block):
        super().__init__()
        self.block = block
        d_in, d_out = block.up.in_features, block.down.out_features
        self.skip = nn.Linear(d_in, d_out, bias=False) if d_in != d_out else nn.Identity()
        self.norm = nn.LayerNorm(d_out)

    def forward(self, x):
        return self.norm(self.skip(x) + self.block(x))


class MeanPool(nn.Module):
    def forward(self, h, keep):
        keep = keep.unsqueeze(-1).to(h.dtype)
        return (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)


class SpecNet(nn.Module):
    def __init__(self, specs, vocab_size):
        super().__init__()
        self.kinds, self.layers = [], nn.ModuleList()
        width = None
        for spec in specs:
            kind = spec["type"]
            if kind == "embed":
                width = spec.get("dim", width)
                mod = nn.Embedding(vocab_size, width, padding_idx=0)
            elif kind == "encoder":
                layer = nn.TransformerEncoderLayer(width, spec.get("heads", 2), width * 2, batch_first=True)
                mod = nn.TransformerEncoder(layer, spec.get("layers", 1), enable_nested_tensor=False)
            elif kind == "ffn":
                out_w = spec.get("dim", width)
                mod = FeedForward(width, out_w)
                if spec.get("residual"):
                    mod = Residual(mod)
                width = out_w
            elif kind == "pool":
                mod = MeanPool()
            elif kind == "linear":
                mod = nn.Linear(width, spec["out"])
                width = spec["out"]
            self.kinds.append(kind)
            self.layers.append(mod)

    def forward(self, ids, keep):
        x = ids
        for kind, layer in zip(self.kinds, self.layers):
            if kind == "encoder":
                x = layer(x, src_key_padding_mask=~keep)
            elif kind == "pool":
                x = layer(x, keep)
            else:
                x = layer(x)
        return x


def batches(tok, rows, size):
    rows = rows[:]
    random.shuffle(rows)
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        enc = tok([t for t, _ in chunk], padding=True, truncation=True,
                  max_length=DATA["max_len"], return_tensors="pt")
        yield enc["input_ids"], enc["attention_mask"].bool(), torch.tensor([y for _, y in chunk])


def main():
    tok = BertTokenizer(write_vocab())
    net = SpecNet(ARCH, tok.vocab_size)
    print(f"built {len(net.layers)} blocks, {sum(p.numel() for p in net.parameters())} params")
    opt = torch.optim.AdamW(net.parameters(), lr=DATA["lr"])
    for epoch in range(DATA["epochs"]):
        net.train()
        total = 0.0
        for ids, keep, target in batches(tok, LOGS, DATA["batch_size"]):
            logits = net(ids, keep)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")
    net.eval()
    with torch.no_grad():
        ids, keep, _ = next(batches(tok, LOGS[:2], 2))
        print("pred:", [FAULTS[i] for i in net(ids, keep).argmax(-1).tolist()])


if __name__ == "__main__":
    main()
