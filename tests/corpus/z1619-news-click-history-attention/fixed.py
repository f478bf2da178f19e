"""NRMS-style click model for the news app 'For you' tab.

Reader representation = multi-head self-attention over the reader's recent
article clicks, then additive attention pooling. Each impression has one
clicked article and NPRATIO shown-but-skipped articles; trained as a
(1 + NPRATIO)-way softmax.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(5)
torch.manual_seed(5)

N_ARTICLES = 800
N_SECTIONS = 14
HIST_LEN = 20
NPRATIO = 4
D_MODEL = 64
N_HEADS = 4
BATCH = 32

section_of_article = torch.randint(0, N_SECTIONS, (N_ARTICLES + 1,))
section_of_article[0] = 0


def make_impressions(n_readers=40, per_reader=6):
    rows = []
    for _ in range(n_readers):
        fav = random.sample(range(N_SECTIONS), 3)
        pool = [a for a in range(1, N_ARTICLES + 1) if int(section_of_article[a]) in fav]
        n_hist = random.randint(3, HIST_LEN)
        history = random.sample(pool, n_hist)
        history = [0] * (HIST_LEN - n_hist) + history
        for _ in range(per_reader):
            clicked = random.choice(pool)
            skipped = random.sample(range(1, N_ARTICLES + 1), NPRATIO)
            rows.append((history, [clicked] + skipped))
    return rows


class ArticleEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.article_emb = nn.Embedding(N_ARTICLES + 1, D_MODEL, padding_idx=0)
        self.section_emb = nn.Embedding(N_SECTIONS, D_MODEL)

    def forward(self, article_ids):
        return self.article_emb(article_ids) + self.section_emb(section_of_article[article_ids])


class HistorySelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def forward(self, x, is_pad):
        bsz, hist, d_model = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q = q.view(bsz, hist, self.n_heads, self.d_head).transpose(1, 2)
        k = k.view(bsz, hist, self.n_heads, self.d_head).transpose(1, 2)
        v = v.view(bsz, hist, self.n_heads, self.d_head).transpose(1, 2)
        att = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)
        att = att.masked_fill(is_pad[:, None, None, :], float("-inf"))
        ctx = att.softmax(dim=-1) @ v
        ctx = ctx.transpose(1, 2).reshape(bsz, hist, d_model)
        return self.out(ctx)


class AdditivePool(nn.Module):
    def __init__(self, d_model, d_query=32):
        super().__init__()
        self.proj = nn.Linear(d_model, d_query)
        self.query = nn.Parameter(torch.randn(d_query) * 0.1)

    def forward(self, x, is_pad):
        w = torch.tanh(self.proj(x)) @ self.query
        w = w.masked_fill(is_pad, float("-inf")).softmax(dim=-1)
        return (w.unsqueeze(-1) * x).sum(1)


class NRMS(nn.Module):
    def __init__(self):
        super().__init__()
        self.articles = ArticleEncoder()
        self.self_att = HistorySelfAttention(D_MODEL, N_HEADS)
        self.pool = AdditivePool(D_MODEL)

    def forward(self, history, candidates):
        is_pad = history == 0
        h = self.articles(history)
        h = self.self_att(h, is_pad)
        reader = self.pool(h, is_pad)
        cand = self.articles(candidates)
        return torch.einsum("bd,bcd->bc", reader, cand)


impressions = make_impressions()
random.shuffle(impressions)
split = int(0.9 * len(impressions))
train_rows, valid_rows = impressions[:split], impressions[split:]
print(f"{len(train_rows)} train impressions, {len(valid_rows)} valid impressions")

model = NRMS()
optim = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(1):
    model.train()
    random.shuffle(train_rows)
    total = 0.0
    for b in range(0, len(train_rows), BATCH):
        chunk = train_rows[b : b + BATCH]
        history = torch.tensor([r[0] for r in chunk])
        candidates = torch.tensor([r[1] for r in chunk])
        logits = model(history, candidates)
        loss = F.cross_entropy(logits, torch.zeros(len(chunk), dtype=torch.long))
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item() * len(chunk)
    print(f"epoch {epoch}: loss {total / len(train_rows):.4f}")

model.eval()
with torch.no_grad():
    history = torch.tensor([r[0] for r in valid_rows])
    candidates = torch.tensor([r[1] for r in valid_rows])
    logits = model(history, candidates)
    acc = (logits.argmax(-1) == 0).float().mean().item()
print(f"valid top-1 among {1 + NPRATIO} candidates: {acc:.3f}")
