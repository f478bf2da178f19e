import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader, Sampler

SR = 8000
N_FFT = 256
HOP = 128
N_MELS = 24
KEYWORDS = ["yes", "no", "up", "down", "left", "right", "_silence_", "_unknown_"]

rng = np.random.default_rng(7)
torch.manual_seed(7)
random.seed(7)


def synth_clip(label_idx, dur_s):
    t = np.arange(int(SR * dur_s)) / SR
    f0 = 300 + 120 * label_idx
    wav = 0.4 * np.sin(2 * np.pi * f0 * t) * np.hanning(len(t))
    wav += 0.05 * rng.standard_normal(len(t))
    return torch.from_numpy(wav.astype(np.float32))


MEL_FB = torch.rand(N_FFT // 2 + 1, N_MELS)


def log_mel(wav):
    spec = torch.stft(wav, N_FFT, HOP, window=torch.hann_window(N_FFT), return_complex=True)
    power = spec.abs().pow(2).T
    return torch.log(power @ MEL_FB + 1e-6)


class KeywordClips(Dataset):
    def __init__(self, n):
        self.labels = [int(x) for x in rng.integers(0, len(KEYWORDS), n)]
        self.feats = [log_mel(synth_clip(y, rng.uniform(0.4, 1.0))) for y in self.labels]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"feats": self.feats[i], "label": self.labels[i]}


class BucketBatchSampler(Sampler):
    def __init__(self, lengths, batch_size, shuffle=True):
        self.lengths = lengths
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __iter__(self):
        order = sorted(range(len(self.lengths)), key=lambda i: self.lengths[i])
        batches = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        if self.shuffle:
            random.shuffle(batches)
        yield from batches

    def __len__(self):
        return math.ceil(len(self.lengths) / self.batch_size)


def collate(items):
    lens = [it["feats"].shape[0] for it in items]
    T = max(lens)
    feats = torch.zeros(len(items), T, N_MELS)
    attention_mask = torch.zeros(len(items), T, dtype=torch.long)
    for i, it in enumerate(items):
        feats[i, :lens[i]] = it["feats"]
        attention_mask[i, :lens[i]] = 1
    return {"feats": feats, "attention_mask": attention_mask,
            "labels": torch.tensor([it["label"] for it in items])}


class KWSTransformer(nn.Module):
    def __init__(self, d_model=48, n_heads=4, n_layers=2, max_frames=128, lr=1e-3):
        super().__init__()
        self.lr = lr
        self.proj = nn.Linear(N_MELS, d_model)
        self.pos = nn.Parameter(torch.zeros(1, max_frames, d_model))
        layer = nn.TransformerEncoderLayer(d_model, n_heads, 2 * d_model, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.classifier = nn.Linear(d_model, len(KEYWORDS))

    def forward(self, feats, attention_mask):
        x = self.proj(feats) + self.pos[:, :feats.shape[1]]
        pad_mask = attention_mask == 0
        h = self.encoder(x, src_key_padding_mask=pad_mask)
        w = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.classifier(pooled)

    def training_step(self, batch, batch_idx):
        logits = self(batch["feats"], batch["attention_mask"])
        loss = F.cross_entropy(logits, batch["labels"])
        return {"loss": loss, "log": {"train_loss": loss.item()}}

    def validation_step(self, batch, batch_idx):
        logits = self(batch["feats"], batch["attention_mask"])
        return {"val_loss": F.cross_entropy(logits, batch["labels"]).item(),
                "hits": (logits.argmax(-1) == batch["labels"]).sum().item(),
                "count": batch["labels"].numel()}

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


class MiniTrainer:
    def __init__(self, max_epochs=3, log_every=10):
        self.max_epochs = max_epochs
        self.log_every = log_every

    def fit(self, model, train_loader, val_loader):
        opt = model.configure_optimizers()
        for epoch in range(self.max_epochs):
            model.train()
            for step, batch in enumerate(train_loader):
                out = model.training_step(batch, step)
                opt.zero_grad()
                out["loss"].backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                if step % self.log_every == 0:
                    print(f"ep{epoch} step{step} {out['log']}")
            model.eval()
            with torch.no_grad():
                outs = [model.validation_step(b, j) for j, b in enumerate(val_loader)]
            acc = sum(o["hits"] for o in outs) / sum(o["count"] for o in outs)
            print(f"ep{epoch} val_loss={np.mean([o['val_loss'] for o in outs]):.3f} acc={acc:.3f}")


if __name__ == "__main__":
    train_set, val_set = KeywordClips(160), KeywordClips(48)
    train_loader = DataLoader(train_set, collate_fn=collate,
                              batch_sampler=BucketBatchSampler([f.shape[0] for f in train_set.feats], 16))
    val_loader = DataLoader(val_set, collate_fn=collate,
                            batch_sampler=BucketBatchSampler([f.shape[0] for f in val_set.feats], 16, shuffle=False))
    MiniTrainer(max_epochs=3).fit(KWSTransformer(), train_loader, val_loader)
