import csv
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

REVIEWS = [
    ("crashes every time i open the camera", 1),
    ("battery drain is terrible since update", 2),
    ("works ok but ads are annoying", 3),
    ("nice design and fast sync", 4),
    ("best notes app i have ever used", 5),
    ("login loop cannot use it", 1),
    ("decent but missing dark mode", 3),
    ("love the widgets and offline mode", 5),
]
STAR_LEVELS = [1, 2, 3, 4, 5]


def dump_reviews(folder):
    path = os.path.join(folder, "reviews.csv")
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "stars"])
        w.writerows(REVIEWS)
    return path


class ReviewSet(Dataset):
    def __init__(self, path, max_words=12):
        with open(path) as fh:
            self.rows = list(csv.DictReader(fh))
        words = sorted({w for r in self.rows for w in r["text"].split()})
        self.word_to_id = {w: i + 2 for i, w in enumerate(words)}  # 0 pad, 1 unk
        self.max_words = max_words

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        toks = [self.word_to_id.get(w, 1) for w in row["text"].split()][: self.max_words]
        toks = toks + [0] * (self.max_words - len(toks))
        return torch.tensor(toks), torch.tensor(int(row["stars"]))


class Top2MoE(nn.Module):
    def __init__(self, width, n_experts=6, k=2):
        super().__init__()
        self.k = k
        self.n_experts = n_experts
        self.w_gate = nn.Linear(width, n_experts)
        self.experts = nn.ModuleList(
            [nn.Sequential(nn.Linear(width, 2 * width), nn.ReLU(), nn.Linear(2 * width, width))
             for _ in range(n_experts)])

    def forward(self, x):
        b, t, d = x.shape
        tokens = x.reshape(b * t, d)
        logits = self.w_gate(tokens)
        top_val, top_idx = logits.topk(self.k, dim=-1)
        weights = F.softmax(top_val, dim=-1)
        mixed = torch.zeros_like(tokens)
        for slot in range(self.k):
            for e in range(self.n_experts):
                rows = (top_idx[:, slot] == e).nonzero(as_tuple=True)[0]
                if rows.numel():
                    y = self.experts[e](tokens[rows])
                    mixed.index_add_(0, rows, y * weights[rows, slot, None])
        importance = F.softmax(logits, dim=-1).mean(0)
        load = F.one_hot(top_idx[:, 0], self.n_experts).float().mean(0)
        balance = self.n_experts * torch.sum(importance * load)
        return mixed.view(b, t, d), balance


class RatingNet(nn.Module):
    def __init__(self, vocab, n_classes, width=32):
        super().__init__()
        self.emb = nn.Embedding(vocab, width, padding_idx=0)
        self.pos = nn.Parameter(torch.randn(1, 32, width) * 0.02)
        layer = nn.TransformerEncoderLayer(width, nhead=4, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1)
        self.moe = Top2MoE(width)
        self.out = nn.Linear(width, n_classes)

    def forward(self, toks):
        pad = toks.eq(0)
        h = self.emb(toks) + self.pos[:, : toks.size(1)]
        h = self.enc(h, src_key_padding_mask=pad)
        m, balance = self.moe(h)
        h = h + m
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.out(pooled), balance


def run():
    with tempfile.TemporaryDirectory() as tmp:
        data = ReviewSet(dump_reviews(tmp))
    loader = DataLoader(data, batch_size=4, shuffle=True)
    net = RatingNet(len(data.word_to_id) + 2, n_classes=len(STAR_LEVELS))
    optim = torch.optim.Adam(net.parameters(), lr=1e-3)
    for epoch in range(2):
        total = 0.0
        for toks, stars in loader:
            scores, balance = net(toks)
            loss = F.cross_entropy(scores, stars) + 0.01 * balance
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")


if __name__ == "__main__":
    run()
