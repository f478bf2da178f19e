"""Per-point semantic segmentation on LiDAR sweeps with a small PointNet,
followed by kNN majority-vote smoothing of the predicted labels per frame."""
import math
import torch
import torch.nn as nn

torch.manual_seed(7)

CLASSES = ["ground", "vehicle", "pedestrian", "vegetation", "building"]
K_NEIGHBOURS = 8
FRAMES_PER_BATCH = 3


def synth_sweep(num_points):
    """Fake LiDAR sweep: ring-like ground plane plus a few box-shaped objects."""
    az = torch.rand(num_points) * 2 * math.pi
    rng = 3.0 + torch.rand(num_points) * 40.0
    z = torch.randn(num_points) * 0.05 - 1.7
    labels = torch.zeros(num_points, dtype=torch.long)
    obj = torch.rand(num_points) < 0.35
    z[obj] = torch.rand(int(obj.sum())) * 2.5 - 1.5
    labels[obj] = torch.randint(1, len(CLASSES), (int(obj.sum()),))
    xyz = torch.stack([rng * torch.cos(az), rng * torch.sin(az), z], dim=1)
    intensity = torch.rand(num_points, 1)
    return {"xyz": xyz, "intensity": intensity, "labels": labels}


def collate_sweeps(sweeps):
    counts = [s["xyz"].shape[0] for s in sweeps]
    max_pts = max(counts)
    points = torch.zeros(len(sweeps), max_pts, 4)
    valid = torch.zeros(len(sweeps), max_pts, dtype=torch.bool)
    for b, s in enumerate(sweeps):
        n = counts[b]
        points[b, :n, :3] = s["xyz"]
        points[b, :n, 3:] = s["intensity"]
        valid[b, :n] = True
    return points, valid, counts


class PointNetSeg(nn.Module):
    def __init__(self, in_ch=4, num_classes=len(CLASSES)):
        super().__init__()
        self.local = nn.Sequential(
            nn.Conv1d(in_ch, 32, 1), nn.BatchNorm1d(32), nn.ReLU(),
            nn.Conv1d(32, 64, 1), nn.BatchNorm1d(64), nn.ReLU(),
        )
        self.head = nn.Sequential(
            nn.Conv1d(64 + 64, 64, 1), nn.ReLU(),
            nn.Conv1d(64, num_classes, 1),
        )

    def forward(self, points, valid):
        x = points.transpose(1, 2)                      # (B, C, N)
        local = self.local(x)
        masked = local.masked_fill(~valid.unsqueeze(1), float("-inf"))
        glob = masked.max(dim=2, keepdim=True).values.expand_as(local)
        return self.head(torch.cat([local, glob], dim=1))   # (B, classes, N)


def knn_indices(points, valid, k):
    xyz = points[..., :3]
    d = torch.cdist(xyz, xyz)
    d = d.masked_fill(~valid.unsqueeze(1), float("inf"))
    return d.topk(k, dim=-1, largest=False).indices     # (B, N, k)


def smooth_predictions(pred, knn_idx, counts):
    """Replace each point's label by the majority label among its neighbours."""
    smoothed_frames = []
    for b, n_real in enumerate(counts):
        smoothed = torch.empty(n_real, dtype=torch.long)
        for j in range(n_real):
            votes = pred[b, knn_idx[b, j]]
            smoothed[j] = torch.bincount(votes, minlength=len(CLASSES)).argmax()
        smoothed_frames.append(smoothed)
    return smoothed_frames


def main():
    sweeps = [synth_sweep(n) for n in (1180, 1024, 1253)]
    points, valid, counts = collate_sweeps(sweeps[:FRAMES_PER_BATCH])
    targets = torch.full(valid.shape, -100, dtype=torch.long)
    for b, s in enumerate(sweeps):
        targets[b, :counts[b]] = s["labels"]

    model = PointNetSeg()
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss(ignore_index=-100)

    model.train()
    for step in range(5):
        logits = model(points, valid)
        loss = criterion(logits, targets)
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"step {step} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(points, valid).argmax(dim=1)        # (B, N)
        knn_idx = knn_indices(points, valid, K_NEIGHBOURS)
        frames = smooth_predictions(pred, knn_idx, counts)

    for b, labels in enumerate(frames):
        gt = sweeps[b]["labels"]
        acc = (labels == gt).float().mean().item()
        print(f"frame {b}: {counts[b]} points, smoothed accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
