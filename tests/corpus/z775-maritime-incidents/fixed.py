"""Multi-label tagging of marine casualty reports with contributing factors.
Each investigator summary lists its two main factors. Tiny BERT + focal BCE,
training loop driven by Accelerate."""
import functools
import os
import re
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

FACTORS = ["fatigue", "weather", "equipment", "communication", "navigation", "cargo"]


@dataclass
class Report:
    summary: str
    factors: tuple


REPORTS = [
    Report("watch officer fell asleep and vessel grounded on sandbank", (0, 4)),
    Report("heavy swell shifted deck containers and lashings parted", (1, 5)),
    Report("steering gear failed in storm and ship lost headway", (2, 1)),
    Report("pilot and master misunderstood each other during berthing", (3, 4)),
    Report("radar out of service so crew missed the buoy in fog", (2, 1)),
    Report("exhausted crew misread chart and passed wrong side of mark", (0, 4)),
    Report("vhf call not acknowledged before crossing traffic lane", (3, 4)),
    Report("grain cargo moved in gale causing heavy list", (5, 1)),
    Report("tug line parted after engine alarm ignored by tired engineer", (2, 0)),
    Report("dense fog and no lookout posted near harbour entrance", (1, 3)),
    Report("main engine stopped and anchor dragged in strong wind", (2, 1)),
    Report("bridge team did not share passage plan change", (3, 4)),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t.lower())})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def collate(rows, tokenizer, max_len=32):
    enc = tokenizer([r.summary for r in rows], padding=True, truncation=True, max_length=max_len,
                    return_tensors="pt")
    targets = torch.zeros(len(rows), len(FACTORS))
    for i, r in enumerate(rows):
        targets[i, list(r.factors)] = 1.0
    return dict(enc), targets


class FactorTagger(nn.Module):
    def __init__(self, vocab_size, n_factors, hidden=32):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(hidden, n_factors)

    def forward(self, **enc):
        pooled = self.encoder(**enc).pooler_output
        return self.head(self.drop(pooled))


def focal_bce(logits, target, gamma=2.0, alpha=0.25):
    p = torch.sigmoid(logits)
    pt = torch.where(target > 0.5, p, 1.0 - p)
    weight = torch.where(target > 0.5, alpha, 1.0 - alpha)
    return (-weight * (1.0 - pt) ** gamma * torch.log(pt.clamp_min(1e-6))).mean()


def micro_f1(logits, target, thr=0.5):
    pred = (torch.sigmoid(logits) > thr).float()
    tp = (pred * target).sum()
    return (2 * tp / (pred.sum() + target.sum()).clamp_min(1.0)).item()


def main():
    set_seed(11)
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab([r.summary for r in REPORTS]))
    loader = DataLoader(REPORTS, batch_size=4, shuffle=True, collate_fn=functools.partial(collate, tokenizer=tok))
    model = FactorTagger(tok.vocab_size, len(FACTORS))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    model, opt, loader = accelerator.prepare(model, opt, loader)

    for epoch in range(4):
        model.train()
        running = 0.0
        for enc, target in loader:
            loss = focal_bce(model(**enc), target)
            accelerator.backward(loss)
            opt.step()
            opt.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}  focal loss {running / len(loader):.4f}")

    model.eval()
    scores = []
    with torch.no_grad():
        for enc, target in loader:
            scores.append(micro_f1(model(**enc), target))
    accelerator.print(f"train micro-F1 {sum(scores) / len(scores):.3f}")


if __name__ == "__main__":
    main()
