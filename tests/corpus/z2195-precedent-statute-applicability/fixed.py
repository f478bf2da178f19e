import json
import os
import random
import re
import zlib
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class Config:
    data_path: str = os.path.join(HERE, "applicability.jsonl")
    seed: int = 21
    n_cases: int = 160
    max_words: int = 48
    vocab_size: int = 2000
    emb_dim: int = 32
    statute_dim: int = 24
    hidden: int = 48
    batch_size: int = 16
    lr: float = 2e-3
    epochs: int = 2
    statutes: dict = field(default_factory=lambda: {
        "42 U.S.C. § 1983": "deprivation of rights under color of state law by any person",
        "18 U.S.C. § 1341": "scheme to defraud using the mails frauds and swindles",
        "15 U.S.C. § 1": "contract combination or conspiracy in restraint of trade",
        "29 U.S.C. § 2612": "employee entitled to leave for serious health condition",
        "17 U.S.C. § 107": "fair use of copyrighted work for criticism comment teaching",
    })


FACT_VOCAB = (
    "officer arrested plaintiff without warrant county jail detained defendant mailed invoices "
    "investors misrepresented returns competitors agreed fix prices market allocation employee "
    "requested leave surgery terminated employer quoted excerpts book review parody commentary"
).split()


def normalize_cite(cite):
    cite = cite.lower().replace("§", " ").replace(".", "")
    return re.sub(r"\s+", " ", cite).strip()


def write_synthetic_cases(cfg):
    rng = random.Random(cfg.seed)
    cites = list(cfg.statutes)
    with open(cfg.data_path, "w") as fh:
        for i in range(cfg.n_cases):
            cite = rng.choice(cites)
            source = rng.choice(["courtlistener", "westlaw_export"])
            stored_cite = cite if source == "courtlistener" else normalize_cite(cite)
            facts = " ".join(rng.choice(FACT_VOCAB) for _ in range(rng.randint(10, 60)))
            rec = {"case_id": f"{source[:2]}-{i:04d}", "source": source, "facts": facts,
                   "citation": stored_cite, "applies": int(rng.random() < 0.5)}
            fh.write(json.dumps(rec) + "\n")


def hash_ids(text, vocab_size, max_words):
    ids = [1 + (zlib.crc32(w.encode()) % (vocab_size - 1)) for w in text.lower().split()[:max_words]]
    return ids + [0] * (max_words - len(ids))


def build_statute_cache(cfg):
    gen = torch.Generator().manual_seed(cfg.seed)
    proj = torch.randn(cfg.vocab_size, cfg.statute_dim, generator=gen) / cfg.statute_dim ** 0.5
    cache = {}
    for cite, text in cfg.statutes.items():
        ids = torch.tensor([i for i in hash_ids(text, cfg.vocab_size, cfg.max_words) if i > 0])
        cache[normalize_cite(cite)] = proj[ids].mean(0)
    return cache


class ApplicabilityDataset(Dataset):
    def __init__(self, path, cfg, statute_cache):
        with open(path) as fh:
            self.rows = [json.loads(line) for line in fh]
        self.cfg = cfg
        self.statute_cache = statute_cache

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        return {
            "fact_ids": torch.tensor(hash_ids(row["facts"], self.cfg.vocab_size, self.cfg.max_words)),
            "statute_vec": self.statute_cache[normalize_cite(row["citation"])],
            "label": torch.tensor(row["applies"], dtype=torch.float),
        }


class ApplicabilityModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.emb = nn.Embedding(cfg.vocab_size, cfg.emb_dim, padding_idx=0)
        self.gru = nn.GRU(cfg.emb_dim, cfg.hidden, batch_first=True, bidirectional=True)
        self.scorer = nn.Sequential(
            nn.Linear(2 * cfg.hidden + cfg.statute_dim, cfg.hidden),
            nn.ReLU(),
            nn.Linear(cfg.hidden, 1),
        )

    def forward(self, fact_ids, statute_vec):
        _, h = self.gru(self.emb(fact_ids))
        facts = torch.cat([h[0], h[1]], dim=-1)
        return self.scorer(torch.cat([facts, statute_vec], dim=-1)).squeeze(-1)


def run(cfg):
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    write_synthetic_cases(cfg)
    cache = build_statute_cache(cfg)
    ds = ApplicabilityDataset(cfg.data_path, cfg, cache)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    model = ApplicabilityModel(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    bce = nn.BCEWithLogitsLoss()

    for epoch in range(cfg.epochs):
        total = 0.0
        for batch in loader:
            logits = model(batch["fact_ids"], batch["statute_vec"])
            loss = bce(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["label"])
        print(f"epoch {epoch}: bce={total / len(ds):.4f}")


if __name__ == "__main__":
    run(Config())
