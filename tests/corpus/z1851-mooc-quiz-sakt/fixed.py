"""SAKT-style self-attentive knowledge tracing on MOOC in-video quiz logs.

Learners answer short quiz questions embedded in lecture videos. For every
question a learner meets, the model attends over their earlier answers and
predicts whether this one will be answered correctly.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(21)
torch.manual_seed(21)

N_QUIZ_ITEMS = 60       # quiz questions across all lecture videos
HISTORY_LEN = 32
EMBED = 48
HEADS = 4


def simulate_clickstream(n_learners):
    learners = []
    for _ in range(n_learners):
        ability = random.gauss(0, 1)
        seq = []
        for _ in range(random.randint(10, HISTORY_LEN)):
            q = random.randrange(N_QUIZ_ITEMS)
            difficulty = (q % 10) / 5 - 1
            p = 1 / (1 + math.exp(-(ability - difficulty)))
            seq.append((q, int(random.random() < p)))
            ability += 0.03
        learners.append(seq)
    return learners


def to_padded(learners):
    quiz = torch.zeros(len(learners), HISTORY_LEN, dtype=torch.long)
    answered = torch.zeros(len(learners), HISTORY_LEN, dtype=torch.long)
    real = torch.zeros(len(learners), HISTORY_LEN, dtype=torch.bool)
    for i, seq in enumerate(learners):
        for t, (q, a) in enumerate(seq):
            quiz[i, t], answered[i, t], real[i, t] = q, a, True
    return quiz, answered, real


class QuizAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.to_q = nn.Linear(dim, dim)
        self.to_k = nn.Linear(dim, dim)
        self.to_v = nn.Linear(dim, dim)
        self.proj = nn.Linear(dim, dim)

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, query, memory, future):
        b, t, d = query.shape
        q, k, v = self.split(self.to_q(query)), self.split(self.to_k(memory)), self.split(self.to_v(memory))
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        scores = scores.masked_fill(future, float("-inf"))
        attn_out = F.softmax(scores, dim=-1) @ v          # (b, heads, t, head_dim)
        merged = attn_out.transpose(1, 2).contiguous().view(b, t, d)
        return self.proj(merged)


class SAKT(nn.Module):
    def __init__(self, n_items, dim=EMBED, heads=HEADS, max_len=HISTORY_LEN):
        super().__init__()
        self.n_items = n_items
        self.interaction_emb = nn.Embedding(2 * n_items, dim)
        self.item_emb = nn.Embedding(n_items, dim)
        self.pos_emb = nn.Embedding(max_len, dim)
        self.attn = QuizAttention(dim, heads)
        self.norm = nn.LayerNorm(dim)
        self.ffn = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, dim))
        self.head = nn.Linear(dim, 1)

    def forward(self, past_quiz, past_answered, next_quiz):
        t = past_quiz.size(1)
        pos = torch.arange(t)
        memory = self.interaction_emb(past_quiz + self.n_items * past_answered) + self.pos_emb(pos)
        query = self.item_emb(next_quiz)
        future = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
        h = self.norm(query + self.attn(query, memory, future))
        h = self.norm(h + self.ffn(h))
        return self.head(h).squeeze(-1)


def main():
    quiz, answered, real = to_padded(simulate_clickstream(48))
    model = SAKT(N_QUIZ_ITEMS)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(6):
        perm = torch.randperm(quiz.size(0))
        running = 0.0
        for chunk in perm.split(12):
            q, a, m = quiz[chunk], answered[chunk], real[chunk]
            logits = model(q[:, :-1], a[:, :-1], q[:, 1:])
            target = a[:, 1:].float()
            valid = m[:, 1:]
            loss = F.binary_cross_entropy_with_logits(logits[valid], target[valid])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running / 4:.4f}")

    with torch.no_grad():
        logits = model(quiz[:, :-1], answered[:, :-1], quiz[:, 1:])
        valid = real[:, 1:]
        pred = (logits[valid] > 0).long()
        print(f"next-answer accuracy: {(pred == answered[:, 1:][valid]).float().mean():.3f}")


if __name__ == "__main__":
    main()
