"""Predict which answer option (A-D) a student will pick on each quiz item.

Each attempt is tokenised as (question id, option chosen on the previous item).
A small transformer encoder with a causal mask runs over the attempt sequence.
"""
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, groupby

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

NUM_OPTIONS = 4
PAD_Q = 0


@dataclass
class Attempt:
    quiz_id: int
    question_id: int
    chosen: int
    key: int


@dataclass
class QuizSession:
    learner: str
    attempts: list = field(default_factory=list)

    @property
    def accuracy(self):
        return sum(a.chosen == a.key for a in self.attempts) / max(len(self.attempts), 1)


@dataclass
class TrainCfg:
    n_questions: int = 200
    d_model: int = 48
    n_heads: int = 4
    n_layers: int = 2
    max_steps: int = 24
    batch_size: int = 8
    lr: float = 1e-3
    epochs: int = 2
    distractor_bias: dict = field(default_factory=lambda: {0: 0.1, 1: 0.2, 2: 0.3, 3: 0.4})


def make_sessions(cfg, n_learners=60, seed=11):
    rng = random.Random(seed)
    answer_key = {q: rng.randrange(NUM_OPTIONS) for q in range(1, cfg.n_questions + 1)}
    flat = []
    for learner in range(n_learners):
        skill = rng.random()
        for quiz in range(rng.randint(1, 4)):
            for q in rng.sample(range(1, cfg.n_questions + 1), rng.randint(6, cfg.max_steps)):
                if rng.random() < skill:
                    chosen = answer_key[q]
                else:
                    chosen = rng.choices(range(NUM_OPTIONS),
                                         weights=list(cfg.distractor_bias.values()))[0]
                flat.append((f"L{learner:03d}", quiz, q, chosen, answer_key[q]))
    sessions = []
    for (learner, quiz), rows in groupby(flat, key=lambda r: (r[0], r[1])):
        sess = QuizSession(learner)
        sess.attempts.extend(Attempt(quiz, q, c, k) for _, _, q, c, k in rows)
        sessions.append(sess)
    return sessions


class QuizDataset(Dataset):
    def __init__(self, sessions, max_steps):
        self.items = [s.attempts[:max_steps] for s in sessions if len(s.attempts) >= 2]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        atts = self.items[idx]
        qids = torch.tensor([a.question_id for a in atts])
        prev = torch.tensor([NUM_OPTIONS] + [a.chosen for a in atts[:-1]])
        target = torch.tensor([a.chosen for a in atts])
        return qids, prev, target


def pad_collate(batch):
    T = max(len(q) for q, _, _ in batch)
    out = {k: [] for k in ("qids", "prev", "target")}
    for qids, prev, target in batch:
        gap = T - len(qids)
        out["qids"].append(F.pad(qids, (0, gap), value=PAD_Q))
        out["prev"].append(F.pad(prev, (0, gap), value=NUM_OPTIONS))
        out["target"].append(F.pad(target, (0, gap), value=-100))
    return {k: torch.stack(v) for k, v in out.items()}


class OptionPredictor(nn.Module):
    def __init__(self, cfg: TrainCfg):
        super().__init__()
        self.q_emb = nn.Embedding(cfg.n_questions + 1, cfg.d_model, padding_idx=PAD_Q)
        self.prev_emb = nn.Embedding(NUM_OPTIONS + 1, cfg.d_model)
        self.pos = nn.Embedding(cfg.max_steps, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=2 * cfg.d_model,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.out = nn.Linear(cfg.d_model, NUM_OPTIONS)

    def forward(self, qids, prev):
        T = qids.size(1)
        pos = torch.arange(T, device=qids.device)
        x = self.q_emb(qids) + self.prev_emb(prev) + self.pos(pos)
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        h = self.encoder(x, mask=causal, src_key_padding_mask=qids.eq(PAD_Q))
        return self.out(h)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    for batch in loader:
        with torch.set_grad_enabled(training):
            option_logits = model(batch["qids"], batch["prev"])
            loss = F.cross_entropy(option_logits, batch["target"], ignore_index=-100)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        valid = batch["target"] != -100
        correct += (option_logits.argmax(-1)[valid] == batch["target"][valid]).sum().item()
        seen += valid.sum().item()
        total_loss += loss.item() * valid.sum().item()
    return total_loss / seen, correct / seen


def main():
    torch.manual_seed(3)
    cfg = TrainCfg()
    sessions = make_sessions(cfg)
    picks = Counter(a.chosen for a in chain.from_iterable(s.attempts for s in sessions))
    print(f"{len(sessions)} sessions, option histogram {dict(sorted(picks.items()))}")
    random.Random(0).shuffle(sessions)
    split = int(len(sessions) * 0.85)
    train_dl = DataLoader(QuizDataset(sessions[:split], cfg.max_steps), batch_size=cfg.batch_size,
                          shuffle=True, collate_fn=pad_collate)
    val_dl = DataLoader(QuizDataset(sessions[split:], cfg.max_steps), batch_size=cfg.batch_size,
                        collate_fn=pad_collate)

    model = OptionPredictor(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    print(f"chance NLL = {math.log(NUM_OPTIONS):.3f}")
    for epoch in range(cfg.epochs):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.3f}  val {va_loss:.3f}/{va_acc:.3f}")


if __name__ == "__main__":
    main()
