import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


class Config:
    sample_rate = 16000
    win_length = 400
    hop_length = 160
    n_fft = 512
    n_mels = 40
    keywords = ["yes", "no", "up", "down", "left", "right", "stop", "go"]
    d_model = 64
    n_heads = 4
    n_layers = 2
    batch_size = 16
    lr = 1e-3
    max_steps = 40
    log_every = 10
    seed = 1234


def mel_filterbank(n_fft, n_mels, sr, fmin=20.0, fmax=None):
    fmax = fmax or sr / 2
    hz_to_mel = lambda f: 2595.0 * math.log10(1.0 + f / 700.0)
    mel_pts = torch.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2)
    hz_pts = 700.0 * (10 ** (mel_pts / 2595.0) - 1.0)
    bins = torch.floor((n_fft + 1) * hz_pts / sr).long()
    fb = torch.zeros(n_mels, n_fft // 2 + 1)
    for m in range(1, n_mels + 1):
        left, center, right = bins[m - 1].item(), bins[m].item(), bins[m + 1].item()
        for k in range(left, center):
            fb[m - 1, k] = (k - left) / max(center - left, 1)
        for k in range(center, right):
            fb[m - 1, k] = (right - k) / max(right - center, 1)
    return fb


MEL_FB = mel_filterbank(Config.n_fft, Config.n_mels, Config.sample_rate)
WINDOW = torch.hann_window(Config.win_length)


def log_mel(wave):
    frames = wave.unfold(0, Config.win_length, Config.hop_length) * WINDOW
    spec = torch.fft.rfft(frames, n=Config.n_fft).abs() ** 2
    mel = spec @ MEL_FB.T
    return torch.log(mel + 1e-6)


class SyntheticCommands(Dataset):
    def __init__(self, n_items, seed):
        rng = random.Random(seed)
        self.items = []
        for _ in range(n_items):
            label = rng.randrange(len(Config.keywords))
            dur = rng.uniform(0.5, 1.0)
            self.items.append((label, dur, rng.random()))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        label, dur, phase = self.items[idx]
        n = int(dur * Config.sample_rate)
        t = torch.arange(n) / Config.sample_rate
        f0 = 180.0 + 90.0 * label
        wave = 0.5 * torch.sin(2 * math.pi * f0 * t + phase) + 0.05 * torch.randn(n)
        feats = log_mel(wave)
        feats = (feats - feats.mean(0)) / (feats.std(0) + 1e-5)
        return {"feats": feats, "label": label}


def collate_padded(batch):
    lengths = [b["feats"].shape[0] for b in batch]
    T = max(lengths)
    feats = torch.zeros(len(batch), T, Config.n_mels)
    pad_mask = torch.zeros(len(batch), T, dtype=torch.bool)
    for i, b in enumerate(batch):
        feats[i, : lengths[i]] = b["feats"]
        pad_mask[i, lengths[i]:] = True
    labels = torch.tensor([b["label"] for b in batch])
    return {"feats": feats, "pad_mask": pad_mask, "labels": labels}


def build_frontend():
    return nn.Sequential(
        nn.Linear(Config.n_mels, Config.d_model),
        nn.LayerNorm(Config.d_model),
        nn.GELU(),
        nn.Dropout(0.1),
    )


def build_classifier(n_classes):
    return nn.Sequential(
        nn.Linear(Config.d_model, Config.d_model),
        nn.ReLU(),
        nn.Linear(Config.d_model, n_classes),
    )


class KeywordTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.frontend = build_frontend()
        layer = nn.TransformerEncoderLayer(Config.d_model, Config.n_heads, 4 * Config.d_model,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, Config.n_layers)
        self.head = build_classifier(len(Config.keywords))

    def forward(self, feats, pad_mask):
        h = self.frontend(feats)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        valid = (pad_mask == 0).unsqueeze(-1).to(h.dtype)
        pooled = (h * valid).sum(1) / valid.sum(1).clamp(min=1.0)
        return self.head(pooled)


def infinite(loader):
    while True:
        for batch in loader:
            yield batch


def main():
    torch.manual_seed(Config.seed)
    train_set = SyntheticCommands(256, seed=Config.seed)
    loader = DataLoader(train_set, batch_size=Config.batch_size, shuffle=True,
                        collate_fn=collate_padded)
    model = KeywordTransformer()
    opt = torch.optim.AdamW(model.parameters(), lr=Config.lr, weight_decay=1e-2)

    batches = infinite(loader)
    step = 0
    running = 0.0
    model.train()
    while step < Config.max_steps:
        batch = next(batches)
        logits = model(batch["feats"], batch["pad_mask"])
        loss = F.cross_entropy(logits, batch["labels"])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        running += loss.item()
        step += 1
        if step % Config.log_every == 0:
            acc = (logits.argmax(-1) == batch["labels"]).float().mean().item()
            print(f"step {step:4d}  loss {running / Config.log_every:.4f}  acc {acc:.3f}")
            running = 0.0
    print("done")


if __name__ == "__main__":
    main()
