import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CATEGORIES = ["airplane", "chair", "lamp", "mug", "table", "knife"]
PARTS_PER_CATEGORY = {"airplane": 4, "chair": 4, "lamp": 4, "mug": 2, "table": 3, "knife": 2}
NUM_POINTS = 512
BATCH = 8

cat_to_id = {"<unk>": 0}
cat_to_id.update({name: i for i, name in enumerate(CATEGORIES, start=1)})

part_offsets, _acc = {}, 0
for _name in CATEGORIES:
    part_offsets[_name] = _acc
    _acc += PARTS_PER_CATEGORY[_name]
TOTAL_PARTS = _acc


def synth_object(category, rng):
    n_raw = int(rng.integers(300, 1500))
    n_parts = PARTS_PER_CATEGORY[category]
    local = rng.integers(0, n_parts, size=n_raw)
    offsets = np.stack([np.cos(local * 1.3), np.sin(local * 0.7), local * 0.25], axis=1)
    xyz = offsets + rng.normal(scale=0.15, size=(n_raw, 3))
    return xyz.astype(np.float32), (local + part_offsets[category]).astype(np.int64)


def resample(xyz, labels, n, rng):
    choice = rng.choice(len(xyz), n, replace=len(xyz) < n)
    xyz = xyz[choice]
    xyz = xyz - xyz.mean(0)
    xyz = xyz / np.max(np.linalg.norm(xyz, axis=1))
    return xyz, labels[choice]


def build_split(n_objects, seed):
    rng = np.random.default_rng(seed)
    records = []
    for _ in range(n_objects):
        cat = CATEGORIES[int(rng.integers(len(CATEGORIES)))]
        xyz, seg = synth_object(cat, rng)
        xyz, seg = resample(xyz, seg, NUM_POINTS, rng)
        records.append((xyz, seg, cat_to_id[cat]))
    return records


def iterate(records, batch_size, shuffle):
    order = list(range(len(records)))
    if shuffle:
        random.shuffle(order)
    for s in range(0, len(order), batch_size):
        chunk = [records[i] for i in order[s:s + batch_size]]
        pts = torch.from_numpy(np.stack([c[0] for c in chunk]))
        seg = torch.from_numpy(np.stack([c[1] for c in chunk]))
        cls = torch.tensor([c[2] for c in chunk], dtype=torch.long)
        yield pts, seg, cls


class SharedMLP(nn.Sequential):
    def __init__(self, *dims):
        layers = []
        for a, b in zip(dims[:-1], dims[1:]):
            layers += [nn.Conv1d(a, b, 1), nn.BatchNorm1d(b), nn.ReLU()]
        super().__init__(*layers)


class PointNetPartSeg(nn.Module):
    def __init__(self, n_categories, n_parts, cat_dim=16):
        super().__init__()
        self.local = SharedMLP(3, 64, 128)
        self.deep = SharedMLP(128, 256, 512)
        self.cat_embed = nn.Embedding(n_categories, cat_dim)
        self.head = nn.Sequential(
            SharedMLP(128 + 512 + cat_dim, 256, 128),
            nn.Dropout(0.4),
            nn.Conv1d(128, n_parts, 1),
        )

    def forward(self, pts, category):
        x = pts.transpose(1, 2)
        local = self.local(x)
        glob = self.deep(local).max(dim=2, keepdim=True).values
        n = x.shape[2]
        cat = self.cat_embed(category).unsqueeze(-1)
        feat = torch.cat([local, glob.expand(-1, -1, n), cat.expand(-1, -1, n)], dim=1)
        return self.head(feat)


def evaluate(model, records):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for pts, seg, cls in iterate(records, BATCH, shuffle=False):
            pred = model(pts, cls).argmax(1)
            correct += (pred == seg).sum().item()
            total += seg.numel()
    return correct / total


def main():
    random.seed(0)
    torch.manual_seed(0)
    train_records = build_split(48, seed=10)
    val_records = build_split(16, seed=11)

    model = PointNetPartSeg(len(cat_to_id), TOTAL_PARTS)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)

    for epoch in range(3):
        model.train()
        running = []
        for pts, seg, cls in iterate(train_records, BATCH, shuffle=True):
            logits = model(pts, cls)
            loss = F.cross_entropy(logits, seg)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        sched.step()
        print(f"epoch {epoch} loss {np.mean(running):.4f} val point acc {evaluate(model, val_records):.3f}")


if __name__ == "__main__":
    main()
