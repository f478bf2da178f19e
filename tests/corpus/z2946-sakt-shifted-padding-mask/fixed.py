"""SAKT-style self-attentive knowledge tracing on synthetic tutoring sessions.

Past interactions (question, correctness) are encoded as single tokens; the
model attends over them causally and predicts correctness on the next question.
"""
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain, groupby, islice

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

N_QUESTIONS = 200
PAD = 0


@dataclass
class Session:
    learner: str
    qids: list = field(default_factory=list)
    answers: list = field(default_factory=list)

    def __len__(self):
        return len(self.qids)


@dataclass
class SaktConfig:
    seq_len: int = 40
    d_model: int = 48
    n_heads: int = 4
    dropout: float = 0.1
    batch_size: int = 12
    epochs: int = 3
    lr: float = 1e-3


def fake_event_stream(n_learners=60):
    for lid in range(n_learners):
        skill_bias = random.uniform(-1.0, 1.0)
        for t in range(random.randint(8, 70)):
            q = random.randint(1, N_QUESTIONS)
            p = 1 / (1 + math.exp(-(skill_bias + 0.01 * t - (q % 7) * 0.15)))
            yield (f"learner{lid:03d}", q, int(random.random() < p))


def build_sessions(events):
    sessions = []
    for learner, grp in groupby(events, key=lambda e: e[0]):
        grp = list(grp)
        sessions.append(Session(learner, [g[1] for g in grp], [g[2] for g in grp]))
    return sessions


def to_tensors(batch_sessions, seq_len):
    qids = torch.full((len(batch_sessions), seq_len), PAD, dtype=torch.long)
    answers = torch.zeros((len(batch_sessions), seq_len), dtype=torch.long)
    for row, s in enumerate(batch_sessions):
        q, a = s.qids[-seq_len:], s.answers[-seq_len:]
        qids[row, : len(q)] = torch.tensor(q)
        answers[row, : len(a)] = torch.tensor(a)
    return qids, answers


class SAKT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.interaction_emb = nn.Embedding(2 * N_QUESTIONS + 1, cfg.d_model, padding_idx=PAD)
        self.query_emb = nn.Embedding(N_QUESTIONS + 1, cfg.d_model, padding_idx=PAD)
        self.pos_emb = nn.Embedding(cfg.seq_len, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 2 * cfg.d_model,
                                           cfg.dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.out = nn.Linear(2 * cfg.d_model, 1)

    def forward(self, past_q, past_a, next_q, pad_mask):
        L = past_q.size(1)
        tokens = torch.where(past_q == PAD, past_q, past_q + N_QUESTIONS * past_a)
        pos = torch.arange(L, device=past_q.device)
        x = self.interaction_emb(tokens) + self.pos_emb(pos)
        causal = torch.triu(torch.ones(L, L, dtype=torch.bool, device=past_q.device), diagonal=1)
        h = self.encoder(x, mask=causal, src_key_padding_mask=pad_mask)
        return self.out(torch.cat([h, self.query_emb(next_q)], dim=-1)).squeeze(-1)


def make_batches(sessions, bs):
    it = iter(sessions)
    return iter(lambda: list(islice(it, bs)), [])


def train(cfg):
    sessions = build_sessions(fake_event_stream())
    sessions = [s for s in sessions if len(s) >= 5]
    lengths = defaultdict(int)
    for s in sessions:
        lengths[min(len(s), cfg.seq_len) // 10 * 10] += 1
    print("length buckets:", dict(sorted(lengths.items())))

    model = SAKT(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        random.shuffle(sessions)
        model.train()
        losses = []
        for chunk in make_batches(sessions, cfg.batch_size):
            qids, answers = to_tensors(chunk, cfg.seq_len + 1)
            pad_mask = qids[:, :-1] == PAD
            past_q, past_a = qids[:, :-1], answers[:, :-1]
            next_q, next_a = qids[:, 1:], answers[:, 1:].float()
            logits = model(past_q, past_a, next_q, pad_mask)
            valid = next_q != PAD
            loss = F.binary_cross_entropy_with_logits(logits[valid], next_a[valid])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: loss {sum(losses) / len(losses):.4f}")
    all_answers = list(chain.from_iterable(s.answers for s in sessions))
    print(f"base rate correct: {sum(all_answers) / len(all_answers):.3f}")


if __name__ == "__main__":
    train(SaktConfig())
