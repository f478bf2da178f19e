import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

NUM_CENTROIDS = 128
K_NEIGHBORS = 16
NUM_CLASSES = 10


def square_distance(src, dst):
    return torch.cdist(src, dst) ** 2


def farthest_point_sample(xyz, npoint):
    B, N, _ = xyz.shape
    centroids = torch.zeros(B, NUM_CENTROIDS, dtype=torch.long, device=xyz.device)
    distance = torch.full((B, N), float("inf"), device=xyz.device)
    farthest = torch.randint(0, N, (B,), device=xyz.device)
    batch_idx = torch.arange(B, device=xyz.device)
    for i in range(npoint):
        centroids[:, i] = farthest
        centroid = xyz[batch_idx, farthest, :].unsqueeze(1)
        dist = ((xyz - centroid) ** 2).sum(-1)
        distance = torch.minimum(distance, dist)
        farthest = distance.argmax(-1)
    return centroids


def index_points(points, idx):
    B = points.shape[0]
    view_shape = [B] + [1] * (idx.dim() - 1)
    batch_idx = torch.arange(B, device=points.device).view(view_shape).expand_as(idx)
    return points[batch_idx, idx]


def knn_group(xyz, new_xyz, k):
    d = square_distance(new_xyz, xyz)
    _, idx = d.topk(k, dim=-1, largest=False)
    return idx


class SetAbstraction(nn.Module):
    def __init__(self, npoint, k, in_ch, mlp):
        super().__init__()
        self.npoint = npoint
        self.k = k
        layers = []
        last = in_ch + 3
        for out in mlp:
            layers += [nn.Conv2d(last, out, 1), nn.BatchNorm2d(out), nn.ReLU()]
            last = out
        self.mlp = nn.Sequential(*layers)
        self.out_ch = last

    def forward(self, xyz, feats):
        fps_idx = farthest_point_sample(xyz, self.npoint)
        new_xyz = index_points(xyz, fps_idx)
        nn_idx = knn_group(xyz, new_xyz, self.k)
        grouped_xyz = index_points(xyz, nn_idx) - new_xyz.unsqueeze(2)
        if feats is not None:
            grouped = torch.cat([grouped_xyz, index_points(feats, nn_idx)], dim=-1)
        else:
            grouped = grouped_xyz
        grouped = grouped.permute(0, 3, 2, 1)
        new_feats = self.mlp(grouped).max(dim=2).values.transpose(1, 2)
        return new_xyz, new_feats


class PointNet2Cls(nn.Module):
    def __init__(self, num_classes, sa_points=(256, 64)):
        super().__init__()
        self.sa1 = SetAbstraction(sa_points[0], K_NEIGHBORS, 0, [32, 32, 64])
        self.sa2 = SetAbstraction(sa_points[1], K_NEIGHBORS, 64, [64, 128])
        self.head = nn.Sequential(
            nn.Linear(128, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.3),
            nn.Linear(64, num_classes),
        )

    def forward(self, xyz):
        xyz1, f1 = self.sa1(xyz, None)
        xyz2, f2 = self.sa2(xyz1, f1)
        return self.head(f2.max(dim=1).values)


def synth_batch(batch_size, n_points):
    labels = torch.randint(0, NUM_CLASSES, (batch_size,))
    clouds = []
    for lab in labels.tolist():
        pts = torch.randn(n_points, 3)
        pts[:, lab % 3] *= 1.0 + 0.2 * lab
        pts = pts - pts.mean(0, keepdim=True)
        pts = pts / pts.norm(dim=1).max()
        clouds.append(pts)
    return torch.stack(clouds), labels


def train(steps=5, batch_size=4, n_points=1024):
    model = PointNet2Cls(NUM_CLASSES)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    history = []
    for step in range(steps):
        xyz, y = synth_batch(batch_size, n_points)
        logits = model(xyz)
        loss = F.cross_entropy(logits, y, label_smoothing=0.1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        history.append(loss.item())
        print(f"step {step}: loss={loss.item():.4f}")
    return history


if __name__ == "__main__":
    hist = train()
    print("final", hist[-1])
