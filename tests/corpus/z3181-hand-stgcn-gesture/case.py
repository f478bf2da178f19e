"""Isolated sign classification from hand keypoints with a tiny ST-GCN.

Input clips: (frames, joints, coords) hand landmarks (MediaPipe-style 21 joints, x/y/z).
Clips are resampled to a fixed number of frames, then passed through spatial graph
convolutions over the hand skeleton and temporal convolutions over frames.
"""
from dataclasses import dataclass
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader

CONFIG = {
    "seed": 3,
    "num_joints": 25,
    "in_coords": 3,
    "frames": 32,
    "channels": [16, 32],
    "temporal_kernel": 9,
    "num_signs": 10,
    "clips_per_sign": 12,
    "batch_size": 16,
    "epochs": 3,
    "lr": 1e-3,
}

HAND_BONES = [(0, 1), (1, 2), (2, 3), (3, 4),
              (0, 5), (5, 6), (6, 7), (7, 8),
              (0, 9), (9, 10), (10, 11), (11, 12),
              (0, 13), (13, 14), (14, 15), (15, 16),
              (0, 17), (17, 18), (18, 19), (19, 20)]


def normalized_adjacency(edges):
    n = max(max(e) for e in edges) + 1
    A = np.eye(n, dtype=np.float32)
    for i, j in edges:
        A[i, j] = A[j, i] = 1.0
    d = A.sum(1)
    d_inv_sqrt = np.diag(1.0 / np.sqrt(d))
    return d_inv_sqrt @ A @ d_inv_sqrt


def resample_clip(clip, n_out):
    n_in = clip.shape[0]
    src = np.linspace(0, n_in - 1, n_out)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    w = (src - lo)[:, None, None]
    return (1 - w) * clip[lo] + w * clip[hi]


def synth_sign_clips(rng, n_signs, per_sign, n_joints_hand):
    clips, labels = [], []
    templates = rng.normal(size=(n_signs, n_joints_hand, 3)).astype(np.float32)
    for s in range(n_signs):
        for _ in range(per_sign):
            n = int(rng.integers(20, 70))
            phase = np.linspace(0, np.pi * (1 + s % 3), n)[:, None, None]
            clip = templates[s][None] * (1 + 0.2 * np.sin(phase)) + rng.normal(scale=0.05, size=(n, n_joints_hand, 3))
            clip -= clip[:, :1]
            clips.append(clip.astype(np.float32))
            labels.append(s)
    return clips, np.array(labels)


class GraphConv(nn.Module):
    def __init__(self, c_in, c_out, A):
        super().__init__()
        self.register_buffer("A", torch.as_tensor(A))
        self.proj = nn.Conv2d(c_in, c_out, kernel_size=1)

    def forward(self, x):
        x = self.proj(x)
        return torch.einsum("nctv,vw->nctw", x, self.A)


class STBlock(nn.Module):
    def __init__(self, c_in, c_out, A, k):
        super().__init__()
        self.gcn = GraphConv(c_in, c_out, A)
        self.tcn = nn.Sequential(nn.BatchNorm2d(c_out), nn.ReLU(),
                                 nn.Conv2d(c_out, c_out, (k, 1), padding=(k // 2, 0)),
                                 nn.BatchNorm2d(c_out))
        self.res = nn.Identity() if c_in == c_out else nn.Conv2d(c_in, c_out, 1)

    def forward(self, x):
        return F.relu(self.tcn(self.gcn(x)) + self.res(x))


@dataclass
class ModelSpec:
    in_coords: int
    channels: list
    temporal_kernel: int
    num_joints: int
    num_classes: int


class HandSTGCN(nn.Module):
    def __init__(self, spec: ModelSpec, A):
        super().__init__()
        dims = [spec.in_coords] + list(spec.channels)
        self.blocks = nn.ModuleList(STBlock(a, b, A, spec.temporal_kernel) for a, b in zip(dims[:-1], dims[1:]))
        self.classifier = nn.Linear(dims[-1] * spec.num_joints, spec.num_classes)

    def forward(self, x):
        x = x.permute(0, 3, 1, 2).contiguous()
        for blk in self.blocks:
            x = blk(x)
        x = x.mean(dim=2)
        return self.classifier(x.flatten(1))


def main(cfg):
    rng = np.random.default_rng(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    A = normalized_adjacency(HAND_BONES)
    raw, y = synth_sign_clips(rng, cfg["num_signs"], cfg["clips_per_sign"], A.shape[0])
    X = np.stack([resample_clip(c, cfg["frames"]) for c in raw]).astype(np.float32)
    print("data", X.shape, "adjacency", A.shape)

    perm = rng.permutation(len(X))
    split = int(0.8 * len(X))
    tr, va = perm[:split], perm[split:]
    train_dl = DataLoader(TensorDataset(torch.from_numpy(X[tr]), torch.from_numpy(y[tr])),
                          batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(TensorDataset(torch.from_numpy(X[va]), torch.from_numpy(y[va])), batch_size=64)

    spec = ModelSpec(cfg["in_coords"], cfg["channels"], cfg["temporal_kernel"], cfg["num_joints"], cfg["num_signs"])
    model = HandSTGCN(spec, A)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])

    for ep in range(cfg["epochs"]):
        model.train()
        total = 0.0
        for xb, yb in train_dl:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        model.eval()
        with torch.no_grad():
            correct = sum((model(xb).argmax(1) == yb).sum().item() for xb, yb in val_dl)
        print(f"epoch {ep} train_loss {total / len(tr):.3f} val_acc {correct / len(va):.3f}")


if __name__ == "__main__":
    main(CONFIG)
