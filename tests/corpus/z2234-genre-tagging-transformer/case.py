import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from sklearn.metrics import roc_auc_score

CONFIG = {
    "genres": ["rock", "pop", "jazz", "electronic", "hiphop", "classical", "metal", "folk"],
    "n_mels": 48,
    "frames_per_second": 21,
    "min_sec": 4,
    "max_sec": 12,
    "d_model": 64,
    "n_heads": 4,
    "n_layers": 2,
    "dropout": 0.1,
    "batch_size": 8,
    "lr": 5e-4,
    "epochs": 2,
    "n_train": 64,
    "n_val": 24,
}

random.seed(1)
np.random.seed(1)
torch.manual_seed(1)


class SyntheticTagDataset(Dataset):
    """Variable-length log-mel excerpts with multi-hot genre tags."""

    def __init__(self, n_items, cfg):
        self.cfg = cfg
        n_tags = len(cfg["genres"])
        self.tag_profiles = np.random.randn(n_tags, cfg["n_mels"]).astype(np.float32)
        self.items = []
        for _ in range(n_items):
            seconds = random.uniform(cfg["min_sec"], cfg["max_sec"])
            n_frames = int(seconds * cfg["frames_per_second"])
            tags = np.zeros(n_tags, dtype=np.float32)
            tags[random.sample(range(n_tags), k=random.randint(1, 3))] = 1.0
            base = tags @ self.tag_profiles
            mel = base[None, :] + np.random.randn(n_frames, cfg["n_mels"]).astype(np.float32)
            self.items.append((mel, tags))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        mel, tags = self.items[idx]
        return torch.from_numpy(mel), torch.from_numpy(tags)


def pad_collate(batch):
    mels, tags = zip(*batch)
    n_frames = [m.shape[0] for m in mels]
    T = max(n_frames)
    padded = torch.zeros(len(mels), T, mels[0].shape[1])
    for i, m in enumerate(mels):
        padded[i, : m.shape[0]] = m
    padding_mask = torch.tensor([[0] * n + [1] * (T - n) for n in n_frames])
    return padded, padding_mask, torch.stack(tags)


class SinusoidalPE(nn.Module):
    def __init__(self, d_model, max_len=2000):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.shape[1]]


class GenreTagger(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.proj = nn.Sequential(nn.LayerNorm(cfg["n_mels"]), nn.Linear(cfg["n_mels"], cfg["d_model"]))
        self.pos = SinusoidalPE(cfg["d_model"])
        layer = nn.TransformerEncoderLayer(cfg["d_model"], cfg["n_heads"], 4 * cfg["d_model"],
                                           dropout=cfg["dropout"], batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"], enable_nested_tensor=False)
        self.head = nn.Linear(cfg["d_model"], len(cfg["genres"]))

    def forward(self, mel, padding_mask):
        h = self.pos(self.proj(mel))
        h = self.encoder(h, src_key_padding_mask=padding_mask)
        valid = (padding_mask == 0).unsqueeze(-1).float()
        pooled = (h * valid).sum(1) / valid.sum(1).clamp(min=1.0)
        return self.head(pooled)


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    losses, all_logits, all_tags = [], [], []
    with torch.set_grad_enabled(training):
        for mel, padding_mask, tags in loader:
            logits = model(mel, padding_mask)
            loss = F.binary_cross_entropy_with_logits(logits, tags)
            if training:
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
            losses.append(loss.item())
            all_logits.append(logits.detach())
            all_tags.append(tags)
    scores = torch.sigmoid(torch.cat(all_logits)).numpy()
    truth = torch.cat(all_tags).numpy()
    return float(np.mean(losses)), roc_auc_score(truth, scores, average="macro")


train_loader = DataLoader(SyntheticTagDataset(CONFIG["n_train"], CONFIG), batch_size=CONFIG["batch_size"],
                          shuffle=True, collate_fn=pad_collate)
val_loader = DataLoader(SyntheticTagDataset(CONFIG["n_val"], CONFIG), batch_size=CONFIG["batch_size"],
                        collate_fn=pad_collate)

model = GenreTagger(CONFIG)
optimizer = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"], weight_decay=1e-2)

for epoch in range(CONFIG["epochs"]):
    tr_loss, tr_auc = run_epoch(model, train_loader, optimizer)
    va_loss, va_auc = run_epoch(model, val_loader)
    print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_auc:.3f}  val {va_loss:.3f}/{va_auc:.3f}")
