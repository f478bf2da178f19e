import math
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(7)
np.random.seed(7)

SENSOR_CFG = {
    "fs_hz": 128,
    "window_s": 2.0,
    "channels": ["acc_x", "acc_y", "acc_z"],
    "events": ["ambient", "traffic", "wind_gust", "impact"],
}
TRAIN_CFG = {"batch_size": 16, "epochs": 2, "lr": 3e-3, "hidden": 48}


def synth_deck_record(n_samples, fs, rng):
    t = np.arange(n_samples) / fs
    labels = np.zeros(n_samples, dtype=np.int64)
    sig = 0.02 * rng.standard_normal((3, n_samples))
    sig += 0.05 * np.sin(2 * math.pi * 2.3 * t)
    n_events = rng.integers(1, 4)
    for _ in range(n_events):
        kind = int(rng.integers(1, 4))
        start = int(rng.integers(0, n_samples - fs // 2))
        length = int(rng.integers(fs // 8, fs // 2))
        stop = min(n_samples, start + length)
        seg_t = t[start:stop]
        if kind == 1:
            sig[2, start:stop] += 0.4 * np.sin(2 * math.pi * 6.0 * seg_t)
        elif kind == 2:
            sig[0:2, start:stop] += 0.3 * rng.standard_normal((2, stop - start))
        else:
            decay = np.exp(-np.arange(stop - start) / 6.0)
            sig[:, start:stop] += 1.2 * decay
        labels[start:stop] = kind
    return sig.astype(np.float32), labels


class DeckVibrationWindows(Dataset):
    def __init__(self, n_windows, cfg, seed=0):
        rng = np.random.default_rng(seed)
        self.win = int(cfg["fs_hz"] * cfg["window_s"])
        self.records = [synth_deck_record(self.win, cfg["fs_hz"], rng) for _ in range(n_windows)]

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        sig, lab = self.records[idx]
        sig = (sig - sig.mean(axis=1, keepdims=True)) / (sig.std(axis=1, keepdims=True) + 1e-6)
        return torch.from_numpy(sig), torch.from_numpy(lab)


class EventTagger(nn.Module):
    def __init__(self, in_ch, hidden, n_events):
        super().__init__()
        self.frontend = nn.Sequential(
            nn.Conv1d(in_ch, hidden, kernel_size=7, padding=3),
            nn.BatchNorm1d(hidden),
            nn.GELU(),
            nn.Conv1d(hidden, hidden, kernel_size=5, padding=2),
            nn.GELU(),
        )
        self.rnn = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_events)

    def forward(self, x):
        feats = self.frontend(x)
        feats = feats.transpose(1, 2)
        seq, _ = self.rnn(feats)
        return self.head(seq)


def event_weights(ds, n_events):
    counts = np.zeros(n_events)
    for _, lab in ds.records:
        counts += np.bincount(lab, minlength=n_events)
    w = counts.sum() / (n_events * np.maximum(counts, 1))
    return torch.tensor(w, dtype=torch.float32)


def run_epoch(model, loader, criterion, optim):
    model.train()
    total, n = 0.0, 0
    for sig, lab in loader:
        optim.zero_grad()
        logits = model(sig)
        loss = criterion(logits.transpose(1, 2), lab)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        total += loss.item() * sig.size(0)
        n += sig.size(0)
    return total / n


@torch.no_grad()
def per_sample_accuracy(model, loader):
    model.eval()
    correct, count = 0, 0
    for sig, lab in loader:
        pred = model(sig).argmax(-1)
        correct += (pred == lab).sum().item()
        count += lab.numel()
    return correct / count


def main():
    n_events = len(SENSOR_CFG["events"])
    train_ds = DeckVibrationWindows(96, SENSOR_CFG, seed=1)
    val_ds = DeckVibrationWindows(32, SENSOR_CFG, seed=2)
    train_dl = DataLoader(train_ds, batch_size=TRAIN_CFG["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=TRAIN_CFG["batch_size"])

    model = EventTagger(len(SENSOR_CFG["channels"]), TRAIN_CFG["hidden"], n_events)
    criterion = nn.CrossEntropyLoss(weight=event_weights(train_ds, n_events))
    optim = torch.optim.AdamW(model.parameters(), lr=TRAIN_CFG["lr"])

    for epoch in range(TRAIN_CFG["epochs"]):
        loss = run_epoch(model, train_dl, criterion, optim)
        acc = per_sample_accuracy(model, val_dl)
        print(f"epoch {epoch}: loss={loss:.4f} val_sample_acc={acc:.3f}")


if __name__ == "__main__":
    main()
