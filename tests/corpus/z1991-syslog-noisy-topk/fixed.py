import re

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

LOG_WINDOWS = [
    ("sshd accepted publickey for deploy from 10.0.0.4 ; session opened for user deploy", 0),
    ("kernel oom killer invoked ; killed process 4412 java ; memory cgroup out of memory", 1),
    ("cron session opened for user root ; cron session closed for user root", 0),
    ("sshd failed password for root from 203.0.113.9 ; failed password for root from 203.0.113.9", 1),
    ("nginx upstream response 200 ; nginx upstream response 200 ; health check ok", 0),
    ("disk sda1 io error ; filesystem remounted read-only ; journal aborted", 1),
    ("systemd started daily apt upgrade ; systemd finished daily apt upgrade", 0),
    ("nginx upstream timed out ; upstream response 504 ; connection reset by peer", 1),
]


def normalise(line):
    line = re.sub(r"\d+\.\d+\.\d+\.\d+", "<ip>", line)
    return re.sub(r"\b\d+\b", "<num>", line).split()


def build_vocab(windows):
    vocab = {"<pad>": 0, "<unk>": 1}
    for text, _ in windows:
        for w in normalise(text):
            vocab.setdefault(w, len(vocab))
    return vocab


def to_tensor(windows, vocab):
    rows = [[vocab.get(w, 1) for w in normalise(t)] for t, _ in windows]
    width = max(map(len, rows))
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
    return ids, torch.tensor([y for _, y in windows], dtype=torch.float)


class NoisyTopKRouter(nn.Module):
    def __init__(self, d, n_experts, k):
        super().__init__()
        self.k = k
        self.w_clean = nn.Linear(d, n_experts, bias=False)
        self.w_noise = nn.Linear(d, n_experts, bias=False)

    def forward(self, x):
        clean = self.w_clean(x)
        if self.training:
            clean = clean + torch.randn_like(clean) * F.softplus(self.w_noise(x))
        top_val, top_idx = clean.topk(self.k, dim=-1)
        sparse = torch.full_like(clean, float("-inf")).scatter(-1, top_idx, top_val)
        return sparse.softmax(-1), top_idx


class SparseExpertLayer(nn.Module):
    def __init__(self, d, n_experts=6, k=2, d_ff=48):
        super().__init__()
        self.router = NoisyTopKRouter(d, n_experts, k)
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(d, d_ff), nn.ReLU(), nn.Linear(d_ff, d)) for _ in range(n_experts)
        )

    def forward(self, h):
        b, t, d = h.shape
        tokens = h.reshape(-1, d)
        weights, top_idx = self.router(tokens)
        out = torch.zeros_like(tokens)
        for e, expert in enumerate(self.experts):
            rows = (top_idx == e).any(-1).nonzero(as_tuple=True)[0]
            if rows.numel() == 0:
                continue
            y = expert(tokens.index_select(0, rows)) * weights[rows, e].unsqueeze(-1)
            out = out.index_add(0, rows, y)
        importance = weights.sum(0)
        cv_loss = importance.var() / (importance.mean() ** 2 + 1e-9)
        return h + out.view(b, t, d), cv_loss


class LogAnomalyNet(nn.Module):
    def __init__(self, vocab_size, d=32, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d, padding_idx=0)
        self.pos = nn.Parameter(torch.zeros(max_len, 1, d))
        layer = nn.TransformerEncoderLayer(d, nhead=4, dim_feedforward=64, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.moe = SparseExpertLayer(d)
        self.score = nn.Linear(d, 1)

    def forward(self, ids):
        pad = ids == 0
        x = self.tok(ids).transpose(0, 1)
        x = x + self.pos[: x.size(0)]
        enc = self.encoder(x, src_key_padding_mask=pad)
        enc = enc.transpose(0, 1)
        enc, cv_loss = self.moe(enc)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (enc * keep).sum(1) / keep.sum(1)
        return self.score(pooled).squeeze(-1), cv_loss


def main():
    vocab = build_vocab(LOG_WINDOWS)
    ids, is_anomaly = to_tensor(LOG_WINDOWS, vocab)
    net = LogAnomalyNet(len(vocab))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.train()
    for epoch in range(5):
        perm = torch.randperm(len(ids))
        for chunk in perm.split(4):
            logit, cv_loss = net(ids[chunk])
            loss = F.binary_cross_entropy_with_logits(logit, is_anomaly[chunk]) + 0.05 * cv_loss
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
