import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

N_SAMPLE = 512
PRESAMPLE_FACTOR = 4
N_CLASSES = 4


def fps_numpy(points, n_out, rng):
    n = points.shape[0]
    selected = np.empty(n_out, dtype=np.int64)
    min_d = np.full(n, np.inf)
    selected[0] = rng.integers(n)
    for i in range(1, n_out):
        diff = points - points[selected[i - 1]]
        min_d = np.minimum(min_d, np.einsum("ij,ij->i", diff, diff))
        selected[i] = int(np.argmax(min_d))
    return selected


def sample_to_fixed(points, n_out, rng):
    n_pre = min(n_out * PRESAMPLE_FACTOR, points.shape[0])
    pre_idx = rng.choice(points.shape[0], size=n_pre, replace=False)
    pre = points[pre_idx]
    keep = fps_numpy(pre[:, :3], n_out, rng)
    return pre[keep]


def synth_object(label, rng):
    size = int(rng.integers(1500, 6000))
    u = rng.normal(size=(size, 3))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    scales = [(1, 1, 1), (2, 0.5, 0.5), (0.3, 0.3, 2), (1.5, 1.5, 0.2)][label]
    xyz = u * np.array(scales) + 0.02 * rng.normal(size=(size, 3))
    normals = u
    return np.concatenate([xyz, normals], axis=1).astype(np.float32)


class ObjectClouds(Dataset):
    def __init__(self, n_items, seed):
        self.rng = np.random.default_rng(seed)
        self.labels = self.rng.integers(0, N_CLASSES, size=n_items)
        self.clouds = [synth_object(int(c), self.rng) for c in self.labels]

    def __len__(self):
        return len(self.clouds)

    def __getitem__(self, i):
        pts = sample_to_fixed(self.clouds[i], N_SAMPLE, self.rng)
        pts[:, :3] -= pts[:, :3].mean(0)
        pts[:, :3] /= np.linalg.norm(pts[:, :3], axis=1).max()
        return {"points": torch.from_numpy(pts), "label": int(self.labels[i])}


class TNet(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k
        self.convs = nn.Sequential(nn.Conv1d(k, 64, 1), nn.ReLU(), nn.Conv1d(64, 256, 1), nn.ReLU())
        self.fc = nn.Linear(256, k * k)
        nn.init.zeros_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        t = self.fc(self.convs(x).max(-1).values).view(-1, self.k, self.k)
        return t + torch.eye(self.k)


class PointNetCls(nn.Module):
    def __init__(self, in_ch=6, n_classes=N_CLASSES):
        super().__init__()
        self.tnet = TNet(3)
        self.mlp1 = nn.Sequential(nn.Conv1d(in_ch, 64, 1), nn.BatchNorm1d(64), nn.ReLU())
        self.mlp2 = nn.Sequential(nn.Conv1d(64, 128, 1), nn.BatchNorm1d(128), nn.ReLU(),
                                  nn.Conv1d(128, 512, 1), nn.BatchNorm1d(512), nn.ReLU())
        self.head = nn.Sequential(nn.Linear(512, 128), nn.ReLU(), nn.Dropout(0.4), nn.Linear(128, n_classes))

    def forward(self, pts):
        x = pts.transpose(1, 2)
        xyz, nrm = x[:, :3], x[:, 3:]
        trans = self.tnet(xyz)
        xyz = torch.bmm(trans, xyz)
        nrm = torch.bmm(trans, nrm)
        feat = self.mlp2(self.mlp1(torch.cat([xyz, nrm], 1)))
        return self.head(feat.max(-1).values), trans


def orthogonality_reg(trans):
    eye = torch.eye(trans.shape[1]).expand_as(trans)
    return ((trans @ trans.transpose(1, 2)) - eye).pow(2).sum((1, 2)).mean()


if __name__ == "__main__":
    torch.manual_seed(0)
    train_set = ObjectClouds(24, seed=5)
    loader = DataLoader(train_set, batch_size=8, shuffle=True)
    net = PointNetCls()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for epoch in range(2):
        net.train()
        tot, right, agg = 0, 0, 0.0
        for batch in loader:
            logits, trans = net(batch["points"])
            loss = F.cross_entropy(logits, batch["label"]) + 1e-3 * orthogonality_reg(trans)
            opt.zero_grad()
            loss.backward()
            opt.step()
            agg += loss.item() * len(batch["label"])
            right += (logits.argmax(1) == batch["label"]).sum().item()
            tot += len(batch["label"])
        print(f"[{epoch}] loss {agg / tot:.3f} acc {right / tot:.3f}")
