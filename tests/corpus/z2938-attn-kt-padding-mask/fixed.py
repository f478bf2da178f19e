import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain, groupby, islice

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(2024)
torch.manual_seed(2024)

N_QUESTIONS = 150
N_SKILLS = 15
PAD = 0


@dataclass
class StudentHistory:
    student_id: int
    questions: list = field(default_factory=list)
    skills: list = field(default_factory=list)
    answers: list = field(default_factory=list)

    def __len__(self):
        return len(self.questions)


@dataclass
class TrainArgs:
    dim: int = 32
    heads: int = 4
    batch_size: int = 6
    bucket_width: int = 10
    epochs: int = 2
    lr: float = 2e-3
    log: dict = field(default_factory=lambda: defaultdict(list))


def synth_histories(n_students=36):
    q_skill = {q: random.randrange(1, N_SKILLS + 1) for q in range(1, N_QUESTIONS + 1)}
    out = []
    for sid in range(n_students):
        h = StudentHistory(sid)
        skill_mastery = defaultdict(float)
        for _ in range(random.randint(8, 45)):
            q = random.randint(1, N_QUESTIONS)
            s = q_skill[q]
            p = 1 / (1 + math.exp(-(skill_mastery[s] - 0.5)))
            a = int(random.random() < p)
            skill_mastery[s] += 0.3 if a else 0.1
            h.questions.append(q)
            h.skills.append(s)
            h.answers.append(a)
        out.append(h)
    return out


def bucketed_batches(histories, bucket_width, batch_size):
    ordered = sorted(histories, key=len)
    for _, bucket in groupby(ordered, key=lambda h: len(h) // bucket_width):
        it = iter(list(bucket))
        while chunk := list(islice(it, batch_size)):
            yield chunk


def to_batch(chunk):
    T = max(len(h) for h in chunk)

    def padded(attr):
        rows = []
        for h in chunk:
            seq = getattr(h, attr)
            rows.append(seq + [PAD] * (T - len(seq)))
        return torch.tensor(rows, dtype=torch.long)

    return {
        "question_ids": padded("questions"),
        "skill_ids": padded("skills"),
        "correct": padded("answers"),
        "attention_mask": torch.tensor(
            [[1] * len(h) + [0] * (T - len(h)) for h in chunk], dtype=torch.long
        ),
    }


class CausalInteractionAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, attention_mask):
        B, T, D = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(D // self.heads)
        future = torch.ones(T, T, dtype=torch.bool).triu(1)
        pad = attention_mask == 0
        blocked = future | pad[:, None, None, :]
        scores = scores.masked_fill(blocked, float("-inf"))
        ctx = scores.softmax(-1) @ v
        return self.proj(ctx.transpose(1, 2).reshape(B, T, D))


class AttentiveKT(nn.Module):
    def __init__(self, args: TrainArgs):
        super().__init__()
        self.q_emb = nn.Embedding(N_QUESTIONS + 1, args.dim, padding_idx=PAD)
        self.s_emb = nn.Embedding(N_SKILLS + 1, args.dim, padding_idx=PAD)
        self.a_emb = nn.Embedding(2, args.dim)
        self.attn = CausalInteractionAttention(args.dim, args.heads)
        self.norm = nn.LayerNorm(args.dim)
        self.head = nn.Linear(2 * args.dim, 1)

    def forward(self, batch):
        x = self.q_emb(batch["question_ids"]) + self.s_emb(batch["skill_ids"]) + self.a_emb(batch["correct"])
        h = self.norm(x + self.attn(x, batch["attention_mask"]))
        nxt_q = self.q_emb(batch["question_ids"][:, 1:]) + self.s_emb(batch["skill_ids"][:, 1:])
        return self.head(torch.cat([h[:, :-1], nxt_q], dim=-1)).squeeze(-1)


def train(args, histories):
    model = AttentiveKT(args)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        random.shuffle(histories)
        batches = list(bucketed_batches(histories, args.bucket_width, args.batch_size))
        for batch in map(to_batch, batches):
            logits = model(batch)
            target = batch["correct"][:, 1:].float()
            keep = batch["attention_mask"][:, 1:].bool()
            loss = F.binary_cross_entropy_with_logits(logits[keep], target[keep])
            opt.zero_grad()
            loss.backward()
            opt.step()
            args.log["loss"].append(loss.item())
        recent = args.log["loss"][-len(batches):]
        print(f"epoch {epoch}: mean loss {sum(recent) / len(recent):.4f}")
    return model


def main():
    args = TrainArgs()
    histories = synth_histories()
    n_events = sum(1 for _ in chain.from_iterable(h.questions for h in histories))
    print(f"{len(histories)} students, {n_events} interactions")
    train(args, histories)


if __name__ == "__main__":
    main()
