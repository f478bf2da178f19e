"""Two-stream (joint + bone) skeleton GCN for gesture classification.

Keypoints: (frames, joints, 3). Bones are joint minus parent joint, with the
parent table derived from the skeleton adjacency by BFS from the root.
"""
from collections import deque
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    "seed": 11,
    "num_joints": 15,
    "root": 0,
    "frames": 32,
    "coords": 3,
    "num_classes": 4,
    "n_train": 48,
    "batch_size": 12,
    "channels": 32,
    "epochs": 3,
    "lr": 2e-3,
}

EDGES = [(0, 1), (1, 2), (2, 3), (1, 4), (4, 5), (5, 6), (1, 7), (7, 8),
         (8, 9), (0, 10), (10, 11), (11, 12), (0, 13), (13, 14)]


def adjacency(edges, n):
    a = np.zeros((n, n), dtype=np.float32)
    for i, j in edges:
        a[i, j] = a[j, i] = 1.0
    return a


def normalized_adjacency(a):
    a_hat = a + np.eye(len(a), dtype=a.dtype)
    d = a_hat.sum(1)
    d_inv_sqrt = np.diag(1.0 / np.sqrt(d))
    return d_inv_sqrt @ a_hat @ d_inv_sqrt


def parent_table(a, root):
    n = len(a)
    parents = np.zeros(n, dtype=np.int64)
    parents[root] = root
    seen = {root}
    queue = deque([root])
    while queue:
        u = queue.popleft()
        for v in np.flatnonzero(a[u]):
            if v not in seen:
                seen.add(v)
                parents[v] = u
                queue.append(v)
    return parents


def to_bones(x, parent_idx):
    # x: (batch, coords, frames, joints)
    return x - torch.index_select(x, 3, parent_idx)


class GraphConvBlock(nn.Module):
    def __init__(self, c_in, c_out, a_norm):
        super().__init__()
        self.register_buffer("A", torch.as_tensor(a_norm))
        self.spatial = nn.Conv2d(c_in, c_out, 1)
        self.temporal = nn.Conv2d(c_out, c_out, (9, 1), padding=(4, 0))
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        x = torch.einsum("bctv,vw->bctw", self.spatial(x), self.A)
        return F.relu(self.bn(self.temporal(x)))


class TwoStreamGCN(nn.Module):
    def __init__(self, cfg, a_norm, parents):
        super().__init__()
        self.register_buffer("parent_idx", torch.from_numpy(parents))
        ch = cfg["channels"]
        self.joint_stream = nn.Sequential(GraphConvBlock(cfg["coords"], ch, a_norm),
                                          GraphConvBlock(ch, ch, a_norm))
        self.bone_stream = nn.Sequential(GraphConvBlock(cfg["coords"], ch, a_norm),
                                         GraphConvBlock(ch, ch, a_norm))
        self.fc = nn.Linear(2 * ch, cfg["num_classes"])

    def forward(self, x):
        bones = to_bones(x, self.parent_idx)
        hj = self.joint_stream(x).mean(dim=(2, 3))
        hb = self.bone_stream(bones).mean(dim=(2, 3))
        return self.fc(torch.cat([hj, hb], dim=1))


def make_dataset(cfg, rng):
    t = np.linspace(0, 1, cfg["frames"])
    data = []
    for _ in range(cfg["n_train"]):
        y = int(rng.integers(cfg["num_classes"]))
        rest = rng.normal(size=(cfg["num_joints"], cfg["coords"]))
        wave = np.sin(2 * np.pi * (y + 1) * t)[:, None, None] * 0.25
        seq = rest[None] + wave + rng.normal(scale=0.03, size=(cfg["frames"], cfg["num_joints"], cfg["coords"]))
        data.append({"pose": seq.astype(np.float32), "label": y})
    return data


def iterate(data, bs, rng):
    idx = rng.permutation(len(data))
    for s in range(0, len(idx), bs):
        items = [data[i] for i in idx[s:s + bs]]
        pose = torch.from_numpy(np.stack([it["pose"] for it in items]))
        yield {"x": pose.permute(0, 3, 1, 2).contiguous(),
               "y": torch.tensor([it["label"] for it in items])}


def main():
    cfg = CONFIG
    rng = np.random.default_rng(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    a = adjacency(EDGES, cfg["num_joints"])
    parents = parent_table(a, cfg["root"])
    model = TwoStreamGCN(cfg, normalized_adjacency(a), parents)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    data = make_dataset(cfg, rng)
    for ep in range(cfg["epochs"]):
        running = 0.0
        for batch in iterate(data, cfg["batch_size"], rng):
            out = model(batch["x"])
            loss = F.cross_entropy(out, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {ep}: loss {running:.3f}")


if __name__ == "__main__":
    main()
