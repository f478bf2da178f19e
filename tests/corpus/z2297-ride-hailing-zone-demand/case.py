import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 11
N_ZONES = 60
MAX_HISTORY_H = 72
MIN_HISTORY_H = 18
N_FEATS = 4   # requests, completed trips, surge multiplier, rain flag
BATCH = 16
EPOCHS = 2

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def synth_zone_history(zone_id, n_hours):
    """Hourly ride-hailing log for a zone that launched n_hours ago."""
    t = np.arange(n_hours)
    base = 20 + 15 * rng.random()
    daily = 1 + 0.6 * np.sin(2 * np.pi * (t % 24) / 24 - 1.2)
    rain = (rng.random(n_hours) < 0.1).astype(np.float32)
    requests = rng.poisson(base * daily * (1 + 0.4 * rain)).astype(np.float32)
    completed = np.minimum(requests, rng.poisson(base * 0.9, n_hours)).astype(np.float32)
    surge = 1.0 + np.clip((requests - completed) / (completed + 1), 0, 2)
    feats = np.stack([requests, completed, surge, rain], axis=1)
    next_hour = requests[-1] * 0.7 + base * daily[-1] * 0.3
    return feats, np.float32(next_hour)


class ZoneDemandDataset(Dataset):
    def __init__(self, n_samples):
        self.items = []
        for i in range(n_samples):
            zone = i % N_ZONES
            L = int(rng.integers(MIN_HISTORY_H, MAX_HISTORY_H + 1))
            x, y = synth_zone_history(zone, L)
            self.items.append((zone, x, y))
        allx = np.concatenate([x for _, x, _ in self.items])
        self.mu, self.sd = allx.mean(0), allx.std(0) + 1e-6

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        zone, x, y = self.items[idx]
        return zone, (x - self.mu) / self.sd, (y - self.mu[0]) / self.sd[0]


def pad_collate(batch):
    zones, xs, ys = zip(*batch)
    T = max(len(x) for x in xs)
    feats = np.zeros((len(xs), T, N_FEATS), dtype=np.float32)
    pad_mask = np.ones((len(xs), T), dtype=np.int64)
    for i, x in enumerate(xs):
        feats[i, : len(x)] = x
        pad_mask[i, : len(x)] = 0
    return {
        "zone": torch.tensor(zones, dtype=torch.long),
        "feats": torch.from_numpy(feats),
        "pad_mask": torch.from_numpy(pad_mask),
        "target": torch.tensor(ys, dtype=torch.float32),
    }


class DemandTransformer(nn.Module):
    def __init__(self, n_zones, n_feats, d_model=32, n_heads=4, n_layers=2, max_len=MAX_HISTORY_H):
        super().__init__()
        self.inp = nn.Linear(n_feats, d_model)
        self.zone_emb = nn.Embedding(n_zones, d_model)
        self.hour_pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.head = nn.Sequential(nn.Linear(d_model, d_model), nn.ReLU(), nn.Linear(d_model, 1))

    def forward(self, feats, zone, pad_mask):
        B, T, _ = feats.shape
        pos = torch.arange(T, device=feats.device).unsqueeze(0).expand(B, T)
        h = self.inp(feats) + self.hour_pos(pos) + self.zone_emb(zone).unsqueeze(1)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        valid = (pad_mask == 0).unsqueeze(-1).float()
        pooled = (h * valid).sum(1) / valid.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    losses = []
    with torch.set_grad_enabled(training):
        for b in loader:
            pred = model(b["feats"], b["zone"], b["pad_mask"])
            loss = nn.functional.smooth_l1_loss(pred, b["target"])
            if training:
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
            losses.append(loss.item())
    return float(np.mean(losses))


if __name__ == "__main__":
    train_ds = ZoneDemandDataset(192)
    val_ds = ZoneDemandDataset(48)
    train_dl = DataLoader(train_ds, batch_size=BATCH, shuffle=True, collate_fn=pad_collate)
    val_dl = DataLoader(val_ds, batch_size=BATCH, collate_fn=pad_collate)

    model = DemandTransformer(N_ZONES, N_FEATS)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for ep in range(EPOCHS):
        tr = run_epoch(model, train_dl, opt)
        va = run_epoch(model, val_dl)
        print(f"epoch {ep}  train {tr:.4f}  val {va:.4f}")
