import math
import random
from dataclasses import dataclass, field
from itertools import groupby, islice
from operator import attrgetter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


@dataclass(frozen=True)
class Interaction:
    student: int
    ts: int
    question: int
    skill: int
    correct: int


@dataclass
class KTConfig:
    n_questions: int = 200
    n_skills: int = 20
    max_len: int = 64
    d_model: int = 48
    n_heads: int = 4
    n_layers: int = 2
    dropout: float = 0.1
    batch_size: int = 8
    epochs: int = 2
    lr: float = 1e-3
    history: list = field(default_factory=list)


def simulate_log(cfg, n_students=40):
    rng = np.random.default_rng(SEED)
    q_to_skill = rng.integers(0, cfg.n_skills, size=cfg.n_questions)
    ability = rng.normal(size=n_students)
    rows = []
    for s in range(n_students):
        n_events = int(rng.integers(15, 160))
        for t in range(n_events):
            q = int(rng.integers(0, cfg.n_questions))
            p = 1.0 / (1.0 + math.exp(-(ability[s] + 0.02 * t)))
            rows.append(Interaction(s, t, q, int(q_to_skill[q]), int(rng.random() < p)))
    rng.shuffle(rows)
    return rows


def chunked(seq, size):
    it = iter(seq)
    while chunk := list(islice(it, size)):
        yield chunk


def build_windows(rows, window):
    rows = sorted(rows, key=attrgetter("student", "ts"))
    out = []
    for _, events in groupby(rows, key=attrgetter("student")):
        events = list(events)
        out.extend(c for c in chunked(events, window) if len(c) > 1)
    return out


class WindowDataset(Dataset):
    def __init__(self, windows, n_questions):
        self.windows = windows
        self.n_questions = n_questions
        self.start_token = 2 * n_questions + 1

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, idx):
        w = self.windows[idx]
        inter = [e.question + self.n_questions * e.correct + 1 for e in w]
        inputs = [self.start_token] + inter[:-1]
        targets_q = [e.question for e in w]
        labels = [e.correct for e in w]
        return inputs, targets_q, labels


def pad_collate(batch):
    L = max(len(x[0]) for x in batch)
    inp = torch.zeros(len(batch), L, dtype=torch.long)
    tq = torch.zeros(len(batch), L, dtype=torch.long)
    lab = torch.full((len(batch), L), -1.0)
    for i, (x, q, y) in enumerate(batch):
        n = len(x)
        inp[i, :n] = torch.tensor(x)
        tq[i, :n] = torch.tensor(q)
        lab[i, :n] = torch.tensor(y, dtype=torch.float)
    return {"inputs": inp, "target_q": tq, "labels": lab}


class SAKTLike(nn.Module):
    def __init__(self, cfg: KTConfig):
        super().__init__()
        self.inter_emb = nn.Embedding(2 * cfg.n_questions + 2, cfg.d_model, padding_idx=0)
        self.query_emb = nn.Embedding(cfg.n_questions, cfg.d_model)
        self.pos_emb = nn.Embedding(cfg.max_len, cfg.d_model)
        layer = nn.TransformerEncoderLayer(
            cfg.d_model, cfg.n_heads, dim_feedforward=2 * cfg.d_model,
            dropout=cfg.dropout, batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.out = nn.Linear(2 * cfg.d_model, 1)

    def forward(self, inputs, target_q):
        B, L = inputs.shape
        pos = torch.arange(L, device=inputs.device).unsqueeze(0).expand(B, L)
        h = self.inter_emb(inputs) + self.pos_emb(pos)
        causal = torch.triu(torch.ones(L, L, dtype=torch.bool, device=inputs.device), diagonal=1)
        h = self.encoder(h, mask=causal, src_key_padding_mask=inputs.eq(0), is_causal=True)
        q = self.query_emb(target_q)
        return self.out(torch.cat([h, q], dim=-1)).squeeze(-1)


def run_epoch(model, loader, opt):
    model.train()
    losses = []
    for batch in loader:
        logits = model(batch["inputs"], batch["target_q"])
        valid = batch["labels"] >= 0
        loss = F.binary_cross_entropy_with_logits(logits[valid], batch["labels"][valid])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    return float(np.mean(losses))


def main():
    cfg = KTConfig()
    log = simulate_log(cfg)
    windows = build_windows(log, cfg.max_len + 1)
    ds = WindowDataset(windows, cfg.n_questions)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=pad_collate)

    model = SAKTLike(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        loss = run_epoch(model, loader, opt)
        cfg.history.append(loss)
        print(f"epoch {epoch}: bce={loss:.4f} windows={len(ds)}")


if __name__ == "__main__":
    main()
