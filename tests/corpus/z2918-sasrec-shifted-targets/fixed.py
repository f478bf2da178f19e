import math
import random
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PAD = 0
MAX_LEN = 20
rng = np.random.default_rng(2024)
torch.manual_seed(2024)


def simulate_sessions(n_users=120, n_items=80, n_clusters=5):
    cluster_of = rng.integers(0, n_clusters, size=n_items)
    log = []
    for uid in range(n_users):
        fav = rng.integers(0, n_clusters)
        pool = np.flatnonzero(cluster_of == fav)
        t = 0
        for _ in range(int(rng.integers(8, 30))):
            t += int(rng.integers(1, 600))
            if rng.random() < 0.7:
                item = int(rng.choice(pool))
            else:
                item = int(rng.integers(0, n_items))
            log.append((uid, item, t))
    return log


def to_sequences(log):
    by_user = defaultdict(list)
    for uid, item, t in log:
        by_user[uid].append((t, item + 1))
    return {u: [i for _, i in sorted(ev)] for u, ev in by_user.items()}


def left_pad(seq, length):
    seq = seq[-length:]
    return [PAD] * (length - len(seq)) + seq


def iterate_batches(seqs, batch_size, shuffle=True):
    users = list(seqs)
    if shuffle:
        random.Random(len(users)).shuffle(users)
    for s in range(0, len(users), batch_size):
        chunk = users[s:s + batch_size]
        inp, tgt = [], []
        for u in chunk:
            full = seqs[u][:-1]
            inp.append(left_pad(full[:-1], MAX_LEN))
            tgt.append(left_pad(full[1:], MAX_LEN))
        yield {
            "user_ids": torch.tensor(chunk),
            "input_items": torch.tensor(inp, dtype=torch.long),
            "target_items": torch.tensor(tgt, dtype=torch.long),
        }


class SASRec(nn.Module):
    def __init__(self, vocab, d_model=32, heads=2, layers=2, dropout=0.1):
        super().__init__()
        self.item_emb = nn.Embedding(vocab, d_model, padding_idx=PAD)
        self.pos_emb = nn.Embedding(MAX_LEN, d_model)
        block = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=2 * d_model,
                                           dropout=dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(block, layers)
        self.norm = nn.LayerNorm(d_model)
        self.out = nn.Linear(d_model, vocab)
        self.scale = math.sqrt(d_model)

    def forward(self, items):
        L = items.size(1)
        pos = torch.arange(L).unsqueeze(0)
        x = self.item_emb(items) * self.scale + self.pos_emb(pos)
        causal = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1)
        h = self.encoder(x, mask=causal, src_key_padding_mask=items.eq(PAD))
        return self.out(self.norm(h))


@torch.no_grad()
def evaluate(model, seqs, k=10):
    model.eval()
    hits, ndcg, n = 0.0, 0.0, 0
    for u, seq in seqs.items():
        hist = torch.tensor([left_pad(seq[:-1], MAX_LEN)])
        scores = model(hist)[0, -1]
        scores[PAD] = -1e9
        top = scores.topk(k).indices.tolist()
        if seq[-1] in top:
            rank = top.index(seq[-1])
            hits += 1
            ndcg += 1.0 / math.log2(rank + 2)
        n += 1
    return hits / n, ndcg / n


def train():
    log = simulate_sessions()
    seqs = to_sequences(log)
    vocab = max(i for s in seqs.values() for i in s) + 1
    print(f"users={len(seqs)} vocab={vocab} events={len(log)}")

    model = SASRec(vocab)
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(3):
        model.train()
        losses = []
        for batch in iterate_batches(seqs, batch_size=16):
            logits = model(batch["input_items"])
            loss = F.cross_entropy(logits.transpose(1, 2), batch["target_items"], ignore_index=PAD)
            optim.zero_grad()
            loss.backward()
            optim.step()
            losses.append(loss.item())
        hr, nd = evaluate(model, seqs)
        print(f"epoch {epoch}: loss={np.mean(losses):.4f} HR@10={hr:.3f} NDCG@10={nd:.3f}")


if __name__ == "__main__":
    train()
