"""Two-hand fingerspelling classifier: spatial graph conv per frame + temporal transformer.

Layout: 21 left-hand joints, 21 right-hand joints, then the nose as a
reference point used for centring (43 joints, 2D).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

CONFIG = {
    "seed": 5,
    "hand_joints": 21,
    "num_joints": 43,
    "nose_idx": 42,
    "coords": 2,
    "seq_len": 40,
    "num_letters": 8,
    "n_clips": 64,
    "batch_size": 16,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 1,
    "epochs": 2,
    "lr": 1e-3,
}

HAND_CHAINS = [[0, 1, 2, 3, 4], [0, 5, 6, 7, 8], [0, 9, 10, 11, 12],
               [0, 13, 14, 15, 16], [0, 17, 18, 19, 20]]


def hand_edges(offset):
    return [(offset + a, offset + b) for chain in HAND_CHAINS for a, b in zip(chain, chain[1:])]


def build_adjacency(cfg):
    edges = hand_edges(0) + hand_edges(cfg["hand_joints"])
    a = np.zeros((cfg["num_joints"], cfg["num_joints"]), dtype=np.float64)
    for i, j in edges:
        a[i, j] = a[j, i] = 1.0
    return a


def random_walk_normalize(a):
    deg = np.diag(a.sum(axis=1))
    return np.linalg.inv(deg) @ a


def resample(seq, n):
    idx = np.linspace(0, len(seq) - 1, n)
    left = np.floor(idx).astype(int)
    right = np.clip(left + 1, 0, len(seq) - 1)
    frac = (idx - left)[:, None, None]
    return seq[left] * (1 - frac) + seq[right] * frac


class FingerspellingClips(Dataset):
    def __init__(self, cfg):
        rng = np.random.default_rng(cfg["seed"])
        self.items = []
        for _ in range(cfg["n_clips"]):
            length = int(rng.integers(25, 70))
            letter = int(rng.integers(cfg["num_letters"]))
            base = rng.uniform(0.2, 0.8, size=(cfg["num_joints"], cfg["coords"]))
            tt = np.linspace(0, 1, length)[:, None, None]
            seq = base + 0.1 * np.sin(2 * np.pi * tt * (letter + 1))
            seq = seq + rng.normal(scale=0.01, size=seq.shape)
            seq = seq - seq[:, cfg["nose_idx"]:cfg["nose_idx"] + 1]
            self.items.append((resample(seq, cfg["seq_len"]).astype(np.float32), letter))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        seq, letter = self.items[i]
        return {"pose": torch.from_numpy(seq), "letter": letter}


class SpatialGraphConv(nn.Module):
    def __init__(self, a_norm, c_in, c_out):
        super().__init__()
        self.register_buffer("A", torch.tensor(a_norm, dtype=torch.float32))
        self.lin = nn.Linear(c_in, c_out)

    def forward(self, x):
        return F.gelu(self.lin(torch.einsum("vw,btwc->btvc", self.A, x)))


class FingerspellNet(nn.Module):
    def __init__(self, cfg, a_norm):
        super().__init__()
        d = cfg["d_model"]
        self.gcn = SpatialGraphConv(a_norm, cfg["coords"], 8)
        self.frame_proj = nn.Linear(cfg["num_joints"] * 8, d)
        self.pos = nn.Parameter(torch.zeros(1, cfg["seq_len"], d))
        layer = nn.TransformerEncoderLayer(d, cfg["n_heads"], dim_feedforward=2 * d, batch_first=True)
        self.temporal = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.out = nn.Linear(d, cfg["num_letters"])

    def forward(self, pose):
        h = self.gcn(pose).flatten(2)
        h = self.frame_proj(h) + self.pos
        return self.out(self.temporal(h).mean(1))


def train(cfg):
    torch.manual_seed(cfg["seed"])
    a_norm = random_walk_normalize(build_adjacency(cfg))
    ds = FingerspellingClips(cfg)
    dl = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True)
    net = FingerspellNet(cfg, a_norm)
    opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        hits, seen = 0, 0
        for batch in dl:
            logits = net(batch["pose"])
            loss = F.cross_entropy(logits, batch["letter"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            hits += (logits.argmax(1) == batch["letter"]).sum().item()
            seen += len(batch["letter"])
        print(f"epoch {epoch}: loss {loss.item():.3f} acc {hits / seen:.2f}")


if __name__ == "__main__":
    train(CONFIG)
