"""Deep knowledge tracing with an auxiliary next-skill objective.

Interaction log rows: (student_id, ts, question_id, skill_id, correct).
Skill ids come from the content export and start at 1; 0 is padding.
"""
import random
from dataclasses import dataclass, field
from itertools import groupby, islice, chain
from operator import itemgetter

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class KTConfig:
    num_skills: int = 40
    num_questions: int = 320
    emb_dim: int = 32
    hidden: int = 64
    max_len: int = 50
    batch_size: int = 16
    epochs: int = 2
    lr: float = 2e-3
    aux_weight: float = 0.5


@dataclass
class StudentSeq:
    student_id: int
    skills: list = field(default_factory=list)
    correct: list = field(default_factory=list)

    def __len__(self):
        return len(self.skills)


def synth_log(cfg, n_students=120, seed=7):
    rng = random.Random(seed)
    q2skill = {q: 1 + (q * 7) % cfg.num_skills for q in range(cfg.num_questions)}
    ability = {s: rng.gauss(0, 1) for s in range(n_students)}
    rows = []
    for s in range(n_students):
        ts = 0
        for _ in range(rng.randint(15, 80)):
            q = rng.randrange(cfg.num_questions)
            ts += rng.randint(5, 600)
            p = 1 / (1 + pow(2.718, -(ability[s] - (q2skill[q] % 5 - 2) * 0.4)))
            rows.append((s, ts, q, q2skill[q], int(rng.random() < p)))
    rng.shuffle(rows)
    return rows


def build_sequences(rows, cfg):
    rows = sorted(rows, key=itemgetter(0, 1))
    seqs = []
    for sid, grp in groupby(rows, key=itemgetter(0)):
        grp = list(grp)
        for start in range(0, len(grp), cfg.max_len):
            chunk = grp[start:start + cfg.max_len]
            if len(chunk) < 3:
                continue
            seqs.append(StudentSeq(sid, [r[3] for r in chunk], [r[4] for r in chunk]))
    return seqs


def batches(seqs, batch_size, shuffle=True, seed=0):
    order = list(seqs)
    if shuffle:
        random.Random(seed).shuffle(order)
    it = iter(order)
    while True:
        chunk = list(islice(it, batch_size))
        if not chunk:
            return
        yield collate(chunk)


def collate(chunk):
    T = max(len(s) for s in chunk) - 1
    skill_in = torch.zeros(len(chunk), T, dtype=torch.long)
    corr_in = torch.zeros(len(chunk), T, dtype=torch.long)
    next_skill = torch.zeros(len(chunk), T, dtype=torch.long)
    next_corr = torch.zeros(len(chunk), T)
    mask = torch.zeros(len(chunk), T, dtype=torch.bool)
    for i, s in enumerate(chunk):
        n = len(s) - 1
        skill_in[i, :n] = torch.tensor(s.skills[:-1])
        corr_in[i, :n] = torch.tensor(s.correct[:-1])
        next_skill[i, :n] = torch.tensor(s.skills[1:])
        next_corr[i, :n] = torch.tensor(s.correct[1:], dtype=torch.float)
        mask[i, :n] = True
    return {"skill": skill_in, "corr": corr_in, "next_skill": next_skill,
            "next_corr": next_corr, "mask": mask}


class DKT(nn.Module):
    def __init__(self, cfg: KTConfig):
        super().__init__()
        self.n_tok = cfg.num_skills + 1
        self.interaction_emb = nn.Embedding(2 * self.n_tok, cfg.emb_dim, padding_idx=0)
        self.rnn = nn.LSTM(cfg.emb_dim, cfg.hidden, batch_first=True)
        self.drop = nn.Dropout(0.2)
        self.skill_query = nn.Embedding(self.n_tok, cfg.hidden, padding_idx=0)
        self.next_skill = nn.Linear(cfg.hidden, cfg.num_skills + 1)

    def forward(self, skill, corr, target_skill):
        tokens = skill + corr * self.n_tok
        h, _ = self.rnn(self.interaction_emb(tokens))
        h = self.drop(h)
        corr_logit = (h * self.skill_query(target_skill)).sum(-1)
        return corr_logit, self.next_skill(h)


def step_losses(model, batch, cfg):
    corr_logit, skill_logits = model(batch["skill"], batch["corr"], batch["next_skill"])
    m = batch["mask"]
    bce = F.binary_cross_entropy_with_logits(corr_logit[m], batch["next_corr"][m])
    ce = F.cross_entropy(skill_logits.reshape(-1, skill_logits.size(-1)),
                         batch["next_skill"].reshape(-1), ignore_index=0)
    return bce, ce


def evaluate(model, seqs, cfg):
    model.eval()
    hits = total = 0
    with torch.no_grad():
        for batch in batches(seqs, cfg.batch_size, shuffle=False):
            corr_logit, _ = model(batch["skill"], batch["corr"], batch["next_skill"])
            m = batch["mask"]
            pred = (corr_logit[m] > 0).float()
            hits += (pred == batch["next_corr"][m]).sum().item()
            total += m.sum().item()
    model.train()
    return hits / max(total, 1)


def main():
    torch.manual_seed(0)
    cfg = KTConfig()
    rows = synth_log(cfg)
    seqs = build_sequences(rows, cfg)
    cut = int(0.8 * len(seqs))
    train, valid = seqs[:cut], seqs[cut:]
    print(f"{len(train)} train / {len(valid)} valid sequences, "
          f"{sum(map(len, chain(train, valid)))} interactions")

    model = DKT(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        running = []
        for batch in batches(train, cfg.batch_size, seed=epoch):
            bce, ce = step_losses(model, batch, cfg)
            loss = bce + cfg.aux_weight * ce
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running.append(loss.item())
        print(f"epoch {epoch}: loss {sum(running) / len(running):.4f} "
              f"valid acc {evaluate(model, valid, cfg):.3f}")


if __name__ == "__main__":
    main()
