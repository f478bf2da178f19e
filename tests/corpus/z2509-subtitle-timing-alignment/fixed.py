import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class AlignConfig:
    n_mels: int = 24
    hop_ms: int = 20
    max_frames: int = 160
    d_model: int = 48
    n_heads: int = 4
    n_layers: int = 2
    batch_size: int = 8
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 11


cfg = AlignConfig()
random.seed(cfg.seed)
np.random.seed(cfg.seed)
torch.manual_seed(cfg.seed)


def synth_clip(rng, n_frames, n_mels):
    """Fake log-mel frames plus per-frame 'subtitle on screen' targets."""
    speech = np.zeros(n_frames, dtype=np.float32)
    t = int(rng.integers(0, 10))
    while t < n_frames:
        dur = int(rng.integers(12, 40))
        speech[t:t + dur] = 1.0
        t += dur + int(rng.integers(5, 25))
    mel = rng.normal(-4.0, 1.0, size=(n_frames, n_mels)).astype(np.float32)
    mel += speech[:, None] * rng.uniform(1.5, 3.0, size=(1, n_mels)).astype(np.float32)
    return mel, speech


class SubtitleCueDataset(Dataset):
    def __init__(self, n_clips, cfg):
        rng = np.random.default_rng(cfg.seed)
        self.clips = []
        for _ in range(n_clips):
            n = int(rng.integers(60, 140))
            self.clips.append(synth_clip(rng, n, cfg.n_mels))

    def __len__(self):
        return len(self.clips)

    def __getitem__(self, i):
        mel, on = self.clips[i]
        return torch.from_numpy(mel), torch.from_numpy(on)


def lengths_to_pad_mask(lengths, max_len):
    idx = torch.arange(max_len).unsqueeze(0)
    return idx >= lengths.unsqueeze(1)


def collate_clips(batch):
    mels, targets = zip(*batch)
    lengths = torch.tensor([m.shape[0] for m in mels])
    mel_pad = nn.utils.rnn.pad_sequence(mels, batch_first=True, padding_value=0.0)
    tgt_pad = nn.utils.rnn.pad_sequence(targets, batch_first=True, padding_value=0.0)
    pad_mask = lengths_to_pad_mask(lengths, mel_pad.size(1))
    return mel_pad, tgt_pad, lengths, pad_mask


class SinusoidalPE(nn.Module):
    def __init__(self, d_model, max_len):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class CueAligner(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.inp = nn.Linear(cfg.n_mels, cfg.d_model)
        self.pe = SinusoidalPE(cfg.d_model, cfg.max_frames)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=96,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.head = nn.Linear(cfg.d_model, 1)

    def forward(self, mel, pad_mask):
        h = self.pe(self.inp(mel))
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return self.head(h).squeeze(-1)


def masked_bce(logits, target, lengths):
    valid = torch.arange(logits.size(1)).unsqueeze(0) < lengths.unsqueeze(1)
    loss = nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none")
    return (loss * valid).sum() / valid.sum()


def onset_error_ms(logits, target, lengths, hop_ms):
    errs = []
    for lg, tg, n in zip(logits, target, lengths):
        pred_on = (torch.sigmoid(lg[:n]) > 0.5).float()
        p = torch.nonzero(pred_on).flatten()
        t = torch.nonzero(tg[:n]).flatten()
        if len(p) and len(t):
            errs.append(abs(int(p[0]) - int(t[0])) * hop_ms)
    return float(np.mean(errs)) if errs else float("nan")


def train():
    ds = SubtitleCueDataset(48, cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate_clips)
    model = CueAligner(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for mel, tgt, lengths, pad_mask in loader:
            logits = model(mel, pad_mask)
            loss = masked_bce(logits, tgt, lengths)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
        model.eval()
        with torch.no_grad():
            mel, tgt, lengths, pad_mask = next(iter(loader))
            err = onset_error_ms(model(mel, pad_mask), tgt, lengths, cfg.hop_ms)
        print(f"epoch {epoch} loss {running / len(loader):.4f} first-onset err {err:.0f} ms")


if __name__ == "__main__":
    train()
