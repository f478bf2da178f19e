"""Knowledge tracing on an intro-programming autograder.

Each submission is (exercise_id, concept_id, passed_all_tests). A small causal
transformer reads a student's earlier submissions and predicts whether the
next submission passes.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

N_EXERCISES = 75
N_CONCEPTS = 12          # loops, recursion, string slicing, ...
WINDOW = 32
D_MODEL = 64
N_HEADS = 4


def exercise_concept(ex):
    return ex % N_CONCEPTS


def fake_submissions(n_students):
    out = []
    for _ in range(n_students):
        ability = random.gauss(0.0, 1.0)
        subs = []
        for _ in range(random.randint(6, WINDOW + 10)):
            ex = random.randint(1, N_EXERCISES)
            hardness = (exercise_concept(ex) - 6) / 4
            passed = random.random() < 1 / (1 + math.exp(hardness - ability))
            subs.append((ex, int(passed)))
        out.append(subs[-WINDOW:])
    return out


def to_tensors(students):
    ex = torch.zeros(len(students), WINDOW, dtype=torch.long)
    ok = torch.zeros(len(students), WINDOW, dtype=torch.long)
    lengths = torch.zeros(len(students), dtype=torch.long)
    for i, subs in enumerate(students):
        ex[i, :len(subs)] = torch.tensor([e for e, _ in subs])
        ok[i, :len(subs)] = torch.tensor([p for _, p in subs])
        lengths[i] = len(subs)
    return ex, ok, lengths


class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.head_dim = d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x, blocked):
        bsz, steps, width = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q = q.view(bsz, steps, self.n_heads, self.head_dim).transpose(1, 2)
        k = k.view(bsz, steps, self.n_heads, self.head_dim).transpose(1, 2)
        v = v.view(bsz, steps, self.n_heads, self.head_dim).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        scores = scores.masked_fill(blocked[:, None, :, :], -1e9)
        weights = scores.softmax(dim=-1)
        mixed = weights @ v
        mixed = mixed.transpose(1, 2).contiguous().view(bsz, steps, width)
        return self.proj(mixed)


class SubmissionTracer(nn.Module):
    def __init__(self):
        super().__init__()
        self.sub_emb = nn.Embedding(2 * (N_EXERCISES + 1), D_MODEL)
        self.ex_emb = nn.Embedding(N_EXERCISES + 1, D_MODEL, padding_idx=0)
        self.concept_emb = nn.Embedding(N_CONCEPTS, D_MODEL)
        self.pos = nn.Parameter(torch.zeros(1, WINDOW, D_MODEL))
        self.attn = CausalSelfAttention(D_MODEL, N_HEADS)
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.mlp = nn.Sequential(nn.Linear(D_MODEL, 4 * D_MODEL), nn.GELU(), nn.Linear(4 * D_MODEL, D_MODEL))
        self.out = nn.Linear(D_MODEL, 1)

    def forward(self, ex, ok, lengths):
        steps = ex.size(1)
        h = self.sub_emb(ex * 2 + ok) + self.pos[:, :steps]
        pad = torch.arange(steps)[None, :] >= lengths[:, None]
        future = torch.ones(steps, steps, dtype=torch.bool).triu(1)
        blocked = future[None] | pad[:, None, :]
        h = self.ln1(h + self.attn(h, blocked))
        h = self.ln2(h + self.mlp(h))
        # state after submission t, combined with what is attempted at t+1
        nxt = ex[:, 1:]
        query = self.ex_emb(nxt) + self.concept_emb(exercise_concept(nxt))
        return self.out(h[:, :-1] * query).squeeze(-1)


def step_mask(lengths, steps):
    return torch.arange(1, steps)[None, :] < lengths[:, None]


def main():
    train_ex, train_ok, train_len = to_tensors(fake_submissions(96))
    val_ex, val_ok, val_len = to_tensors(fake_submissions(24))
    model = SubmissionTracer()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(3):
        model.train()
        perm = torch.randperm(train_ex.size(0))
        for b in range(0, len(perm), 32):
            idx = perm[b:b + 32]
            logits = model(train_ex[idx], train_ok[idx], train_len[idx])
            m = step_mask(train_len[idx], WINDOW)
            loss = F.binary_cross_entropy_with_logits(logits[m], train_ok[idx][:, 1:][m].float())
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            logits = model(val_ex, val_ok, val_len)
            m = step_mask(val_len, WINDOW)
            acc = ((logits[m] > 0).long() == val_ok[:, 1:][m]).float().mean()
        print(f"epoch {epoch}: last loss {loss.item():.4f} val acc {acc.item():.3f}")


if __name__ == "__main__":
    main()
