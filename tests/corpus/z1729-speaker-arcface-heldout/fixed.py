"""Speaker embedding training with an additive angular margin (ArcFace) head.

Every `holdout_every`-th speaker is kept out of training and used for a verification check
(cosine scoring of same/different speaker trial pairs) at the end.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class SpeakerConfig:
    total_speakers: int = 40
    utts_per_speaker: int = 12
    n_mels: int = 24
    frames: int = 50
    emb_dim: int = 64
    holdout_every: int = 4
    margin: float = 0.3
    scale: float = 30.0
    batch_size: int = 32
    epochs: int = 1
    lr: float = 1e-3
    seed: int = 3


def synth_corpus(cfg):
    g = torch.Generator().manual_seed(cfg.seed)
    timbre = torch.randn(cfg.total_speakers, cfg.n_mels, 1, generator=g)
    feats, spk = [], []
    for s in range(cfg.total_speakers):
        noise = 0.8 * torch.randn(cfg.utts_per_speaker, cfg.n_mels, cfg.frames, generator=g)
        feats.append(timbre[s] + noise)
        spk += [s] * cfg.utts_per_speaker
    return torch.cat(feats), torch.tensor(spk)


class XVectorLite(nn.Module):
    def __init__(self, n_mels, emb_dim):
        super().__init__()
        self.frame = nn.Sequential(
            nn.Conv1d(n_mels, 64, kernel_size=5, padding=2), nn.ReLU(), nn.BatchNorm1d(64),
            nn.Conv1d(64, 64, kernel_size=3, dilation=2, padding=2), nn.ReLU(), nn.BatchNorm1d(64),
        )
        self.segment = nn.Linear(128, emb_dim)

    def forward(self, mels):
        h = self.frame(mels)
        stats = torch.cat([h.mean(-1), h.std(-1)], dim=-1)
        return self.segment(stats)


class ArcMarginHead(nn.Module):
    def __init__(self, emb_dim, n_classes, margin, scale):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_classes, emb_dim))
        nn.init.xavier_uniform_(self.weight)
        self.margin, self.scale = margin, scale

    def forward(self, emb, target):
        cos = F.linear(F.normalize(emb), F.normalize(self.weight)).clamp(-1 + 1e-7, 1 - 1e-7)
        theta = torch.acos(cos)
        target_onehot = torch.zeros_like(cos).scatter_(1, target.view(-1, 1), 1.0)
        logits = torch.cos(theta + self.margin * target_onehot)
        return self.scale * logits


def verification_eer(embs, spk):
    embs = F.normalize(embs)
    scores = embs @ embs.T
    same = spk[:, None] == spk[None, :]
    iu = torch.triu_indices(len(spk), len(spk), offset=1)
    s, lab = scores[iu[0], iu[1]], same[iu[0], iu[1]]
    best = 1.0
    for thr in torch.linspace(-1, 1, 201):
        far = ((s >= thr) & ~lab).float().sum() / (~lab).sum()
        frr = ((s < thr) & lab).float().sum() / lab.sum()
        best = min(best, max(far.item(), frr.item()))
    return best


def main():
    cfg = SpeakerConfig()
    torch.manual_seed(cfg.seed)
    mels, spk = synth_corpus(cfg)

    heldout_speakers = [s for s in range(cfg.total_speakers) if s % cfg.holdout_every == 0]
    train_speakers = [s for s in range(cfg.total_speakers) if s % cfg.holdout_every != 0]
    train_mask = torch.isin(spk, torch.tensor(train_speakers))
    class_of = {s: c for c, s in enumerate(train_speakers)}
    train_labels = torch.tensor([class_of[int(s)] for s in spk[train_mask]])
    train_set = TensorDataset(mels[train_mask], train_labels)
    loader = DataLoader(train_set, batch_size=cfg.batch_size, shuffle=True, drop_last=True)

    num_speakers = len(train_speakers)
    encoder = XVectorLite(cfg.n_mels, cfg.emb_dim)
    head = ArcMarginHead(cfg.emb_dim, num_speakers, cfg.margin, cfg.scale)
    opt = torch.optim.Adam(list(encoder.parameters()) + list(head.parameters()), lr=cfg.lr)
    print(f"training on {len(train_set)} utterances from {num_speakers} speakers")

    for epoch in range(cfg.epochs):
        encoder.train()
        running = 0.0
        for batch_mels, batch_spk in loader:
            logits = head(encoder(batch_mels), batch_spk)
            loss = F.cross_entropy(logits, batch_spk)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} arcface loss {running / len(loader):.4f}")

    encoder.eval()
    test_mask = torch.isin(spk, torch.tensor(heldout_speakers))
    with torch.no_grad():
        test_embs = encoder(mels[test_mask])
    eer = verification_eer(test_embs, spk[test_mask])
    print(f"held-out speakers: {len(heldout_speakers)}  EER ~ {100 * eer:.2f}%")
    assert math.isfinite(eer)


if __name__ == "__main__":
    main()
