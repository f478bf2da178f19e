import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, "indoor_objects_cache.npz")
N_SAMPLE = 256
K = 10
CLASSES = ["chair", "table", "lamp", "sofa"]


def statistical_outlier_filter(xyz, k=8, std_ratio=2.0):
    pts = torch.from_numpy(xyz)
    d = torch.cdist(pts, pts)
    knn_d, _ = d.topk(k + 1, dim=-1, largest=False)
    mean_d = knn_d[:, 1:].mean(-1)
    keep = mean_d < mean_d.mean() + std_ratio * mean_d.std()
    return xyz[keep.numpy()]


def build_cache(n_objects=40, seed=3):
    rng = np.random.default_rng(seed)
    clouds, labels = [], []
    for _ in range(n_objects):
        c = int(rng.integers(0, len(CLASSES)))
        n = int(rng.integers(300, 900))
        xyz = rng.normal(size=(n, 3)).astype(np.float32) * np.array([1.0, 1.0 + c * 0.3, 0.5 + c * 0.2], dtype=np.float32)
        outliers = rng.uniform(-8, 8, size=(n // 50, 3)).astype(np.float32)
        clouds.append(statistical_outlier_filter(np.concatenate([xyz, outliers])))
        labels.append(c)
    np.savez(CACHE, clouds=np.array(clouds, dtype=object), labels=np.array(labels))


def fps_numpy(xyz, m, rng):
    n = xyz.shape[0]
    chosen = np.empty(m, dtype=np.int64)
    dist = np.full(n, np.inf)
    cur = int(rng.integers(n))
    for i in range(m):
        chosen[i] = cur
        dist = np.minimum(dist, ((xyz - xyz[cur]) ** 2).sum(1))
        cur = int(dist.argmax())
    return xyz[chosen]


class CachedObjects(Dataset):
    def __init__(self, path, n_sample=N_SAMPLE):
        data = np.load(path)
        self.clouds = list(data["clouds"])
        self.labels = data["labels"].astype(np.int64)
        self.n_sample = n_sample
        self.rng = np.random.default_rng(0)

    def __len__(self):
        return len(self.clouds)

    def __getitem__(self, i):
        xyz = fps_numpy(self.clouds[i], self.n_sample, self.rng)
        xyz = xyz - xyz.mean(0)
        xyz = xyz / np.linalg.norm(xyz, axis=1).max()
        return torch.from_numpy(xyz.astype(np.float32)), int(self.labels[i])


def edge_features(x, k):
    # x: B, C, N
    xt = x.transpose(1, 2)
    idx = torch.cdist(xt, xt).topk(k, dim=-1, largest=False).indices
    B, N, _ = idx.shape
    flat = (idx + torch.arange(B).view(B, 1, 1) * N).reshape(-1)
    neigh = xt.reshape(B * N, -1)[flat].view(B, N, k, -1)
    center = xt.unsqueeze(2).expand(-1, -1, k, -1)
    return torch.cat([neigh - center, center], dim=-1).permute(0, 3, 1, 2)


class EdgeConv(nn.Module):
    def __init__(self, cin, cout, k):
        super().__init__()
        self.k = k
        self.net = nn.Sequential(nn.Conv2d(2 * cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.2))

    def forward(self, x):
        return self.net(edge_features(x, self.k)).max(dim=-1).values


class TinyDGCNN(nn.Module):
    def __init__(self, n_cls, k=K):
        super().__init__()
        self.ec1 = EdgeConv(3, 32, k)
        self.ec2 = EdgeConv(32, 64, k)
        self.proj = nn.Sequential(nn.Conv1d(96, 128, 1), nn.BatchNorm1d(128), nn.LeakyReLU(0.2))
        self.fc = nn.Linear(128, n_cls)

    def forward(self, pts):
        x1 = self.ec1(pts.transpose(1, 2))
        x2 = self.ec2(x1)
        h = self.proj(torch.cat([x1, x2], dim=1)).max(dim=-1).values
        return self.fc(h)


def main():
    torch.manual_seed(0)
    if not os.path.exists(CACHE):
        build_cache()
    ds = CachedObjects(CACHE)
    loader = DataLoader(ds, batch_size=8, shuffle=True, drop_last=True)
    model = TinyDGCNN(len(CLASSES))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for epoch in range(2):
        hits, total = 0, 0
        for pts, y in loader:
            logits = model(pts)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            hits += (logits.argmax(1) == y).sum().item()
            total += y.numel()
        print(f"epoch {epoch} loss {loss.item():.3f} acc {hits / total:.3f}")


if __name__ == "__main__":
    main()
