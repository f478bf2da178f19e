"""Disease-severity classifier fusing agronomist scouting notes with vegetation indices.

Text branch: tiny BERT (random init) over field notes.
Tabular branch: per-field spectral indices from drone multispectral reflectance.
"""
import os
import functools
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)
rng = np.random.default_rng(11)
HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = ("leaf rust stripe yellow spots lesions lower canopy upper flag leaf mild severe moderate "
         "patches wet area near ditch headland wheat barley chlorosis necrosis pustules none observed "
         "scattered uniform dense thin stand irrigation pivot north south edge").split()
SEVERITY = ["none", "low", "moderate", "high"]

INDEX_FNS = {
    "ndvi": lambda r: (r["nir"] - r["red"]) / (r["nir"] + r["red"] + 1e-6),
    "ndre": lambda r: (r["nir"] - r["rededge"]) / (r["nir"] + r["rededge"] + 1e-6),
    "gndvi": lambda r: (r["nir"] - r["green"]) / (r["nir"] + r["green"] + 1e-6),
    "savi": lambda r: 1.5 * (r["nir"] - r["red"]) / (r["nir"] + r["red"] + 0.5),
    "evi": lambda r: 2.5 * (r["nir"] - r["red"]) / (r["nir"] + 6 * r["red"] - 7.5 * r["blue"] + 1),
    "ci_re": lambda r: r["nir"] / (r["rededge"] + 1e-6) - 1.0,
    "mcari": lambda r: ((r["rededge"] - r["red"]) - 0.2 * (r["rededge"] - r["green"])) * (r["rededge"] / (r["red"] + 1e-6)),
}


@dataclass
class FusionConfig:
    vocab_size: int = len(WORDS) + 5
    hidden: int = 32
    max_len: int = 24
    tab_dim: int = 6
    tab_hidden: int = 16
    n_classes: int = len(SEVERITY)
    lr: float = 2e-3
    epochs: int = 2
    batch_size: int = 16
    dropout: float = 0.1
    extra: dict = field(default_factory=dict)


def write_vocab(path):
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS:
            fh.write(tok + "\n")
    return path


def make_fields(n):
    records = []
    for _ in range(n):
        sev = int(rng.integers(0, len(SEVERITY)))
        refl = {
            "blue": rng.uniform(0.02, 0.06), "green": rng.uniform(0.05, 0.1),
            "red": rng.uniform(0.03, 0.08) + 0.02 * sev, "rededge": rng.uniform(0.15, 0.25),
            "nir": rng.uniform(0.35, 0.5) - 0.04 * sev,
        }
        note = " ".join(rng.choice(WORDS, size=int(rng.integers(6, 20))))
        records.append({"note": note, "refl": refl, "severity": sev})
    return records


def index_vector(refl):
    return [float(fn(refl)) for fn in INDEX_FNS.values()]


def collate(records, tokenizer, cfg):
    enc = tokenizer([r["note"] for r in records], padding="max_length", truncation=True,
                    max_length=cfg.max_len, return_tensors="pt")
    tab = torch.tensor([index_vector(r["refl"]) for r in records], dtype=torch.float32)
    y = torch.tensor([r["severity"] for r in records])
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "tab": tab, "y": y}


def batches(records, bs, collate_fn):
    order = rng.permutation(len(records))
    for i in range(0, len(order), bs):
        yield collate_fn([records[j] for j in order[i:i + bs]])


class NoteIndexFusion(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=cfg.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=cfg.max_len + 8)
        self.text = BertModel(bert_cfg)
        self.tab = nn.Sequential(nn.Linear(cfg.tab_dim, cfg.tab_hidden), nn.GELU(), nn.LayerNorm(cfg.tab_hidden))
        self.drop = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.hidden + cfg.tab_hidden, cfg.n_classes)

    def forward(self, input_ids, attention_mask, tab):
        pooled = self.text(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        z = torch.cat([pooled, self.tab(tab)], dim=-1)
        return self.head(self.drop(z))


MODELS = {
    "fusion": NoteIndexFusion,
}
OPTIMIZERS = {
    "adamw": functools.partial(torch.optim.AdamW, weight_decay=0.01),
    "sgd": functools.partial(torch.optim.SGD, momentum=0.9),
}


def step(model, opt, batch):
    logits = model(batch["input_ids"], batch["attention_mask"], batch["tab"])
    loss = F.cross_entropy(logits, batch["y"])
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.detach()


def main():
    cfg = FusionConfig()
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "scout_vocab.txt")))
    train, val = make_fields(160), make_fields(48)
    collate_fn = functools.partial(collate, tokenizer=tokenizer, cfg=cfg)

    model = MODELS["fusion"](cfg)
    opt = OPTIMIZERS["adamw"](model.parameters(), lr=cfg.lr)

    for ep in range(cfg.epochs):
        model.train()
        losses = torch.stack([step(model, opt, b) for b in batches(train, cfg.batch_size, collate_fn)])
        model.eval()
        with torch.no_grad():
            hits = sum((model(b["input_ids"], b["attention_mask"], b["tab"]).argmax(-1) == b["y"]).sum().item()
                       for b in batches(val, cfg.batch_size, collate_fn))
        print(f"ep {ep} train_loss={losses.mean():.3f} val_acc={hits / len(val):.3f}")


if __name__ == "__main__":
    main()
