# Clause-type classifier for commercial lease contracts, trained with accelerate.
# Encoder blocks use stochastic depth; rates ramp linearly over the encoder stack.
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertTokenizer

set_seed(3)

ARCH = [
    {"type": "embed", "dim": 32, "max_pos": 64},
    {"type": "encoder", "heads": 2},
    {"type": "encoder", "heads": 2},
    {"type": "pool", "mode": "cls"},
    {"type": "linear", "out": 5},
]
DATA = {"max_len": 40, "batch_size": 3, "lr": 1e-3, "drop_path": 0.2}
CLAUSES = ["rent", "termination", "maintenance", "insurance", "assignment"]

SAMPLES = [
    ("tenant shall pay base rent monthly in advance on the first day", 0),
    ("either party may terminate this lease upon ninety days written notice", 1),
    ("landlord is responsible for structural repairs to the roof and walls", 2),
    ("tenant shall maintain commercial general liability insurance", 3),
    ("tenant may not assign this lease without prior written consent", 4),
    ("annual rent escalation of three percent applies each anniversary", 0),
]


@dataclass
class Example:
    text: str
    label: int


def drop_path(x, p, training):
    if p == 0.0 or not training:
        return x
    keep = torch.rand(x.shape[0], 1, 1, device=x.device) >= p
    return x * keep / (1 - p)


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(width, width * 4), nn.GELU(), nn.Linear(width * 4, width))

    def forward(self, x, pad, p=0.0):
        h = self.ln1(x)
        x = x + drop_path(self.attn(h, h, h, key_padding_mask=pad, need_weights=False)[0], p, self.training)
        return x + drop_path(self.mlp(self.ln2(x)), p, self.training)


class Embed(nn.Module):
    def __init__(self, vocab, width, max_pos):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, width), nn.Embedding(max_pos, width)

    def forward(self, ids):
        return self.tok(ids) + self.pos(torch.arange(ids.shape[1], device=ids.device))


class ClauseNet(nn.Module):
    def __init__(self, specs, vocab, drop_path_rate):
        super().__init__()
        self.specs = specs
        n_blocks = sum(s["type"] == "encoder" for s in specs)
        self.register_buffer("dpr", torch.linspace(0, drop_path_rate, n_blocks))
        self.layers, width = nn.ModuleList(), 64
        for spec in specs:
            width = spec.get("dim", width)
            if spec["type"] == "embed":
                self.layers.append(Embed(vocab, width, spec.get("max_pos", 512)))
            elif spec["type"] == "encoder":
                self.layers.append(Block(width, spec.get("heads", 4)))
            elif spec["type"] == "pool":
                self.layers.append(nn.Identity())
            else:
                self.layers.append(nn.Linear(width, spec["out"]))
                width = spec["out"]

    def forward(self, ids, pad):
        x = ids
        for i, (spec, layer) in enumerate(zip(self.specs, self.layers)):
            if spec["type"] == "encoder":
                x = layer(x, pad, p=float(self.dpr[i]))
            elif spec["type"] == "pool":
                x = x[:, 0]
            else:
                x = layer(x)
        return x


def collate(tok, batch):
    enc = tok([ex.text for ex in batch], padding="longest", truncation=True,
              max_length=DATA["max_len"], return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"] == 0, torch.tensor([ex.label for ex in batch])


def main():
    words = sorted({w for t, _ in SAMPLES for w in t.split()})
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)

    examples = [Example(t, y) for t, y in SAMPLES]
    loader = DataLoader(examples, batch_size=DATA["batch_size"], shuffle=True,
                        collate_fn=lambda b: collate(tok, b))
    model = ClauseNet(ARCH, tok.vocab_size, DATA["drop_path"])
    optim = torch.optim.AdamW(model.parameters(), lr=DATA["lr"])

    accelerator = Accelerator(cpu=True)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    accelerator.print(f"drop-path schedule: {model.dpr.tolist()}")

    for epoch in range(3):
        model.train()
        running = 0.0
        for ids, pad, gold in loader:
            loss = F.cross_entropy(model(ids, pad), gold)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch} loss {running / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        ids, pad, gold = next(iter(loader))
        guess = model(ids, pad).argmax(-1)
    accelerator.print("predicted:", [CLAUSES[g] for g in guess.tolist()])


if __name__ == "__main__":
    main()
