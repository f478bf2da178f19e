import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

NUM_PARTS = 4
K_NEIGHBORS = 12
IGNORE = -100


class ScanSegDataset(Dataset):
    """Synthetic indoor scans of varying size with per-point part labels."""

    def __init__(self, n_scans, seed):
        rng = np.random.default_rng(seed)
        self.items = []
        for _ in range(n_scans):
            n = int(rng.integers(180, 320))
            xyz = rng.uniform(-1, 1, size=(n, 3)).astype(np.float32)
            height = xyz[:, 2]
            labels = np.digitize(height, [-0.5, 0.0, 0.5]).astype(np.int64)
            xyz += rng.normal(scale=0.02, size=xyz.shape).astype(np.float32)
            self.items.append((xyz, labels))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        xyz, labels = self.items[i]
        xyz = xyz - xyz.mean(0, keepdims=True)
        xyz = xyz / np.linalg.norm(xyz, axis=1).max()
        return {"points": torch.from_numpy(xyz), "seg": torch.from_numpy(labels)}


def pad_collate(batch):
    n_max = max(b["points"].shape[0] for b in batch)
    B = len(batch)
    points = torch.zeros(B, n_max, 3)
    seg = torch.full((B, n_max), IGNORE, dtype=torch.long)
    pad_mask = torch.ones(B, n_max)
    for i, b in enumerate(batch):
        n = b["points"].shape[0]
        points[i, :n] = b["points"]
        seg[i, :n] = b["seg"]
        pad_mask[i, :n] = 0
    return {"points": points, "seg": seg, "pad_mask": pad_mask}


def knn_indices(feats, k, pad_mask):
    dist = torch.cdist(feats, feats)
    dist = dist.masked_fill(pad_mask[:, None, :], float("inf"))
    return dist.topk(k, dim=-1, largest=False).indices


def edge_features(x, idx):
    B, N, C = x.shape
    k = idx.shape[-1]
    flat = idx + torch.arange(B).view(B, 1, 1) * N
    neighbors = x.reshape(B * N, C)[flat.reshape(-1)].view(B, N, k, C)
    center = x.unsqueeze(2).expand(-1, -1, k, -1)
    return torch.cat([neighbors - center, center], dim=-1)


class EdgeConv(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(2 * c_in, c_out), nn.LayerNorm(c_out), nn.LeakyReLU(0.2))

    def forward(self, x, pad_mask, k):
        idx = knn_indices(x, k, pad_mask)
        return self.mlp(edge_features(x, idx)).max(dim=2).values


class DGCNNSeg(nn.Module):
    def __init__(self, num_parts, k):
        super().__init__()
        self.k = k
        self.ec1 = EdgeConv(3, 32)
        self.ec2 = EdgeConv(32, 32)
        self.ec3 = EdgeConv(32, 64)
        self.glob = nn.Linear(128, 128)
        self.seg_head = nn.Sequential(
            nn.Linear(128 + 128, 64), nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Linear(64, num_parts)
        )

    def forward(self, pts, pad_mask):
        x1 = self.ec1(pts, pad_mask, self.k)
        x2 = self.ec2(x1, pad_mask, self.k)
        x3 = self.ec3(x2, pad_mask, self.k)
        local = torch.cat([x1, x2, x3], dim=-1)
        g = self.glob(local).masked_fill(pad_mask.unsqueeze(-1).bool(), -1e4).max(dim=1, keepdim=True).values
        g = g.expand(-1, local.shape[1], -1)
        return self.seg_head(torch.cat([local, g], dim=-1))


def mean_iou(pred, target, num_parts):
    valid = target != IGNORE
    ious = []
    for c in range(num_parts):
        p = (pred == c) & valid
        t = (target == c) & valid
        union = (p | t).sum().item()
        if union:
            ious.append((p & t).sum().item() / union)
    return float(np.mean(ious)) if ious else 0.0


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    losses, mious = [], []
    with torch.set_grad_enabled(training):
        for batch in loader:
            logits = model(batch["points"], batch["pad_mask"])
            loss = F.cross_entropy(logits.reshape(-1, NUM_PARTS), batch["seg"].reshape(-1), ignore_index=IGNORE)
            if training:
                opt.zero_grad()
                loss.backward()
                opt.step()
            losses.append(loss.item())
            mious.append(mean_iou(logits.argmax(-1), batch["seg"], NUM_PARTS))
    return np.mean(losses), np.mean(mious)


def main():
    torch.manual_seed(0)
    train_ds = ScanSegDataset(24, seed=0)
    val_ds = ScanSegDataset(8, seed=1)
    train_dl = DataLoader(train_ds, batch_size=4, shuffle=True, collate_fn=pad_collate)
    val_dl = DataLoader(val_ds, batch_size=4, shuffle=False, collate_fn=pad_collate)

    model = DGCNNSeg(NUM_PARTS, K_NEIGHBORS)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(3):
        tr_loss, tr_miou = run_epoch(model, train_dl, opt)
        va_loss, va_miou = run_epoch(model, val_dl)
        print(f"[{epoch}] train {tr_loss:.3f}/{tr_miou:.3f}  val {va_loss:.3f}/{va_miou:.3f}")


if __name__ == "__main__":
    main()
