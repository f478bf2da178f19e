"""Gait-based person identification from wrist IMU windows with a triplet network.

Training uses P subjects x K windows per batch and batch-hard triplet mining.
Evaluation enrols a gallery of windows per subject and reports rank-1
identification accuracy of held-out probe windows against that gallery.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GaitConfig:
    n_subjects: int = 6
    channels: int = 6
    window: int = 64
    windows_per_subject: int = 4
    gallery_per_subject: int = 3
    probe_per_subject: int = 2
    embed_dim: int = 16
    margin: float = 0.3
    train_steps: int = 2
    eval_bs: int = 8
    lr: float = 1e-3
    seed: int = 3


def subject_signatures(cfg, gen):
    t = torch.linspace(0, 2 * math.pi, cfg.window)
    freqs = 1.0 + torch.rand(cfg.n_subjects, cfg.channels, 1, generator=gen) * 2.0
    amps = 0.5 + torch.rand(cfg.n_subjects, cfg.channels, 1, generator=gen)
    return amps * torch.sin(freqs * t)


def sample_windows(signatures, per_subject, gen, noise=0.3):
    n_subj, ch, length = signatures.shape
    shifts = torch.randint(0, length, (n_subj, per_subject), generator=gen)
    windows, owners = [], []
    for s in range(n_subj):
        for k in range(per_subject):
            w = torch.roll(signatures[s], int(shifts[s, k]), dims=-1)
            windows.append(w + noise * torch.randn(ch, length, generator=gen))
            owners.append(s)
    return torch.stack(windows), torch.tensor(owners)


class GaitEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(cfg.channels, 32, 5, padding=2), nn.ReLU(),
            nn.Conv1d(32, 32, 5, padding=2, stride=2), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.head = nn.Linear(32, cfg.embed_dim)

    def forward(self, x):
        return F.normalize(self.head(self.body(x).squeeze(-1)), dim=-1)


def batch_hard_triplet(emb, owners, margin):
    dist = torch.cdist(emb, emb)
    same = owners.unsqueeze(0) == owners.unsqueeze(1)
    hardest_pos = (dist * same.float()).max(1).values
    hardest_neg = dist.masked_fill(same, float("inf")).min(1).values
    return F.relu(hardest_pos - hardest_neg + margin).mean()


@torch.no_grad()
def rank1_identification(net, gallery_x, gallery_ids, probe_x, probe_ids, cfg):
    net.eval()
    n_windows = gallery_x.size(0)
    gallery_emb = torch.cat([net(gallery_x[s:s + cfg.eval_bs]) for s in range(0, n_windows, cfg.eval_bs)])
    probe_emb = torch.cat([net(probe_x[s:s + cfg.eval_bs]) for s in range(0, probe_x.size(0), cfg.eval_bs)])
    dist = torch.cdist(probe_emb, gallery_emb)
    nearest = dist.argmin(dim=1)
    correct = 0
    for i in range(n_windows):
        correct += int(gallery_ids[nearest[i]] == probe_ids[i])
    net.train()
    return correct / len(probe_ids)


def main():
    cfg = GaitConfig()
    gen = torch.Generator().manual_seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    signatures = subject_signatures(cfg, gen)
    net = GaitEncoder(cfg)
    optim = torch.optim.Adam(net.parameters(), lr=cfg.lr)

    for step in range(cfg.train_steps):
        imu, owners = sample_windows(signatures, cfg.windows_per_subject, gen)
        loss = batch_hard_triplet(net(imu), owners, cfg.margin)
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 5 == 0:
            print(f"step {step:02d} triplet={loss.item():.4f}")

    gallery_x, gallery_ids = sample_windows(signatures, cfg.gallery_per_subject, gen)
    probe_x, probe_ids = sample_windows(signatures, cfg.probe_per_subject, gen)
    acc = rank1_identification(net, gallery_x, gallery_ids, probe_x, probe_ids, cfg)
    print(f"rank-1 identification: {acc:.3f} over {len(probe_ids)} probes")


if __name__ == "__main__":
    main()
