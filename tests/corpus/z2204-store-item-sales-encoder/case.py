import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader

SEED = 17
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

CFG = {
    "n_stores": 12,
    "n_items": 80,
    "max_history_days": 56,
    "min_history_days": 14,
    "horizon": 7,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 16,
    "lr": 3e-3,
    "epochs": 2,
}
N_FEATURES = 4  # log units, relative price, promo flag, day-of-week phase


def simulate_store_item(store_id, item_id, n_days, rng):
    base = rng.gamma(2.0, 3.0) * (1.0 + 0.1 * (store_id % 4))
    dow = np.arange(n_days) % 7
    weekly = 1.0 + 0.25 * np.sin(2 * math.pi * dow / 7)
    promo = (rng.random(n_days) < 0.12).astype(np.float32)
    price = 1.0 - 0.2 * promo + rng.normal(0, 0.02, n_days)
    lam = base * weekly * (1.0 + 0.8 * promo)
    units = rng.poisson(lam).astype(np.float32)
    return units, price.astype(np.float32), promo, dow


def build_panel(cfg, n_series=240):
    rng = np.random.default_rng(SEED)
    rows = []
    for _ in range(n_series):
        s = int(rng.integers(cfg["n_stores"]))
        i = int(rng.integers(cfg["n_items"]))
        # newly listed items only have a short sales history
        hist = int(rng.integers(cfg["min_history_days"], cfg["max_history_days"] + 1))
        units, price, promo, dow = simulate_store_item(s, i, hist + cfg["horizon"], rng)
        rows.append({
            "store": s, "item": i,
            "units": units, "price": price, "promo": promo, "dow": dow,
            "hist_len": hist,
        })
    return rows


class SalesWindowDataset(Dataset):
    def __init__(self, panel, horizon):
        self.panel = panel
        self.horizon = horizon

    def __len__(self):
        return len(self.panel)

    def __getitem__(self, idx):
        r = self.panel[idx]
        h = r["hist_len"]
        feats = np.stack([
            np.log1p(r["units"][:h]),
            r["price"][:h],
            r["promo"][:h],
            np.sin(2 * math.pi * r["dow"][:h] / 7),
        ], axis=-1)
        target = np.log1p(r["units"][h:h + self.horizon])
        return {
            "store": torch.tensor(r["store"]),
            "item": torch.tensor(r["item"]),
            "feats": torch.from_numpy(feats.astype(np.float32)),
            "target": torch.from_numpy(target.astype(np.float32)),
        }


def build_padding_mask(lengths, max_len):
    positions = torch.arange(max_len).unsqueeze(0)
    return positions >= lengths.unsqueeze(1)


def collate_sales(batch):
    lengths = torch.tensor([b["feats"].shape[0] for b in batch])
    feats = pad_sequence([b["feats"] for b in batch], batch_first=True)
    return {
        "store": torch.stack([b["store"] for b in batch]),
        "item": torch.stack([b["item"] for b in batch]),
        "feats": feats,
        "lengths": lengths,
        "pad_mask": build_padding_mask(lengths, CFG["max_history_days"]),
        "target": torch.stack([b["target"] for b in batch]),
    }


class DemandEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.store_emb = nn.Embedding(cfg["n_stores"], d)
        self.item_emb = nn.Embedding(cfg["n_items"], d)
        self.feat_proj = nn.Linear(N_FEATURES, d)
        self.pos_emb = nn.Embedding(cfg["max_history_days"], d)
        layer = nn.TransformerEncoderLayer(d, cfg["n_heads"], 2 * d, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"], enable_nested_tensor=False)
        self.head = nn.Linear(d, cfg["horizon"])

    def forward(self, store, item, feats, pad_mask, lengths):
        T = feats.shape[1]
        pos = torch.arange(T, device=feats.device)
        x = self.feat_proj(feats) + self.pos_emb(pos)[None]
        x = x + (self.store_emb(store) + self.item_emb(item))[:, None, :]
        h = self.encoder(x, src_key_padding_mask=pad_mask)
        last = h[torch.arange(h.shape[0]), lengths - 1]
        return self.head(last)


def train():
    panel = build_panel(CFG)
    split = int(0.8 * len(panel))
    train_ds = SalesWindowDataset(panel[:split], CFG["horizon"])
    val_ds = SalesWindowDataset(panel[split:], CFG["horizon"])
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_sales)
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"], collate_fn=collate_sales)

    model = DemandEncoder(CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"], weight_decay=1e-4)
    loss_fn = nn.HuberLoss(delta=1.0)

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for step, batch in enumerate(train_dl):
            pred = model(batch["store"], batch["item"], batch["feats"], batch["pad_mask"], batch["lengths"])
            loss = loss_fn(pred, batch["target"])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
        model.eval()
        with torch.no_grad():
            val_loss = np.mean([
                loss_fn(model(b["store"], b["item"], b["feats"], b["pad_mask"], b["lengths"]), b["target"]).item()
                for b in val_dl
            ])
        print(f"epoch {epoch}: train_huber={running / (step + 1):.4f} val_huber={val_loss:.4f}")


if __name__ == "__main__":
    train()
