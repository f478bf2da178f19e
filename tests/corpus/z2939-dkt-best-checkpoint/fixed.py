import os
import random
import tempfile
from dataclasses import dataclass, field
from itertools import chain, islice

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)


@dataclass
class DKTConfig:
    n_skills: int = 24
    hidden: int = 40
    emb: int = 32
    max_steps: int = 50
    batch_size: int = 8
    epochs: int = 4
    lr: float = 3e-3
    val_fraction: float = 0.2
    tags: list = field(default_factory=lambda: ["dkt", "lstm"])


@dataclass
class Attempt:
    skill: int
    correct: int


def simulate(cfg, n_students=60):
    difficulty = np.random.normal(0, 1, cfg.n_skills)
    students = []
    for _ in range(n_students):
        theta = np.random.normal()
        practice = np.zeros(cfg.n_skills)
        seq = []
        for _ in range(np.random.randint(10, cfg.max_steps)):
            k = int(np.random.randint(cfg.n_skills))
            p = 1 / (1 + np.exp(-(theta - difficulty[k] + 0.4 * practice[k])))
            c = int(np.random.rand() < p)
            practice[k] += 1
            seq.append(Attempt(k, c))
        students.append(seq)
    return students


class SequenceSet(Dataset):
    def __init__(self, seqs, n_skills):
        self.seqs = seqs
        self.n_skills = n_skills

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, i):
        seq = self.seqs[i]
        tokens = torch.tensor([a.skill + self.n_skills * a.correct + 1 for a in seq])
        skills = torch.tensor([a.skill for a in seq])
        labels = torch.tensor([a.correct for a in seq], dtype=torch.float)
        return tokens, skills, labels


def iterate(ds, batch_size, shuffle):
    order = list(range(len(ds)))
    if shuffle:
        random.shuffle(order)
    it = iter(order)
    while idx := list(islice(it, batch_size)):
        items = [ds[i] for i in idx]
        tok = nn.utils.rnn.pad_sequence([t for t, _, _ in items], batch_first=True)
        sk = nn.utils.rnn.pad_sequence([s for _, s, _ in items], batch_first=True)
        lab = nn.utils.rnn.pad_sequence([l for _, _, l in items], batch_first=True, padding_value=-1.0)
        yield {"tokens": tok, "skills": sk, "labels": lab}


class DKT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.emb = nn.Embedding(2 * cfg.n_skills + 1, cfg.emb, padding_idx=0)
        self.lstm = nn.LSTM(cfg.emb, cfg.hidden, batch_first=True)
        self.out = nn.Linear(cfg.hidden, cfg.n_skills)

    def forward(self, tokens):
        h, _ = self.lstm(self.emb(tokens))
        return self.out(h)


def step_logits(model, batch):
    all_logits = model(batch["tokens"])[:, :-1]
    nxt = batch["skills"][:, 1:].unsqueeze(-1)
    logits = all_logits.gather(-1, nxt).squeeze(-1)
    labels = batch["labels"][:, 1:]
    keep = labels >= 0
    return logits[keep], labels[keep]


def auc(scores, labels):
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


@torch.no_grad()
def evaluate(model, ds, cfg):
    model.eval()
    pairs = [step_logits(model, b) for b in iterate(ds, cfg.batch_size, shuffle=False)]
    scores = torch.cat([p[0] for p in pairs]).sigmoid().numpy()
    labels = torch.cat([p[1] for p in pairs]).numpy()
    return auc(scores, labels)


def main():
    cfg = DKTConfig()
    students = simulate(cfg)
    n_val = int(len(students) * cfg.val_fraction)
    train_ds = SequenceSet(students[n_val:], cfg.n_skills)
    val_ds = SequenceSet(students[:n_val], cfg.n_skills)
    print("attempts:", sum(1 for _ in chain.from_iterable(students)))

    model = DKT(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    with tempfile.TemporaryDirectory() as run_dir:
        best_path = os.path.join(run_dir, "dkt_best.pt")
        best_auc = -1.0
        for epoch in range(cfg.epochs):
            model.train()
            for batch in iterate(train_ds, cfg.batch_size, shuffle=True):
                logits, labels = step_logits(model, batch)
                loss = F.binary_cross_entropy_with_logits(logits, labels)
                opt.zero_grad()
                loss.backward()
                opt.step()
            val_auc = evaluate(model, val_ds, cfg)
            print(f"epoch {epoch} loss {loss.item():.4f} val_auc {val_auc:.4f}")
            if val_auc > best_auc:
                best_auc = val_auc
                torch.save(
                    {"epoch": epoch, "model_state": model.state_dict(), "val_auc": float(val_auc)},
                    best_path,
                )

        restored = DKT(cfg)
        restored.load_state_dict(torch.load(best_path)["model_state"])
        final_auc = evaluate(restored, val_ds, cfg)
        print(f"restored best model: val_auc {final_auc:.4f} (recorded {best_auc:.4f})")


if __name__ == "__main__":
    main()
