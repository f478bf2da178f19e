import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SENSORS = ["do_mgL", "temp_C", "pH", "nh3_mgL", "turbidity_NTU"]
CFG = {
    "n_ponds": 12,
    "days_per_pond": 20,
    "readings_per_day": 48,
    "dropout_prob": 0.25,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 8,
    "epochs": 2,
    "lr": 1e-3,
    "hypoxia_threshold": 3.0,
    "seed": 11,
}

random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])


def simulate_pond_day(rng, readings):
    t = np.linspace(0, 24, readings, endpoint=False)
    temp = 27 + 2.5 * np.sin((t - 9) / 24 * 2 * np.pi) + rng.normal(0, 0.2, readings)
    do = 6.5 + rng.normal(0, 0.8) + 2.8 * np.sin((t - 10) / 24 * 2 * np.pi) - 0.15 * (temp - 27) + rng.normal(0, 0.3, readings)
    ph = 7.6 + 0.4 * np.sin((t - 11) / 24 * 2 * np.pi) + rng.normal(0, 0.05, readings)
    nh3 = np.abs(0.05 + 0.02 * rng.standard_normal(readings))
    turb = 25 + rng.normal(0, 3, readings)
    X = np.stack([do, temp, ph, nh3, turb], axis=1).astype(np.float32)
    keep = rng.random(readings) > CFG["dropout_prob"]
    keep[:4] = True
    X = X[keep]
    next_min_do = float(do.min() - rng.uniform(0, 1.5))
    return X, float(next_min_do < CFG["hypoxia_threshold"])


class PondDays(Dataset):
    def __init__(self, n_ponds, days, readings):
        rng = np.random.default_rng(CFG["seed"])
        self.records = []
        for pond in range(n_ponds):
            for day in range(days):
                X, y = simulate_pond_day(rng, readings)
                self.records.append({"pond": pond, "day": day, "x": X, "hypoxia": y})
        allx = np.concatenate([r["x"] for r in self.records])
        self.mu = allx.mean(0)
        self.sd = allx.std(0) + 1e-6

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        r = self.records[i]
        x = (r["x"] - self.mu) / self.sd
        return torch.from_numpy(x), torch.tensor(r["hypoxia"])


def collate_readings(batch):
    xs, ys = zip(*batch)
    lengths = [x.shape[0] for x in xs]
    T = max(lengths)
    padded = torch.zeros(len(xs), T, len(SENSORS))
    pad_mask = torch.zeros(len(xs), T, dtype=torch.long)
    for i, x in enumerate(xs):
        padded[i, :x.shape[0]] = x
        pad_mask[i, x.shape[0]:] = 1
    return padded, pad_mask, torch.stack(ys), torch.tensor(lengths)


class HypoxiaEncoder(nn.Module):
    def __init__(self, n_feats, d_model, n_heads, n_layers):
        super().__init__()
        self.inp = nn.Linear(n_feats, d_model)
        self.time_pos = nn.Parameter(torch.randn(1, CFG["readings_per_day"], d_model) * 0.02)
        enc_layer = nn.TransformerEncoderLayer(d_model, n_heads, 2 * d_model, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(enc_layer, n_layers)
        self.out = nn.Linear(d_model, 1)

    def forward(self, x, pad_mask):
        h = self.inp(x) + self.time_pos[:, : x.size(1)]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        valid = (pad_mask == 0).unsqueeze(-1).float()
        pooled = (h * valid).sum(1) / valid.sum(1).clamp(min=1.0)
        return self.out(pooled).squeeze(-1)


def train():
    ds = PondDays(CFG["n_ponds"], CFG["days_per_pond"], CFG["readings_per_day"])
    n_val = len(ds) // 5
    train_ds, val_ds = torch.utils.data.random_split(ds, [len(ds) - n_val, n_val])
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_readings)
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"], collate_fn=collate_readings)

    model = HypoxiaEncoder(len(SENSORS), CFG["d_model"], CFG["n_heads"], CFG["n_layers"])
    pos_rate = np.mean([r["hypoxia"] for r in ds.records])
    crit = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - pos_rate) / max(pos_rate, 1e-3)))
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for x, pad_mask, y, _ in train_dl:
            logit = model(x, pad_mask)
            loss = crit(logit, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * x.size(0)
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for x, pad_mask, y, _ in val_dl:
                pred = (model(x, pad_mask) > 0).float()
                correct += (pred == y).sum().item()
                total += y.numel()
        print(f"epoch {epoch} train_loss={running / len(train_ds):.4f} val_acc={correct / total:.3f}")


if __name__ == "__main__":
    train()
