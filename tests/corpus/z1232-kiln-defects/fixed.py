"""Classify ceramic kiln firing notes into the defect that showed up after unloading.

Small experiment: a spec-driven encoder so we can swap pooling / depth from the ARCH list
without touching the training loop.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

ARCH = [
    {"type": "embed", "dim": 32},
    {"type": "encoder", "layers": 1, "heads": 4},
    {"type": "pool", "mode": "meanmax"},
    {"type": "dropout", "p": 0.1},
    {"type": "linear", "out": 4},
]

DATA = {"batch_size": 4, "epochs": 3, "lr": 3e-3, "pad": "<pad>", "unk": "<unk>"}

DEFECTS = ["crawling", "pinholing", "dunting", "none"]

NOTES = [
    ("glaze pulled back from rim thick application cone 6", "crawling"),
    ("bare patches where glaze beaded up on dusty bisque", "crawling"),
    ("tiny craters across surface fast climb through 1000", "pinholing"),
    ("small holes in celadon outgassing from clay body", "pinholing"),
    ("loud crack during cooling near the damper opened early", "dunting"),
    ("s crack across base after crash cooling below 573", "dunting"),
    ("clean surface even gloss slow cool to 1500", "none"),
    ("good load all cups fine witness cones bent right", "none"),
]


def build_vocab(texts, pad, unk):
    itos = [pad, unk]
    for t in texts:
        for w in t.split():
            if w not in itos:
                itos.append(w)
    return {w: i for i, w in enumerate(itos)}


def encode(text, vocab, unk):
    return [vocab.get(w, vocab[unk]) for w in text.split()]


class Pool(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, h, keep):
        keep = keep.unsqueeze(-1).float()
        mean = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        if self.mode == "mean":
            return mean
        mx = h.masked_fill(keep == 0, -1e4).max(1).values
        return torch.cat([mean, mx], dim=-1)


class SpecNet(nn.Module):
    def __init__(self, arch, vocab_size, width=32):
        super().__init__()
        self.blocks = nn.ModuleList()
        self.kinds = []
        for spec in arch:
            kind = spec["type"]
            if kind == "embed":
                width = spec.get("dim", width)
                mod = nn.Embedding(vocab_size, width, padding_idx=0)
            elif kind == "encoder":
                layer = nn.TransformerEncoderLayer(
                    d_model=width, nhead=spec.get("heads", 2),
                    dim_feedforward=width * 2, batch_first=True)
                mod = nn.TransformerEncoder(layer, num_layers=spec.get("layers", 1),
                                            enable_nested_tensor=False)
            elif kind == "pool":
                mod = Pool(spec.get("mode", "mean"))
                if mod.mode == "meanmax":
                    width = width * 2
            elif kind == "dropout":
                mod = nn.Dropout(spec.get("p", 0.1))
            elif kind == "linear":
                mod = nn.Linear(width, spec["out"])
                width = spec["out"]
            else:
                raise ValueError(f"unknown layer type {kind}")
            self.blocks.append(mod)
            self.kinds.append(kind)

    def forward(self, ids, keep):
        h = ids
        for kind, mod in zip(self.kinds, self.blocks):
            if kind == "encoder":
                h = mod(h, src_key_padding_mask=~keep)
            elif kind == "pool":
                h = mod(h, keep)
            else:
                h = mod(h)
        return h


def make_batches(rows, vocab, bs):
    order = list(range(len(rows)))
    random.shuffle(order)
    for start in range(0, len(order), bs):
        chunk = [rows[i] for i in order[start:start + bs]]
        seqs = [encode(t, vocab, DATA["unk"]) for t, _ in chunk]
        longest = max(len(s) for s in seqs)
        ids = torch.zeros(len(seqs), longest, dtype=torch.long)
        for r, s in enumerate(seqs):
            ids[r, :len(s)] = torch.tensor(s)
        keep = ids != 0
        target = torch.tensor([DEFECTS.index(lbl) for _, lbl in chunk])
        yield ids, keep, target


def main():
    vocab = build_vocab([t for t, _ in NOTES], DATA["pad"], DATA["unk"])
    print(f"vocab size {len(vocab)}, {len(NOTES)} firing notes")
    net = SpecNet(ARCH, len(vocab))
    print(net)
    opt = torch.optim.AdamW(net.parameters(), lr=DATA["lr"])
    for epoch in range(DATA["epochs"]):
        net.train()
        total = 0.0
        for ids, keep, target in make_batches(NOTES, vocab, DATA["batch_size"]):
            logits = net(ids, keep)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total:.4f}")

    net.eval()
    with torch.no_grad():
        ids, keep, _ = next(make_batches(NOTES[:2], vocab, 2))
        pred = net(ids, keep).argmax(-1).tolist()
    print("predicted:", [DEFECTS[p] for p in pred])


if __name__ == "__main__":
    main()
