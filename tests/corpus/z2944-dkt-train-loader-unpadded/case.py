"""Deep Knowledge Tracing (DKT) baseline on a synthetic practice log.

Each student produces a stream of (question_id, skill_id, correct) events.
We window the most recent MAX_LEN interactions per student and train an LSTM
to predict correctness on the next skill.
"""
import random
from dataclasses import dataclass, field
from itertools import groupby, islice
from operator import attrgetter

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


@dataclass
class KTConfig:
    n_questions: int = 120
    n_skills: int = 15
    max_len: int = 50
    hidden: int = 64
    batch_size: int = 16
    epochs: int = 2
    lr: float = 3e-3
    pad_id: int = 0


@dataclass
class Interaction:
    student_id: int
    question_id: int
    skill_id: int
    correct: int


@dataclass
class StudentLog:
    student_id: int
    events: list = field(default_factory=list)


def simulate_log(cfg, n_students=120):
    q2skill = {q: 1 + q % cfg.n_skills for q in range(1, cfg.n_questions + 1)}
    rows = []
    for sid in range(n_students):
        ability = np.random.randn()
        for _ in range(random.randint(12, 90)):
            q = random.randint(1, cfg.n_questions)
            p = 1.0 / (1.0 + np.exp(-(ability - 0.1 * q2skill[q] + 0.8)))
            rows.append(Interaction(sid, q, q2skill[q], int(random.random() < p)))
    random.shuffle(rows)
    return rows


def group_by_student(rows):
    rows = sorted(rows, key=attrgetter("student_id"))
    return [StudentLog(sid, list(evts)) for sid, evts in groupby(rows, key=attrgetter("student_id"))]


class InteractionDataset(Dataset):
    def __init__(self, logs, n_skills, max_len=None, pad_id=0):
        self.logs = logs
        self.n_skills = n_skills
        self.max_len = max_len
        self.pad_id = pad_id

    def __len__(self):
        return len(self.logs)

    def _encode(self, events):
        events = list(islice(reversed(events), self.max_len))[::-1] if self.max_len else events
        skills = torch.tensor([e.skill_id for e in events], dtype=torch.long)
        correct = torch.tensor([e.correct for e in events], dtype=torch.long)
        tokens = skills + self.n_skills * correct
        valid = torch.ones(len(events), dtype=torch.bool)
        if self.max_len and len(events) < self.max_len:
            gap = self.max_len - len(events)
            tokens = torch.cat([tokens, tokens.new_full((gap,), self.pad_id)])
            skills = torch.cat([skills, skills.new_full((gap,), self.pad_id)])
            correct = torch.cat([correct, correct.new_zeros(gap)])
            valid = torch.cat([valid, valid.new_zeros(gap)])
        return tokens, skills, correct, valid

    def __getitem__(self, idx):
        tokens, skills, correct, valid = self._encode(self.logs[idx].events)
        return {"tokens": tokens, "skills": skills, "correct": correct, "valid": valid}


class DKT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(2 * cfg.n_skills + 1, cfg.hidden, padding_idx=cfg.pad_id)
        self.lstm = nn.LSTM(cfg.hidden, cfg.hidden, batch_first=True)
        self.out = nn.Linear(cfg.hidden, cfg.n_skills + 1)

    def forward(self, tokens):
        h, _ = self.lstm(self.embed(tokens))
        return self.out(h)


def next_step_loss(logits, batch):
    logits = logits[:, :-1]
    next_skill = batch["skills"][:, 1:]
    next_correct = batch["correct"][:, 1:].float()
    mask = batch["valid"][:, 1:]
    picked = logits.gather(-1, next_skill.unsqueeze(-1)).squeeze(-1)
    loss = nn.functional.binary_cross_entropy_with_logits(picked, next_correct, reduction="none")
    return (loss * mask).sum() / mask.sum(), picked, next_correct, mask


def evaluate(model, loader):
    model.eval()
    hits, total = 0, 0
    with torch.no_grad():
        for batch in loader:
            _, picked, target, mask = next_step_loss(model(batch["tokens"]), batch)
            pred = (picked > 0).float()
            hits += ((pred == target) & mask).sum().item()
            total += mask.sum().item()
    return hits / max(total, 1)


def main():
    cfg = KTConfig()
    logs = group_by_student(simulate_log(cfg))
    random.shuffle(logs)
    cut = int(0.8 * len(logs))
    train_logs, val_logs = logs[:cut], logs[cut:]
    print(f"{len(train_logs)} train students, {len(val_logs)} val students")

    train_ds = InteractionDataset(train_logs, cfg.n_skills, pad_id=cfg.pad_id)
    val_ds = InteractionDataset(val_logs, cfg.n_skills, max_len=cfg.max_len, pad_id=cfg.pad_id)
    train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = DKT(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(train_loader):
            loss, *_ = next_step_loss(model(batch["tokens"]), batch)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch}: train loss {running / (step + 1):.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()
