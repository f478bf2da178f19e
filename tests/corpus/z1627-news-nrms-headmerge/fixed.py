"""NRMS-style news recommender for the homepage feed.

News encoder: word embeddings of the headline -> multi-head self-attention ->
additive attention pooling. User encoder: the same two blocks applied on top of
the vectors of the last clicked articles. Each impression has one clicked
article and NPRATIO skipped ones; trained as a (1 + NPRATIO)-way softmax.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(5)
torch.manual_seed(5)

N_WORDS = 500        # headline vocabulary after lowercasing, 0 = pad
N_ARTICLES = 200
TITLE_LEN = 12
HIST_LEN = 10
NPRATIO = 4
WORD_DIM = 48
N_HEADS = 4
HEAD_DIM = 12        # N_HEADS * HEAD_DIM = news vector size


def fake_corpus():
    headlines = torch.zeros(N_ARTICLES, TITLE_LEN, dtype=torch.long)
    for a in range(N_ARTICLES):
        n = random.randint(5, TITLE_LEN)
        headlines[a, :n] = torch.randint(1, N_WORDS, (n,))
    impressions = []
    for _ in range(256):
        clicked_before = random.sample(range(N_ARTICLES), HIST_LEN)
        pos = random.randrange(N_ARTICLES)
        negs = random.sample([i for i in range(N_ARTICLES) if i != pos], NPRATIO)
        impressions.append((clicked_before, [pos] + negs))
    return headlines, impressions


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, in_dim, n_heads, head_dim):
        super().__init__()
        self.n_heads, self.head_dim = n_heads, head_dim
        self.q = nn.Linear(in_dim, n_heads * head_dim)
        self.k = nn.Linear(in_dim, n_heads * head_dim)
        self.v = nn.Linear(in_dim, n_heads * head_dim)

    def forward(self, x):
        bsz, length, _ = x.shape

        def split(t):
            return t.view(bsz, length, self.n_heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = (q @ k.transpose(-2, -1)) / self.head_dim ** 0.5
        ctx = att.softmax(dim=-1) @ v
        return ctx.transpose(1, 2).reshape(bsz, length, self.n_heads * self.head_dim)


class AdditivePooling(nn.Module):
    def __init__(self, dim, query_dim=32):
        super().__init__()
        self.proj = nn.Linear(dim, query_dim)
        self.query = nn.Parameter(torch.randn(query_dim) * 0.1)

    def forward(self, x):
        weights = torch.tanh(self.proj(x)) @ self.query
        return (weights.softmax(dim=-1).unsqueeze(-1) * x).sum(dim=1)


class NewsEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.words = nn.Embedding(N_WORDS, WORD_DIM, padding_idx=0)
        self.mhsa = MultiHeadSelfAttention(WORD_DIM, N_HEADS, HEAD_DIM)
        self.pool = AdditivePooling(N_HEADS * HEAD_DIM)
        self.drop = nn.Dropout(0.2)

    def forward(self, headline_tokens):
        return self.pool(self.drop(self.mhsa(self.drop(self.words(headline_tokens)))))


class NRMS(nn.Module):
    def __init__(self):
        super().__init__()
        self.news = NewsEncoder()
        self.user_mhsa = MultiHeadSelfAttention(N_HEADS * HEAD_DIM, N_HEADS, HEAD_DIM)
        self.user_pool = AdditivePooling(N_HEADS * HEAD_DIM)

    def forward(self, history_titles, candidate_titles):
        bsz = history_titles.size(0)
        hist = self.news(history_titles.flatten(0, 1)).view(bsz, HIST_LEN, -1)
        user = self.user_pool(self.user_mhsa(hist))
        cands = self.news(candidate_titles.flatten(0, 1)).view(bsz, 1 + NPRATIO, -1)
        return (cands @ user.unsqueeze(-1)).squeeze(-1)


def main():
    headlines, impressions = fake_corpus()
    model = NRMS()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch_size = 32

    for epoch in range(2):
        random.shuffle(impressions)
        losses = []
        for start in range(0, len(impressions), batch_size):
            chunk = impressions[start:start + batch_size]
            history = torch.tensor([h for h, _ in chunk])
            shown = torch.tensor([c for _, c in chunk])
            scores = model(headlines[history], headlines[shown])
            # the clicked article always sits in column 0
            loss = F.cross_entropy(scores, torch.zeros(len(chunk), dtype=torch.long))
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: loss {sum(losses) / len(losses):.4f}")


if __name__ == "__main__":
    main()
