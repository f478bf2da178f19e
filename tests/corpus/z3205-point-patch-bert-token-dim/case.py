import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel

torch.manual_seed(0)
np.random.seed(0)

NUM_POINTS = 1024
NUM_GROUPS = 32
GROUP_SIZE = 16
TOKEN_DIM = 64
SHAPE_CLASSES = ["chair", "table", "lamp", "plane", "car"]


def make_cloud(cls_id, rng):
    n = rng.integers(700, 1500)
    if cls_id == 0:
        pts = rng.uniform(-1, 1, size=(n, 3)) * np.array([0.5, 0.5, 1.0])
    elif cls_id == 1:
        pts = rng.uniform(-1, 1, size=(n, 3)) * np.array([1.0, 1.0, 0.2])
    elif cls_id == 2:
        t = rng.uniform(0, 2 * np.pi, n)
        pts = np.stack([0.2 * np.cos(t), 0.2 * np.sin(t), rng.uniform(-1, 1, n)], 1)
    elif cls_id == 3:
        pts = rng.normal(size=(n, 3)) * np.array([1.0, 0.1, 0.1])
    else:
        pts = rng.normal(size=(n, 3)) * np.array([0.6, 0.3, 0.2])
    return pts.astype(np.float32)


def resample(pts, n_out, rng):
    idx = rng.choice(len(pts), n_out, replace=len(pts) < n_out)
    pts = pts[idx]
    pts = pts - pts.mean(0)
    return pts / np.abs(pts).max()


def farthest_point_sample(xyz, n_samples):
    B, N, _ = xyz.shape
    chosen = torch.zeros(B, n_samples, dtype=torch.long)
    dist = torch.full((B, N), float("inf"))
    farthest = torch.randint(0, N, (B,))
    batch_idx = torch.arange(B)
    for i in range(n_samples):
        chosen[:, i] = farthest
        centroid = xyz[batch_idx, farthest].unsqueeze(1)
        d = ((xyz - centroid) ** 2).sum(-1)
        dist = torch.minimum(dist, d)
        farthest = dist.argmax(-1)
    return chosen


def group_points(xyz, centers, k):
    d = torch.cdist(centers, xyz)
    nn_idx = d.topk(k, dim=-1, largest=False).indices
    B = xyz.shape[0]
    neighbourhoods = xyz[torch.arange(B)[:, None, None], nn_idx]
    return neighbourhoods - centers.unsqueeze(2)


class PatchEmbed(nn.Module):
    def __init__(self, out_dim):
        super().__init__()
        self.pointwise = nn.Sequential(nn.Linear(3, 64), nn.GELU(), nn.Linear(64, 128))
        self.proj = nn.Sequential(nn.Linear(256, 128), nn.GELU(), nn.Linear(128, out_dim))

    def forward(self, patches):
        f = self.pointwise(patches)
        g = f.max(dim=2, keepdim=True).values.expand_as(f)
        f = torch.cat([f, g], dim=-1)
        return self.proj(f).max(dim=2).values


class PointPatchClassifier(nn.Module):
    def __init__(self, bert_cfg, n_classes):
        super().__init__()
        self.embed = PatchEmbed(TOKEN_DIM)
        self.center_pos = nn.Sequential(nn.Linear(3, 64), nn.GELU(), nn.Linear(64, TOKEN_DIM))
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.cls_head = nn.Sequential(
            nn.LayerNorm(bert_cfg.hidden_size),
            nn.Linear(bert_cfg.hidden_size, n_classes),
        )

    def forward(self, xyz):
        center_idx = farthest_point_sample(xyz, NUM_GROUPS)
        centers = torch.gather(xyz, 1, center_idx.unsqueeze(-1).expand(-1, -1, 3))
        patches = group_points(xyz, centers, GROUP_SIZE)
        tokens = self.embed(patches) + self.center_pos(centers)
        mask = torch.ones(tokens.shape[:2], dtype=torch.long)
        out = self.encoder(inputs_embeds=tokens, attention_mask=mask)
        pooled = out.last_hidden_state.max(dim=1).values
        return self.cls_head(pooled)


def build_data(n_per_class, rng):
    clouds, labels = [], []
    for c in range(len(SHAPE_CLASSES)):
        for _ in range(n_per_class):
            clouds.append(resample(make_cloud(c, rng), NUM_POINTS, rng))
            labels.append(c)
    return TensorDataset(torch.from_numpy(np.stack(clouds)), torch.tensor(labels))


def main():
    rng = np.random.default_rng(1)
    ds = build_data(6, rng)
    loader = DataLoader(ds, batch_size=8, shuffle=True)
    bert_cfg = BertConfig(
        vocab_size=8,
        hidden_size=96,
        num_hidden_layers=1,
        num_attention_heads=4,
        intermediate_size=192,
        max_position_embeddings=NUM_GROUPS,
        hidden_dropout_prob=0.1,
    )
    model = PointPatchClassifier(bert_cfg, len(SHAPE_CLASSES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for epoch in range(2):
        correct, total, loss_sum = 0, 0, 0.0
        for xyz, y in loader:
            logits = model(xyz)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(-1) == y).sum().item()
            total += len(y)
        print(f"epoch {epoch}: loss={loss_sum / total:.3f} acc={correct / total:.2f}")


if __name__ == "__main__":
    main()
