"""5-way 1-shot leaf disease recognition with a prototypical network.

Synthetic leaf patches: each disease class has its own blotch colour and spot
layout. A Conv-4 style backbone followed by a projection head maps patches to
an embedding space; queries are classified by distance to class prototypes.
"""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class FewShotConfig:
    n_classes: int = 10
    n_way: int = 5
    k_shot: int = 1
    n_query: int = 3
    image_size: int = 28
    proj_dim: int = 32
    episodes: int = 6
    lr: float = 1e-3
    seed: int = 11


def make_leaf_bank(cfg, gen):
    size = cfg.image_size
    base = torch.zeros(cfg.n_classes, 3, size, size)
    base[:, 1] = 0.6
    for c in range(cfg.n_classes):
        tint = torch.rand(3, generator=gen)
        spots = torch.randint(2, size - 6, (4, 2), generator=gen)
        for y, x in spots.tolist():
            base[c, :, y:y + 4, x:x + 4] = tint.view(3, 1, 1)
    return base


def draw_patches(bank, cls, count, gen):
    patches = bank[cls].unsqueeze(0).repeat(count, 1, 1, 1)
    patches = patches + 0.15 * torch.randn(patches.shape, generator=gen)
    flip = torch.rand(count, generator=gen) < 0.5
    patches[flip] = patches[flip].flip(-1)
    return patches


def sample_episode(bank, cfg, gen):
    classes = torch.randperm(cfg.n_classes, generator=gen)[:cfg.n_way]
    support, query, query_labels = [], [], []
    for label, cls in enumerate(classes.tolist()):
        imgs = draw_patches(bank, cls, cfg.k_shot + cfg.n_query, gen)
        support.append(imgs[:cfg.k_shot])
        query.append(imgs[cfg.k_shot:])
        query_labels += [label] * cfg.n_query
    return torch.stack(support), torch.cat(query), torch.tensor(query_labels)


def conv_block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2))


class LeafEmbedder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.backbone = nn.Sequential(conv_block(3, 16), conv_block(16, 32), conv_block(32, 32),
                                      nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.projector = nn.Sequential(nn.Linear(32, cfg.proj_dim), nn.BatchNorm1d(cfg.proj_dim), nn.ReLU(),
                                       nn.Linear(cfg.proj_dim, cfg.proj_dim))

    def forward(self, x):
        return self.projector(self.backbone(x))


def class_prototypes(net, support):
    n_way, k_shot = support.shape[:2]
    emb = net(support.flatten(0, 1))
    return emb.view(n_way, k_shot, -1).mean(1)


def episode_logits(net, support, query):
    protos = class_prototypes(net, support)
    q_emb = net(query)
    return -torch.cdist(q_emb, protos).pow(2)


def main():
    cfg = FewShotConfig()
    gen = torch.Generator().manual_seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    bank = make_leaf_bank(cfg, gen)
    net = LeafEmbedder(cfg)
    optim = torch.optim.Adam(net.parameters(), lr=cfg.lr)

    for ep in range(cfg.episodes):
        support, query, query_labels = sample_episode(bank, cfg, gen)
        logits = episode_logits(net, support, query)
        loss = F.cross_entropy(logits, query_labels)
        optim.zero_grad()
        loss.backward()
        optim.step()
        acc = (logits.argmax(1) == query_labels).float().mean().item()
        print(f"episode {ep}: loss={loss.item():.4f} acc={acc:.2f}")


if __name__ == "__main__":
    main()
