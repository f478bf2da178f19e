"""Lot-level yield excursion prediction from the fab route history.

Every lot is a sequence of process steps: which tool ran it, which operation it
was, and a few inline metrology readings taken after the step. Rework and
skipped metrology mean lots have different numbers of logged steps. A small
transformer reads the route and flags lots whose final sort yield dropped
below the excursion threshold.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class RouteConfig:
    n_tools: int = 48
    n_operations: int = 30
    n_metrology: int = 4
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    max_steps: int = 64
    dropout: float = 0.1
    lr: float = 2e-3
    batch_size: int = 12
    n_lots: int = 96
    epochs: int = 2
    excursion_yield: float = 0.82


def make_lots(cfg: RouteConfig, seed: int = 11):
    rng = np.random.default_rng(seed)
    bad_tools = {5, 17, 33}
    lots = []
    for lot_idx in range(cfg.n_lots):
        n_steps = int(rng.integers(24, cfg.max_steps + 1))
        tools = rng.integers(1, cfg.n_tools, size=n_steps)
        ops = rng.integers(1, cfg.n_operations, size=n_steps)
        metro = rng.normal(0.0, 1.0, size=(n_steps, cfg.n_metrology)).astype(np.float32)
        hits = sum(t in bad_tools for t in tools)
        yld = 0.93 - 0.03 * hits + rng.normal(0, 0.02)
        lots.append({
            "lot_id": f"LOT{lot_idx:05d}",
            "tools": tools,
            "ops": ops,
            "metro": metro,
            "sort_yield": float(yld),
        })
    return lots


def batch_lots(lots, cfg: RouteConfig):
    longest = max(len(l["tools"]) for l in lots)
    B = len(lots)
    tools = torch.zeros(B, longest, dtype=torch.long)
    ops = torch.zeros(B, longest, dtype=torch.long)
    metro = torch.zeros(B, longest, cfg.n_metrology)
    pad_mask = torch.ones(B, longest, dtype=torch.bool)
    for i, lot in enumerate(lots):
        n = len(lot["tools"])
        tools[i, :n] = torch.from_numpy(lot["tools"])
        ops[i, :n] = torch.from_numpy(lot["ops"])
        metro[i, :n] = torch.from_numpy(lot["metro"])
        pad_mask[i, :n] = False
    target = torch.tensor([float(l["sort_yield"] < cfg.excursion_yield) for l in lots])
    return tools, ops, metro, pad_mask, target


class RouteEncoder(nn.Module):
    def __init__(self, cfg: RouteConfig):
        super().__init__()
        self.cfg = cfg
        self.tool_emb = nn.Embedding(cfg.n_tools, cfg.d_model, padding_idx=0)
        self.op_emb = nn.Embedding(cfg.n_operations, cfg.d_model, padding_idx=0)
        self.metro_proj = nn.Linear(cfg.n_metrology, cfg.d_model)
        self.pos_emb = nn.Embedding(cfg.max_steps + 1, cfg.d_model)
        self.cls = nn.Parameter(torch.randn(1, 1, cfg.d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(
            d_model=cfg.d_model, nhead=cfg.n_heads, dim_feedforward=4 * cfg.d_model,
            dropout=cfg.dropout, batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=cfg.n_layers)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, 1)

    def embed(self, tools, ops, metro):
        x = self.tool_emb(tools) + self.op_emb(ops) + self.metro_proj(metro)
        cls = self.cls.expand(x.size(0), -1, -1)
        x = torch.cat([cls, x], dim=1)
        pos = torch.arange(x.size(1), device=x.device)
        return x + self.pos_emb(pos)[None]

    def forward(self, tools, ops, metro, pad_mask):
        x = self.embed(tools, ops, metro)
        cls_keep = pad_mask.new_zeros(pad_mask.size(0), 1)
        pad_mask = torch.cat([cls_keep, pad_mask], dim=1)
        h = self.encoder(x, src_key_padding_mask=pad_mask)
        return self.head(self.norm(h[:, 0])).squeeze(-1)


def run(cfg: RouteConfig):
    torch.manual_seed(0)
    lots = make_lots(cfg)
    split = int(0.8 * len(lots))
    train_lots, val_lots = lots[:split], lots[split:]
    model = RouteEncoder(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    pos_rate = np.mean([l["sort_yield"] < cfg.excursion_yield for l in train_lots])
    pos_weight = torch.tensor((1 - pos_rate) / max(pos_rate, 1e-3))

    for epoch in range(cfg.epochs):
        model.train()
        order = np.random.default_rng(epoch).permutation(len(train_lots))
        running = 0.0
        for s in range(0, len(order), cfg.batch_size):
            chunk = [train_lots[j] for j in order[s:s + cfg.batch_size]]
            tools, ops, metro, pad_mask, y = batch_lots(chunk, cfg)
            logit = model(tools, ops, metro, pad_mask)
            loss = F.binary_cross_entropy_with_logits(logit, y, pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()

        model.eval()
        with torch.no_grad():
            tools, ops, metro, pad_mask, y = batch_lots(val_lots, cfg)
            prob = torch.sigmoid(model(tools, ops, metro, pad_mask))
            acc = ((prob > 0.5).float() == y).float().mean().item()
        print(f"epoch {epoch}: train loss {running:.3f}  val acc {acc:.3f}")


if __name__ == "__main__":
    run(RouteConfig())
