import math
import random
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

SEED = 2024
SR = 40            # Hz, broadband channel decimated to 40 sps
FRAME_HOP = 20     # samples between frame centres (0.5 s)
FRAME_WIN = 40     # samples per frame (1.0 s)
D_MODEL = 48
N_HEADS = 4
CLASSES = ["earthquake", "quarry_blast", "noise"]
BATCH = 6

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def make_record(kind, rng):
    n = int(rng.integers(30 * SR, 75 * SR))
    t = np.arange(n) / SR
    x = 0.1 * rng.standard_normal((3, n))
    if kind == "noise":
        x += 0.05 * np.sin(2 * np.pi * 0.2 * t)
        return x.astype(np.float32)
    onset = int(rng.integers(5 * SR, 15 * SR))
    tt = t[onset:] - t[onset]
    if kind == "earthquake":
        env = np.exp(-tt / 8.0)
        sig = env * (np.sin(2 * np.pi * 2.5 * tt) + 0.6 * np.sin(2 * np.pi * 6.0 * tt))
    else:
        env = np.exp(-tt / 3.0)
        sig = env * (np.sin(2 * np.pi * 1.2 * tt) + 0.3 * rng.standard_normal(tt.shape))
    for c, g in enumerate((1.0, 0.7, 0.7)):
        x[c, onset:] += g * sig
    return x.astype(np.float32)


class EventCatalogue(Dataset):
    def __init__(self, n_per_class, seed):
        rng = np.random.default_rng(seed)
        self.records = []
        for label, kind in enumerate(CLASSES):
            for _ in range(n_per_class):
                self.records.append((make_record(kind, rng), label))
        random.Random(seed).shuffle(self.records)

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        wav, label = self.records[idx]
        wav = wav - wav.mean(axis=1, keepdims=True)
        wav = wav / (wav.std() + 1e-6)
        return torch.from_numpy(wav), label


def pad_and_mask(batch):
    wavs, labels = zip(*batch)
    lengths = [w.shape[-1] for w in wavs]
    max_len = max(lengths)
    padded = torch.zeros(len(wavs), 3, max_len)
    for i, w in enumerate(wavs):
        padded[i, :, : w.shape[-1]] = w
    n_frames_max = math.ceil(max_len / FRAME_HOP)
    frame_pad = torch.ones(len(wavs), n_frames_max, dtype=torch.bool)
    for i, n in enumerate(lengths):
        frame_pad[i, : math.ceil(n / FRAME_HOP)] = False
    return padded, frame_pad, torch.tensor(labels)


class FrameTransformer(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.framer = nn.Conv1d(3, D_MODEL, kernel_size=FRAME_WIN, stride=FRAME_HOP)
        self.norm = nn.LayerNorm(D_MODEL)
        enc_layer = nn.TransformerEncoderLayer(D_MODEL, N_HEADS, dim_feedforward=96,
                                               dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(enc_layer, num_layers=2, enable_nested_tensor=False)
        self.cls = nn.Linear(D_MODEL, n_classes)

    def forward(self, wav, pad_mask):
        z = self.norm(self.framer(wav).transpose(1, 2))
        z = self.encoder(z, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (z * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.cls(pooled)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    total, correct, loss_sum = 0, 0, 0.0
    for wav, pad_mask, y in loader:
        with torch.set_grad_enabled(training):
            logits = model(wav, pad_mask)
            loss = F.cross_entropy(logits, y)
        if training:
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        loss_sum += loss.item() * y.numel()
        correct += (logits.argmax(-1) == y).sum().item()
        total += y.numel()
    return loss_sum / total, correct / total


def main():
    train_ds = EventCatalogue(n_per_class=8, seed=1)
    val_ds = EventCatalogue(n_per_class=3, seed=2)
    train_dl = DataLoader(train_ds, batch_size=BATCH, shuffle=True, collate_fn=pad_and_mask)
    val_dl = DataLoader(val_ds, batch_size=BATCH, collate_fn=pad_and_mask)

    model = FrameTransformer(len(CLASSES))
    opt = torch.optim.Adam(model.parameters(), lr=3e-4)
    for epoch in range(2):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}  train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
