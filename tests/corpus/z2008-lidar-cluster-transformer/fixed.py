"""Classify segmented LiDAR clusters (car / pedestrian / cyclist / clutter) with a small
point transformer. Each cluster keeps a variable number of returns, so frames are padded
per batch and a key-padding mask hides the padded slots."""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
random.seed(0)

SENSOR = dict(max_points_per_frame=128, min_returns=40, max_returns=96)
MODEL = dict(embed_dim=32, n_heads=2, n_layers=2, ff_dim=64, num_classes=4)
CLASS_NAMES = ["car", "pedestrian", "cyclist", "clutter"]


def synth_cluster(cls_id, n_returns):
    """Fake a cluster of returns: box-ish extents per class plus sensor noise."""
    extents = {0: (4.2, 1.8, 1.5), 1: (0.6, 0.6, 1.8), 2: (1.8, 0.6, 1.7), 3: (2.5, 2.5, 0.8)}[cls_id]
    ext = torch.tensor(extents)
    xyz = (torch.rand(n_returns, 3) - 0.5) * ext
    heading = random.uniform(0, 2 * math.pi)
    rot = torch.tensor([[math.cos(heading), -math.sin(heading), 0.0],
                        [math.sin(heading), math.cos(heading), 0.0],
                        [0.0, 0.0, 1.0]])
    xyz = xyz @ rot.T + torch.tensor([random.uniform(5, 40), random.uniform(-10, 10), 0.0])
    intensity = torch.rand(n_returns, 1) * (0.3 + 0.2 * cls_id)
    return torch.cat([xyz, intensity], dim=1)


class LidarClusterSet(Dataset):
    def __init__(self, n_clusters, sensor_cfg):
        self.capacity = sensor_cfg["max_points_per_frame"]
        self.items = []
        for i in range(n_clusters):
            cls_id = i % len(CLASS_NAMES)
            n_returns = random.randint(sensor_cfg["min_returns"], sensor_cfg["max_returns"])
            self.items.append((synth_cluster(cls_id, n_returns), cls_id))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        returns, cls_id = self.items[idx]
        centroid = returns[:, :3].mean(dim=0)
        local = returns.clone()
        local[:, :3] = returns[:, :3] - centroid
        order = local[:, :3].norm(dim=1).argsort()
        local = local[order][: self.capacity]
        valid = torch.zeros(self.capacity, dtype=torch.bool)
        valid[: local.shape[0]] = True
        return local, valid, cls_id


def collate_clusters(batch):
    clouds, valid, labels = zip(*batch)
    cloud = pad_sequence(clouds, batch_first=True, padding_value=0.0)
    valid = torch.stack(valid)[:, : cloud.shape[1]]
    return cloud, valid, torch.tensor(labels)


class ClusterTransformer(nn.Module):
    def __init__(self, cfg, in_dim=4):
        super().__init__()
        self.point_embed = nn.Sequential(nn.Linear(in_dim, cfg["embed_dim"]), nn.GELU(),
                                         nn.Linear(cfg["embed_dim"], cfg["embed_dim"]))
        layer = nn.TransformerEncoderLayer(cfg["embed_dim"], cfg["n_heads"], cfg["ff_dim"],
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.head = nn.Linear(cfg["embed_dim"], cfg["num_classes"])

    def forward(self, cloud, valid):
        tokens = self.point_embed(cloud)
        tokens = self.encoder(tokens, src_key_padding_mask=~valid)
        weights = valid.unsqueeze(-1).float()
        pooled = (tokens * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        return self.head(pooled)


def run_epoch(model, loader, optimizer):
    model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for cloud, valid, labels in loader:
        logits = model(cloud, valid)
        loss = F.cross_entropy(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * labels.shape[0]
        correct += (logits.argmax(dim=1) == labels).sum().item()
        total += labels.shape[0]
    return loss_sum / total, correct / total


def main():
    train_set = LidarClusterSet(64, SENSOR)
    loader = DataLoader(train_set, batch_size=8, shuffle=True, collate_fn=collate_clusters)
    model = ClusterTransformer(MODEL)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    for epoch in range(3):
        loss, acc = run_epoch(model, loader, optimizer)
        print(f"epoch {epoch}: loss={loss:.3f} acc={acc:.2f}")

    model.eval()
    with torch.no_grad():
        cloud, valid, labels = collate_clusters([train_set[i] for i in range(4)])
        pred = model(cloud, valid).argmax(dim=1)
    for p, t in zip(pred.tolist(), labels.tolist()):
        print(f"pred={CLASS_NAMES[p]:<10s} true={CLASS_NAMES[t]}")


if __name__ == "__main__":
    main()
