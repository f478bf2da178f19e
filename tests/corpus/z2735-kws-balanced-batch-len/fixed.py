import time
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Sampler, TensorDataset

LABELS = ["hey_snips", "stop", "play", "pause", "next", "other"]
N_MELS, N_FRAMES = 32, 49


def synth_spectrograms(n, seed, label_probs):
    g = np.random.default_rng(seed)
    y = g.choice(len(LABELS), size=n, p=label_probs)
    x = g.normal(0, 1, size=(n, 1, N_MELS, N_FRAMES)).astype(np.float32)
    for i, lab in enumerate(y):
        band = slice(4 * lab, 4 * lab + 6)
        onset = g.integers(5, 25)
        x[i, 0, band, onset:onset + 15] += 2.5
    return torch.from_numpy(x), torch.from_numpy(y).long()


class BalancedKeywordBatchSampler(Sampler):
    def __init__(self, labels, batch_size, num_samples=None, seed=0):
        self.labels = labels.tolist()
        counts = Counter(self.labels)
        self.weights = torch.tensor([1.0 / counts[l] for l in self.labels])
        self.batch_size = batch_size
        self.num_samples = num_samples or len(self.labels)
        self.gen = torch.Generator().manual_seed(seed)

    def __iter__(self):
        idx = torch.multinomial(self.weights, self.num_samples, replacement=True, generator=self.gen)
        for b in range(self.num_samples // self.batch_size):
            yield idx[b * self.batch_size:(b + 1) * self.batch_size].tolist()

    def __len__(self):
        return self.num_samples // self.batch_size


class DSCNNKWS(nn.Module):
    def __init__(self, n_classes, width=32, lr=2e-3):
        super().__init__()
        self.lr = lr
        self.stem = nn.Sequential(nn.Conv2d(1, width, 3, stride=2, padding=1), nn.BatchNorm2d(width), nn.ReLU())
        blocks = []
        for _ in range(2):
            blocks += [nn.Conv2d(width, width, 3, padding=1, groups=width), nn.BatchNorm2d(width), nn.ReLU(),
                       nn.Conv2d(width, width, 1), nn.BatchNorm2d(width), nn.ReLU()]
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(width, n_classes)

    def forward(self, x):
        h = self.blocks(self.stem(x))
        return self.fc(h.mean(dim=(2, 3)))

    def training_step(self, batch, batch_idx):
        x, y = batch
        return F.cross_entropy(self(x), y, label_smoothing=0.05)

    def validation_step(self, batch, batch_idx):
        x, y = batch
        pred = self(x).argmax(1)
        return pred, y

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr, momentum=0.9, nesterov=True)


def make_loop(model, train_loader, val_loader):
    opt = model.configure_optimizers()
    n_batches = len(train_loader)
    log_every = max(1, n_batches // 4)

    def run_epoch(epoch):
        model.train()
        t0 = time.time()
        for i, batch in enumerate(train_loader):
            loss = model.training_step(batch, i)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if i % log_every == 0:
                print(f"[{epoch}] {i + 1}/{n_batches} loss={loss.item():.3f} ({time.time() - t0:.1f}s)")
        model.eval()
        preds, golds = [], []
        with torch.no_grad():
            for j, batch in enumerate(val_loader):
                p, y = model.validation_step(batch, j)
                preds.append(p)
                golds.append(y)
        preds, golds = torch.cat(preds), torch.cat(golds)
        per_class = {LABELS[c]: (preds[golds == c] == c).float().mean().item()
                     for c in range(len(LABELS)) if (golds == c).any()}
        print(f"[{epoch}] val acc={(preds == golds).float().mean():.3f}", per_class)

    return run_epoch


def main():
    torch.manual_seed(0)
    probs = [0.05, 0.1, 0.1, 0.1, 0.1, 0.55]
    x_tr, y_tr = synth_spectrograms(600, seed=1, label_probs=probs)
    x_va, y_va = synth_spectrograms(150, seed=2, label_probs=probs)
    train_loader = DataLoader(TensorDataset(x_tr, y_tr),
                              batch_sampler=BalancedKeywordBatchSampler(y_tr, batch_size=32, num_samples=500))
    val_loader = DataLoader(TensorDataset(x_va, y_va), batch_size=64)
    model = DSCNNKWS(len(LABELS))
    run_epoch = make_loop(model, train_loader, val_loader)
    for epoch in range(3):
        run_epoch(epoch)


if __name__ == "__main__":
    main()
