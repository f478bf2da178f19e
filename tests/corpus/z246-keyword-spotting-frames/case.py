from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class KWSConfig:
    n_mels: int = 20
    d_model: int = 32
    n_heads: int = 2
    ff_dim: int = 64
    n_layers: int = 2
    keywords: tuple = ("yes", "no", "stop", "go")
    min_frames: int = 18
    max_frames: int = 40
    batch_size: int = 8
    epochs: int = 4
    lr: float = 2e-3


class SyntheticKeywordClips(Dataset):
    """Fake log-mel clips: each keyword has its own spectral bump, clips vary in length."""

    def __init__(self, cfg, n_clips, seed):
        g = torch.Generator().manual_seed(seed)
        self.items = []
        for k in range(n_clips):
            label = k % len(cfg.keywords)
            n_frames = int(torch.randint(cfg.min_frames, cfg.max_frames + 1, (1,), generator=g))
            clip = 0.5 * torch.randn(n_frames, cfg.n_mels, generator=g)
            band = slice(label * 4, label * 4 + 5)
            clip[:, band] += 1.5
            self.items.append((clip, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate_clips(batch):
    longest = max(clip.shape[0] for clip, _ in batch)
    n_mels = batch[0][0].shape[1]
    frames = torch.zeros(len(batch), longest, n_mels)
    is_pad = torch.zeros(len(batch), longest, dtype=torch.long)
    for i, (clip, _) in enumerate(batch):
        n = clip.shape[0]
        frames[i, :n] = clip
        is_pad[i, n:] = 1
    targets = torch.tensor([label for _, label in batch])
    return frames, is_pad, targets


class FrameTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.proj = nn.Linear(cfg.n_mels, cfg.d_model)
        self.pos = nn.Parameter(0.02 * torch.randn(cfg.max_frames, cfg.d_model))
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, cfg.ff_dim,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.head = nn.Linear(cfg.d_model, len(cfg.keywords))

    def forward(self, frames, is_pad):
        h = self.proj(frames) + self.pos[: frames.shape[1]]
        h = self.encoder(h, src_key_padding_mask=is_pad)
        keep = (~is_pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.head(pooled)


def main():
    cfg = KWSConfig()
    torch.manual_seed(0)
    train_loader = DataLoader(SyntheticKeywordClips(cfg, 64, seed=1), batch_size=cfg.batch_size,
                              shuffle=True, collate_fn=collate_clips)
    val_loader = DataLoader(SyntheticKeywordClips(cfg, 24, seed=2), batch_size=cfg.batch_size,
                            collate_fn=collate_clips)
    model = FrameTransformer(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        for frames, is_pad, targets in train_loader:
            loss = F.cross_entropy(model(frames, is_pad), targets)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for frames, is_pad, targets in val_loader:
                correct += (model(frames, is_pad).argmax(-1) == targets).sum().item()
                total += len(targets)
        print(f"epoch {epoch}: loss {loss.item():.3f} val acc {correct / total:.2f}")


if __name__ == "__main__":
    main()
