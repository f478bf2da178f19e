"""Few-shot PCB defect classification with a prototypical network (Conv-4 backbone).

Each episode tensor is laid out as (n_way, k_shot + n_query, 1, H, W): the first k_shot images of
every class row are the support set, the rest are queries.
"""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class EpisodeCfg:
    defect_types: int = 12
    images_per_type: int = 20
    img_size: int = 28
    n_way: int = 5
    k_shot: int = 3
    n_query: int = 4
    train_episodes: int = 30
    test_episodes: int = 10
    lr: float = 1e-3
    seed: int = 5


def make_defect_bank(cfg):
    g = torch.Generator().manual_seed(cfg.seed)
    s = cfg.img_size
    yy, xx = torch.meshgrid(torch.arange(s), torch.arange(s), indexing="ij")
    bank = []
    for d in range(cfg.defect_types):
        angle = torch.rand(1, generator=g) * 3.1416
        cx, cy = torch.randint(6, s - 6, (2,), generator=g)
        line = (torch.cos(angle) * (xx - cx) + torch.sin(angle) * (yy - cy)).abs() < 1 + d % 3
        blob = ((xx - cy) ** 2 + (yy - cx) ** 2) < (2 + d % 4) ** 2
        base = (line | blob).float() if d % 2 else (line & ~blob).float()
        jitter = 0.35 * torch.randn(cfg.images_per_type, 1, s, s, generator=g)
        bank.append(base.expand(cfg.images_per_type, 1, s, s) + jitter)
    return torch.stack(bank)


def conv_block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2))


class Conv4(nn.Module):
    def __init__(self, width=32):
        super().__init__()
        self.body = nn.Sequential(conv_block(1, width), conv_block(width, width),
                                  conv_block(width, width), conv_block(width, width))

    def forward(self, x):
        return self.body(x).flatten(1)


def sample_episode(bank, classes, cfg, g):
    picked = classes[torch.randperm(len(classes), generator=g)[:cfg.n_way]]
    rows = []
    for c in picked:
        order = torch.randperm(bank.size(1), generator=g)[:cfg.k_shot + cfg.n_query]
        rows.append(bank[c, order])
    return torch.stack(rows)


def split_episode(episode, cfg):
    img_shape = episode.shape[2:]
    support = episode[:, :cfg.k_shot].reshape(cfg.n_way * cfg.k_shot, *img_shape)
    query = episode[:, cfg.k_shot:].reshape(cfg.n_way * cfg.n_query, *img_shape)
    query_y = torch.arange(cfg.n_way).repeat_interleave(cfg.n_query)
    return support, query, query_y


def episode_logits(net, episode, cfg):
    support, query, query_y = split_episode(episode, cfg)
    emb = net(torch.cat([support, query]))
    s_emb, q_emb = emb[:support.size(0)], emb[support.size(0):]
    prototypes = s_emb.view(cfg.n_way, cfg.k_shot, -1).mean(1)
    return -torch.cdist(q_emb, prototypes).pow(2), query_y


def main():
    cfg = EpisodeCfg()
    torch.manual_seed(cfg.seed)
    g = torch.Generator().manual_seed(cfg.seed)
    bank = make_defect_bank(cfg)
    base_types = torch.arange(0, 7)
    novel_types = torch.arange(7, cfg.defect_types)

    net = Conv4()
    opt = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    net.train()
    for it in range(cfg.train_episodes):
        episode = sample_episode(bank, base_types, cfg, g)
        logits, query_y = episode_logits(net, episode, cfg)
        loss = F.cross_entropy(logits, query_y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 10 == 0:
            acc = (logits.argmax(-1) == query_y).float().mean().item()
            print(f"episode {it:03d} loss {loss.item():.4f} acc {acc:.3f}")

    net.eval()
    accs = []
    with torch.no_grad():
        for _ in range(cfg.test_episodes):
            logits, query_y = episode_logits(net, sample_episode(bank, novel_types, cfg, g), cfg)
            accs.append((logits.argmax(-1) == query_y).float().mean().item())
    print(f"novel defects {cfg.n_way}-way {cfg.k_shot}-shot acc: {sum(accs) / len(accs):.3f}")


if __name__ == "__main__":
    main()
