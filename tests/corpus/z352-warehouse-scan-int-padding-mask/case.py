"""Predict late warehouse orders from the sequence of handheld-scanner events."""
import math
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

CFG = {
    "seed": 3,
    "n_orders": 96,
    "max_events": 24,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 16,
    "epochs": 2,
    "lr": 1e-3,
}

EVENT_TYPES = ["<pad>", "login", "pick", "scan_fail", "rescan", "short_pick", "pack", "label", "handoff", "idle"]
EVENT_IDS = {e: i for i, e in enumerate(EVENT_TYPES)}


def simulate_order(rng):
    n = rng.randint(5, CFG["max_events"])
    events, gaps = [EVENT_IDS["login"]], [0.0]
    trouble = 0
    for _ in range(n - 2):
        kind = rng.choices(["pick", "scan_fail", "rescan", "short_pick", "idle"], weights=[6, 1, 1, 1, 1])[0]
        trouble += kind in ("scan_fail", "short_pick", "idle")
        events.append(EVENT_IDS[kind])
        gaps.append(rng.expovariate(1 / 20.0))
    events.append(EVENT_IDS["pack"])
    gaps.append(rng.expovariate(1 / 40.0))
    late = int(trouble >= 3 or sum(gaps) > 300)
    return events, gaps, late


def collate_orders(orders):
    longest = max(len(ev) for ev, _, _ in orders)
    ev_t = torch.zeros(len(orders), longest, dtype=torch.long)
    gap_t = torch.zeros(len(orders), longest)
    attention_mask = torch.zeros(len(orders), longest, dtype=torch.long)
    for row, (ev, gaps, _) in enumerate(orders):
        ev_t[row, : len(ev)] = torch.tensor(ev)
        gap_t[row, : len(gaps)] = torch.log1p(torch.tensor(gaps))
        attention_mask[row, : len(ev)] = 1
    labels = torch.tensor([late for _, _, late in orders], dtype=torch.float)
    return ev_t, gap_t, attention_mask, labels


class ScanSequenceClassifier(nn.Module):
    def __init__(self, n_event_types, d_model, n_heads, n_layers, max_len):
        super().__init__()
        self.event_emb = nn.Embedding(n_event_types, d_model, padding_idx=0)
        self.gap_proj = nn.Linear(1, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=2 * d_model, batch_first=True, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.head = nn.Linear(d_model, 1)

    def forward(self, events, gaps, attention_mask):
        positions = torch.arange(events.size(1), device=events.device)
        h = self.event_emb(events) + self.gap_proj(gaps.unsqueeze(-1)) + self.pos_emb(positions)[None]
        h = h * math.sqrt(h.size(-1))
        pad_mask = 1 - attention_mask
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = attention_mask.unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.head(pooled).squeeze(-1)


def run():
    rng = random.Random(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    orders = [simulate_order(rng) for _ in range(CFG["n_orders"])]
    split = int(0.8 * len(orders))
    train_dl = DataLoader(orders[:split], batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_orders)
    val_dl = DataLoader(orders[split:], batch_size=CFG["batch_size"], collate_fn=collate_orders)

    model = ScanSequenceClassifier(len(EVENT_TYPES), CFG["d_model"], CFG["n_heads"], CFG["n_layers"], CFG["max_events"]).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(CFG["epochs"]):
        model.train()
        for events, gaps, attention_mask, labels in train_dl:
            events, gaps, attention_mask, labels = (t.to(device) for t in (events, gaps, attention_mask, labels))
            loss = loss_fn(model(events, gaps, attention_mask), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for events, gaps, attention_mask, labels in val_dl:
                events, gaps, attention_mask, labels = (t.to(device) for t in (events, gaps, attention_mask, labels))
                preds = (model(events, gaps, attention_mask) > 0).float()
                correct += (preds == labels).sum().item()
                total += labels.numel()
        print(f"epoch {epoch}: train loss {loss.item():.3f}  val acc {correct / total:.2%}")


if __name__ == "__main__":
    run()
