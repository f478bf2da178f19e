"""Hateful-meme classifier: caption text (overlay OCR) + the meme image, late fusion."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(7)
rng = np.random.default_rng(7)


@dataclass
class MemeConfig:
    vocab_size: int = 3000
    max_caption_len: int = 24
    emb_dim: int = 64
    text_hidden: int = 64
    text_bidirectional: bool = True
    img_size: int = 64
    img_channels: int = 32
    fusion_hidden: int = 128
    n_labels: int = 2
    dropout: float = 0.2
    batch_size: int = 16
    lr: float = 1e-3
    epochs: int = 2


class CaptionEncoder(nn.Module):
    def __init__(self, cfg: MemeConfig):
        super().__init__()
        self.emb = nn.Embedding(cfg.vocab_size, cfg.emb_dim, padding_idx=0)
        self.rnn = nn.GRU(cfg.emb_dim, cfg.text_hidden, batch_first=True,
                          bidirectional=cfg.text_bidirectional)

    def forward(self, tokens):
        lengths = (tokens != 0).sum(dim=1).clamp(min=1)
        packed = nn.utils.rnn.pack_padded_sequence(
            self.emb(tokens), lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(packed)
        # h_n: (num_layers * num_directions, batch, hidden)
        return torch.cat([h for h in h_n], dim=-1)


class ImageEncoder(nn.Module):
    def __init__(self, cfg: MemeConfig):
        super().__init__()
        c = cfg.img_channels
        self.conv = nn.Sequential(
            nn.Conv2d(3, c // 2, 3, padding=1), nn.BatchNorm2d(c // 2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c // 2, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, img):
        return self.pool(self.conv(img)).flatten(1)


class MemeFusionNet(nn.Module):
    def __init__(self, cfg: MemeConfig):
        super().__init__()
        self.text = CaptionEncoder(cfg)
        self.image = ImageEncoder(cfg)
        n_dirs = 2 if cfg.text_bidirectional else 1
        fused_dim = cfg.text_hidden * n_dirs + cfg.img_channels
        self.classifier = nn.Sequential(
            nn.Linear(fused_dim, cfg.fusion_hidden),
            nn.ReLU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.fusion_hidden, cfg.n_labels),
        )

    def forward(self, tokens, img):
        t = self.text(tokens)
        v = self.image(img)
        return self.classifier(torch.cat([t, v], dim=1))


def synth_memes(cfg: MemeConfig, n: int):
    tokens = np.zeros((n, cfg.max_caption_len), dtype=np.int64)
    for i in range(n):
        L = rng.integers(3, cfg.max_caption_len + 1)
        tokens[i, :L] = rng.integers(1, cfg.vocab_size, size=L)
    imgs = rng.normal(0, 1, size=(n, 3, cfg.img_size, cfg.img_size)).astype(np.float32)
    labels = rng.integers(0, cfg.n_labels, size=n)
    return TensorDataset(torch.from_numpy(tokens), torch.from_numpy(imgs), torch.from_numpy(labels))


def run_epoch(model, loader, opt, train=True):
    model.train(train)
    losses, correct, seen = [], 0, 0
    for tokens, imgs, y in loader:
        with torch.set_grad_enabled(train):
            logits = model(tokens, imgs)
            loss = F.cross_entropy(logits, y)
        if train:
            opt.zero_grad()
            loss.backward()
            opt.step()
        losses.append(loss.item())
        correct += (logits.argmax(-1) == y).sum().item()
        seen += y.numel()
    return float(np.mean(losses)), correct / seen


def main():
    cfg = MemeConfig()
    train_ds, val_ds = synth_memes(cfg, 96), synth_memes(cfg, 32)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = MemeFusionNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt, train=True)
        va_loss, va_acc = run_epoch(model, val_dl, opt, train=False)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
