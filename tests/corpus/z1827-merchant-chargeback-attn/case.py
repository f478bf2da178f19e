"""Acquirer-side merchant monitoring: predict a chargeback spike next month.

Input per merchant: 28 days of settlement aggregates plus its MCC (merchant
category code) bucket.  A small hand-written self-attention block mixes the
days, then the pooled state goes to a binary head.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

DAYS = 28
DAILY_FEATS = ["log_volume", "avg_ticket", "refund_rate", "cb_count", "xborder_share", "night_share"]
MCC_BUCKETS = ["grocery", "travel", "digital_goods", "electronics", "gambling", "restaurants", "other"]
D_MODEL = 32
N_HEADS = 4


def make_merchants(n, gen):
    daily = torch.randn(n, DAYS, len(DAILY_FEATS), generator=gen)
    mcc = torch.randint(0, len(MCC_BUCKETS), (n,), generator=gen)
    trend = daily[:, -7:, 3].mean(1) + 0.5 * daily[:, -7:, 4].mean(1)
    risky_mcc = (mcc == MCC_BUCKETS.index("gambling")) | (mcc == MCC_BUCKETS.index("digital_goods"))
    spike = ((trend + 0.8 * risky_mcc.float()) > 0.6).float()
    return daily, mcc, spike


class DaySelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.head_dim = d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q = q.view(b, t, self.n_heads, self.head_dim).transpose(1, 2)
        k = k.view(b, t, self.n_heads, self.head_dim).transpose(1, 2)
        v = v.view(b, t, self.n_heads, self.head_dim).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        weights = F.softmax(scores, dim=-1)
        mixed = weights @ v
        mixed = mixed.transpose(1, 2).view(b, t, d)
        return self.proj(mixed)


class MerchantRiskNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.day_in = nn.Linear(len(DAILY_FEATS), D_MODEL)
        self.day_pos = nn.Parameter(torch.zeros(1, DAYS, D_MODEL))
        self.mcc_emb = nn.Embedding(len(MCC_BUCKETS), D_MODEL)
        self.attn = DaySelfAttention(D_MODEL, N_HEADS)
        self.norm1 = nn.LayerNorm(D_MODEL)
        self.ff = nn.Sequential(nn.Linear(D_MODEL, 64), nn.GELU(), nn.Linear(64, D_MODEL))
        self.norm2 = nn.LayerNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, 1)

    def forward(self, daily, mcc):
        h = self.day_in(daily) + self.day_pos + self.mcc_emb(mcc).unsqueeze(1)
        h = self.norm1(h + self.attn(h))
        h = self.norm2(h + self.ff(h))
        return self.head(h.mean(dim=1)).squeeze(-1)


def batches(daily, mcc, spike, size, gen):
    order = torch.randperm(daily.shape[0], generator=gen)
    for s in range(0, len(order), size):
        idx = order[s:s + size]
        yield daily[idx], mcc[idx], spike[idx]


def main():
    gen = torch.Generator().manual_seed(21)
    torch.manual_seed(21)
    tr_daily, tr_mcc, tr_spike = make_merchants(256, gen)
    va_daily, va_mcc, va_spike = make_merchants(64, gen)
    print(f"train merchants {tr_daily.shape[0]}, spike rate {tr_spike.mean():.2f}")

    model = MerchantRiskNet()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
    crit = nn.BCEWithLogitsLoss()

    for epoch in range(8):
        model.train()
        running, seen = 0.0, 0
        for daily, mcc, spike in batches(tr_daily, tr_mcc, tr_spike, 32, gen):
            opt.zero_grad()
            loss = crit(model(daily, mcc), spike)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item() * daily.shape[0]
            seen += daily.shape[0]
        model.eval()
        with torch.no_grad():
            pred = (torch.sigmoid(model(va_daily, va_mcc)) > 0.5).float()
            acc = (pred == va_spike).float().mean().item()
        print(f"epoch {epoch} loss {running / seen:.4f} val acc {acc:.3f}")


if __name__ == "__main__":
    main()
