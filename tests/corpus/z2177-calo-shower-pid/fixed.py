# e/pi separation from sampling-calorimeter hits.
# Hits are dumped to a flat CSV (one row per hit), grouped per event, and fed
# to a small point-cloud network: per-hit MLP + learned layer embedding,
# energy-weighted sum pooling per event.
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

N_LAYERS = 12
CELLS_XY = 16
HITS_CSV = "calo_hits.csv"
CFG = {"hidden": 48, "layer_emb": 8, "batch_size": 32, "lr": 2e-3, "epochs": 2, "seed": 11}


def simulate_showers(n_events, rng):
    rows = []
    for evt in range(n_events):
        is_pion = rng.random() < 0.5
        e_beam = rng.uniform(10, 50)
        # electrons shower early and narrow, pions start late and spread wide
        start = rng.integers(3, 8) if is_pion else 0
        depth = 7.0 if is_pion else 3.0
        width = 3.0 if is_pion else 1.2
        n_hits = rng.integers(20, 60)
        layer = np.clip(start + rng.exponential(depth, n_hits), 0, N_LAYERS - 1).astype(int)
        ix = np.clip(np.round(rng.normal(CELLS_XY / 2, width, n_hits)), 0, CELLS_XY - 1).astype(int)
        iy = np.clip(np.round(rng.normal(CELLS_XY / 2, width, n_hits)), 0, CELLS_XY - 1).astype(int)
        energy = rng.dirichlet(np.ones(n_hits)) * e_beam * (0.7 if is_pion else 0.95)
        for l, x, y, e in zip(layer, ix, iy, energy):
            rows.append((evt, int(is_pion), l, x, y, e))
    np.savetxt(HITS_CSV, np.array(rows), delimiter=",", fmt=["%d", "%d", "%d", "%d", "%d", "%.5f"],
               header="event,is_pion,layer,ix,iy,energy", comments="")


class CaloHitDataset(Dataset):
    def __init__(self, csv_path, event_ids):
        table = np.loadtxt(csv_path, delimiter=",", skiprows=1)
        table = table[np.isin(table[:, 0], event_ids)]
        self.events = []
        for evt in np.unique(table[:, 0]):
            g = table[table[:, 0] == evt]
            hits = g[:, 2:6].astype(np.float32)
            self.events.append((hits, int(g[0, 1])))

    def __len__(self):
        return len(self.events)

    def __getitem__(self, i):
        return self.events[i]


def collate_hits(batch):
    hits = [b[0] for b in batch]
    counts = torch.tensor([len(h) for h in hits])
    flat = np.concatenate(hits, axis=0)
    layer = torch.from_numpy(flat[:, 0]).long()
    xy = torch.from_numpy(flat[:, 1:3]) / (CELLS_XY - 1) - 0.5
    energy = torch.from_numpy(flat[:, 3])
    feats = torch.cat([xy, torch.log1p(energy).unsqueeze(1)], dim=1)
    batch_index = torch.repeat_interleave(torch.arange(len(hits)), counts)
    labels = torch.tensor([b[1] for b in batch], dtype=torch.float32)
    return feats, layer, energy, batch_index, labels


class HitPointNet(nn.Module):
    def __init__(self, hidden, layer_emb):
        super().__init__()
        self.layer_embedding = nn.Embedding(N_LAYERS, layer_emb)
        self.hit_mlp = nn.Sequential(
            nn.Linear(3 + layer_emb, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU()
        )
        self.head = nn.Sequential(nn.Linear(hidden, hidden // 2), nn.ReLU(), nn.Linear(hidden // 2, 1))

    def forward(self, feats, layer, energy, batch_index, n_events):
        h = torch.cat([feats, self.layer_embedding(layer)], dim=1)
        h = self.hit_mlp(h)
        w = energy / torch.zeros(n_events).index_add_(0, batch_index, energy)[batch_index]
        pooled = torch.zeros(n_events, h.shape[1]).index_add_(0, batch_index, h * w.unsqueeze(1))
        return self.head(pooled).squeeze(1)


def train(model, loader, opt):
    model.train()
    tot = 0.0
    for feats, layer, energy, batch_index, labels in loader:
        logits = model(feats, layer, energy, batch_index, len(labels))
        loss = F.binary_cross_entropy_with_logits(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item()
    return tot / len(loader)


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = n = 0
    for feats, layer, energy, batch_index, labels in loader:
        pred = model(feats, layer, energy, batch_index, len(labels)) > 0
        correct += (pred.float() == labels).sum().item()
        n += len(labels)
    return correct / n


if __name__ == "__main__":
    torch.manual_seed(CFG["seed"])
    rng = np.random.default_rng(CFG["seed"])
    if not os.path.exists(HITS_CSV):
        simulate_showers(400, rng)
    all_ids = np.arange(400)
    train_ds = CaloHitDataset(HITS_CSV, all_ids[:320])
    test_ds = CaloHitDataset(HITS_CSV, all_ids[320:])
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_hits)
    test_dl = DataLoader(test_ds, batch_size=CFG["batch_size"], collate_fn=collate_hits)

    model = HitPointNet(CFG["hidden"], CFG["layer_emb"])
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    for epoch in range(CFG["epochs"]):
        loss = train(model, train_dl, opt)
        acc = evaluate(model, test_dl)
        print(f"epoch {epoch}  loss {loss:.4f}  test acc {acc:.3f}")
