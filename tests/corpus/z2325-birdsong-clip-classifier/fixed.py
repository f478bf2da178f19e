"""Multi-species bird call classifier on variable-length log-mel clips.

Recordings from autonomous recording units (ARUs) are cut into clips of
different durations; we pad them in a collate_fn and use attention pooling
over time frames so that padded frames don't contribute.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
np.random.seed(0)

SPECIES = ["amro", "bcch", "noca", "sosp", "wbnu", "rwbl", "carw", "tuti"]
N_MELS = 40
FRAMES_PER_SEC = 25


class ARUClipDataset(Dataset):
    def __init__(self, n_clips=64, min_sec=1.0, max_sec=5.0):
        self.items = []
        for i in range(n_clips):
            dur = np.random.uniform(min_sec, max_sec)
            n_frames = int(dur * FRAMES_PER_SEC)
            label = np.random.randint(len(SPECIES))
            spec = np.random.randn(N_MELS, n_frames).astype(np.float32) * 0.5
            # fake a call: energy band whose position depends on the species
            band = 4 + label * 4
            spec[band:band + 3, n_frames // 4: 3 * n_frames // 4] += 2.0
            self.items.append((spec, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        spec, label = self.items[idx]
        return torch.from_numpy(spec), label


def pad_collate(batch):
    specs, labels = zip(*batch)
    lengths = [s.shape[1] for s in specs]
    T = max(lengths)
    x = torch.zeros(len(specs), N_MELS, T)
    pad_mask = torch.zeros(len(specs), T, dtype=torch.bool)
    for i, s in enumerate(specs):
        x[i, :, : s.shape[1]] = s
        pad_mask[i, s.shape[1]:] = True
    return x, pad_mask, torch.tensor(labels), torch.tensor(lengths)


class AttentionPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, h, pad_mask):
        # h: (B, T, D)
        scores = self.score(h).squeeze(-1)
        scores = scores.masked_fill(pad_mask, float("-inf"))
        w = torch.softmax(scores, dim=-1)
        return torch.einsum("bt,btd->bd", w, h)


class CallNet(nn.Module):
    def __init__(self, n_mels, n_classes, channels=64):
        super().__init__()
        self.frontend = nn.Sequential(
            nn.Conv1d(n_mels, channels, kernel_size=5, padding=2),
            nn.BatchNorm1d(channels),
            nn.GELU(),
            nn.Conv1d(channels, channels, kernel_size=3, padding=1),
            nn.BatchNorm1d(channels),
            nn.GELU(),
        )
        self.pool = AttentionPool(channels)
        self.classifier = nn.Linear(channels, n_classes)

    def forward(self, x, pad_mask):
        h = self.frontend(x).transpose(1, 2)
        z = self.pool(h, pad_mask)
        return self.classifier(z)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    tot_loss, correct, n = 0.0, 0, 0
    for x, pad_mask, y, lengths in loader:
        with torch.set_grad_enabled(training):
            logits = model(x, pad_mask)
            loss = F.cross_entropy(logits, y)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        tot_loss += loss.item() * y.numel()
        correct += (logits.argmax(-1) == y).sum().item()
        n += y.numel()
    return tot_loss / n, correct / n


def main():
    train_ds = ARUClipDataset(96)
    val_ds = ARUClipDataset(32)
    train_dl = DataLoader(train_ds, batch_size=16, shuffle=True, collate_fn=pad_collate)
    val_dl = DataLoader(val_ds, batch_size=16, collate_fn=pad_collate)

    model = CallNet(N_MELS, len(SPECIES))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    for epoch in range(4):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch} | train {tr_loss:.3f}/{tr_acc:.2f} | val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
