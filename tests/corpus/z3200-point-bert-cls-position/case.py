import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel


@dataclass
class PatchCfg:
    num_points: int = 1024
    num_groups: int = 64
    group_size: int = 16
    embed_dim: int = 32
    num_classes: int = 10
    batch_size: int = 4
    epochs: int = 2
    lr: float = 1e-3


def set_seed(seed=0):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def make_shape(label, n, rng):
    t = rng.uniform(0, 2 * math.pi, size=n)
    u = rng.uniform(-1, 1, size=n)
    r = 0.5 + 0.05 * label
    xyz = np.stack([r * np.sqrt(1 - u ** 2) * np.cos(t),
                    r * np.sqrt(1 - u ** 2) * np.sin(t),
                    u * (1.0 + 0.1 * label)], axis=1)
    xyz += rng.normal(scale=0.01, size=xyz.shape)
    return xyz.astype(np.float32)


def synthetic_split(n_clouds, cfg, seed):
    rng = np.random.default_rng(seed)
    clouds, labels = [], []
    for _ in range(n_clouds):
        y = int(rng.integers(0, cfg.num_classes))
        clouds.append(make_shape(y, cfg.num_points, rng))
        labels.append(y)
    return torch.from_numpy(np.stack(clouds)), torch.tensor(labels)


def farthest_point_sample(xyz, n_samples):
    B, N, _ = xyz.shape
    idx = torch.zeros(B, n_samples, dtype=torch.long)
    dist = torch.full((B, N), float("inf"))
    farthest = torch.randint(0, N, (B,))
    batch = torch.arange(B)
    for i in range(n_samples):
        idx[:, i] = farthest
        centroid = xyz[batch, farthest].unsqueeze(1)
        d = ((xyz - centroid) ** 2).sum(-1)
        dist = torch.minimum(dist, d)
        farthest = dist.argmax(-1)
    return idx


def group_points(xyz, n_groups, k):
    B = xyz.shape[0]
    center_idx = farthest_point_sample(xyz, n_groups)
    centers = xyz[torch.arange(B)[:, None], center_idx]
    d = torch.cdist(centers, xyz)
    nn_idx = d.topk(k, dim=-1, largest=False).indices
    neighborhoods = xyz[torch.arange(B)[:, None, None], nn_idx]
    neighborhoods = neighborhoods - centers.unsqueeze(2)
    return neighborhoods, centers


class MiniPointNet(nn.Module):
    def __init__(self, out_dim):
        super().__init__()
        self.mlp1 = nn.Sequential(nn.Linear(3, 32), nn.ReLU(), nn.Linear(32, 64))
        self.mlp2 = nn.Sequential(nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, out_dim))

    def forward(self, patches):
        f = self.mlp1(patches)
        g = f.max(dim=2, keepdim=True).values.expand_as(f)
        f = self.mlp2(torch.cat([f, g], dim=-1))
        return f.max(dim=2).values


class PointPatchTransformer(nn.Module):
    def __init__(self, cfg: PatchCfg):
        super().__init__()
        self.cfg = cfg
        self.patch_embed = MiniPointNet(cfg.embed_dim)
        self.center_embed = nn.Sequential(nn.Linear(3, 32), nn.GELU(), nn.Linear(32, cfg.embed_dim))
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.embed_dim))
        bert_cfg = BertConfig(
            vocab_size=8,
            hidden_size=cfg.embed_dim,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=cfg.num_groups,
            type_vocab_size=1,
        )
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Sequential(nn.LayerNorm(cfg.embed_dim), nn.Linear(cfg.embed_dim, cfg.num_classes))

    def forward(self, xyz):
        patches, centers = group_points(xyz, self.cfg.num_groups, self.cfg.group_size)
        tokens = self.patch_embed(patches) + self.center_embed(centers)
        cls = self.cls_token.expand(tokens.shape[0], -1, -1)
        tokens = torch.cat([cls, tokens], dim=1)
        out = self.encoder(inputs_embeds=tokens).last_hidden_state
        return self.head(out[:, 0])


def batches(x, y, bs, shuffle=True):
    order = torch.randperm(len(x)) if shuffle else torch.arange(len(x))
    for s in range(0, len(x), bs):
        sel = order[s:s + bs]
        yield x[sel], y[sel]


def main():
    set_seed(0)
    cfg = PatchCfg()
    train_x, train_y = synthetic_split(16, cfg, seed=1)
    val_x, val_y = synthetic_split(8, cfg, seed=2)

    model = PointPatchTransformer(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.05)

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for pts, lbl in batches(train_x, train_y, cfg.batch_size):
            logits = model(pts)
            loss = F.cross_entropy(logits, lbl, label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(lbl)
        model.eval()
        correct = 0
        with torch.no_grad():
            for pts, lbl in batches(val_x, val_y, cfg.batch_size, shuffle=False):
                correct += (model(pts).argmax(-1) == lbl).sum().item()
        print(f"epoch {epoch}: loss {total / len(train_y):.4f} val acc {correct / len(val_y):.3f}")


if __name__ == "__main__":
    main()
