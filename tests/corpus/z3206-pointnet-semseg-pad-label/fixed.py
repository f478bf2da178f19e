import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, IterableDataset

SEMANTIC_CLASSES = ("ground", "building", "vegetation", "pole", "car", "pedestrian", "clutter")
NUM_CLASSES = len(SEMANTIC_CLASSES)
MAX_POINTS = 2048
IGNORE_LABEL = -1


def scan_generator(n_scans, seed):
    rng = np.random.default_rng(seed)
    for _ in range(n_scans):
        n = int(rng.integers(1200, 3000))
        xyz = rng.uniform(-20, 20, size=(n, 3)).astype(np.float32)
        xyz[:, 2] = rng.exponential(2.0, size=n)
        labels = np.where(xyz[:, 2] < 0.3, 0, rng.integers(1, NUM_CLASSES, size=n))
        intensity = rng.uniform(0, 1, size=(n, 1)).astype(np.float32)
        yield np.concatenate([xyz, intensity], axis=1), labels.astype(np.int64)


class LidarScans(IterableDataset):
    def __init__(self, n_scans, seed):
        self.n_scans = n_scans
        self.seed = seed

    def __iter__(self):
        for feats, labels in scan_generator(self.n_scans, self.seed):
            if len(feats) > MAX_POINTS:
                keep = np.random.choice(len(feats), MAX_POINTS, replace=False)
                feats, labels = feats[keep], labels[keep]
            yield torch.from_numpy(feats), torch.from_numpy(labels)


def make_collate(max_points, pad_label=255):
    def collate(samples):
        B = len(samples)
        C = samples[0][0].shape[1]
        feats = torch.zeros(B, max_points, C)
        labels = torch.full((B, max_points), pad_label, dtype=torch.long)
        valid = torch.zeros(B, max_points, dtype=torch.bool)
        for i, (f, l) in enumerate(samples):
            n = f.shape[0]
            feats[i, :n] = f
            labels[i, :n] = l
            valid[i, :n] = True
        return {"feats": feats, "labels": labels, "valid": valid}

    return collate


class PointNetSemSeg(nn.Module):
    def __init__(self, in_ch, n_classes):
        super().__init__()

        def block(i, o):
            return nn.Sequential(nn.Conv1d(i, o, 1), nn.BatchNorm1d(o), nn.ReLU())

        self.local = nn.Sequential(block(in_ch, 64), block(64, 64))
        self.globl = nn.Sequential(block(64, 128), block(128, 512))
        self.seg = nn.Sequential(block(64 + 512, 256), block(256, 128), nn.Conv1d(128, n_classes, 1))

    def forward(self, feats, valid):
        x = feats.transpose(1, 2)
        local = self.local(x)
        g = self.globl(local)
        g = g.masked_fill(~valid.unsqueeze(1), float("-inf")).max(dim=2, keepdim=True).values
        g = g.expand(-1, -1, x.shape[2])
        return self.seg(torch.cat([local, g], dim=1))


def normalise(batch):
    xyz = batch["feats"][..., :3]
    mask = batch["valid"].unsqueeze(-1).float()
    centre = (xyz * mask).sum(1, keepdim=True) / mask.sum(1, keepdim=True)
    batch["feats"][..., :3] = (xyz - centre) * mask / 20.0
    return batch


def train(epochs=2):
    torch.manual_seed(3)
    np.random.seed(3)
    loader = DataLoader(LidarScans(12, seed=11), batch_size=4, collate_fn=make_collate(MAX_POINTS, pad_label=IGNORE_LABEL))
    model = PointNetSemSeg(in_ch=4, n_classes=NUM_CLASSES)
    criterion = nn.CrossEntropyLoss(ignore_index=IGNORE_LABEL)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(epochs):
        stats = {"loss": 0.0, "hits": 0, "pts": 0}
        for step, batch in enumerate(loader):
            batch = normalise(batch)
            logits = model(batch["feats"], batch["valid"])
            loss = criterion(logits, batch["labels"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            pred = logits.argmax(1)
            v = batch["valid"]
            stats["loss"] += loss.item()
            stats["hits"] += (pred[v] == batch["labels"][v]).sum().item()
            stats["pts"] += v.sum().item()
        print(f"epoch {epoch} loss {stats['loss'] / (step + 1):.3f} "
              f"point-acc {stats['hits'] / stats['pts']:.3f}")


if __name__ == "__main__":
    train()
