"""Multi-label genre/mood tagging on log-mel crops with a short-chunk CNN."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

TAGS = ["rock", "jazz", "electronic", "hiphop", "classical",
        "folk", "metal", "ambient", "vocal", "instrumental"]

CFG = {
    "sr": 16000,
    "hop_length": 256,
    "n_mels": 64,
    "crop_seconds": 3.0,
    "batch_size": 8,
    "lr": 1e-3,
    "epochs": 2,
    "n_tracks": 64,
    "min_dur": 2.0,
    "max_dur": 12.0,
    "seed": 7,
}


def seconds_to_frames(sec, sr, hop):
    return int(math.ceil(sec * sr / hop))


def synth_catalogue(cfg, rng):
    """Fake log-mel spectrograms of variable-length previews plus multi-hot tags."""
    mels, tags = [], []
    for _ in range(cfg["n_tracks"]):
        dur = rng.uniform(cfg["min_dur"], cfg["max_dur"])
        n_frames = seconds_to_frames(dur, cfg["sr"], cfg["hop_length"])
        y = np.zeros(len(TAGS), dtype=np.float32)
        y[rng.choice(len(TAGS), size=rng.integers(1, 4), replace=False)] = 1.0
        # each tag leaves a spectral "fingerprint" in a band of mel bins
        base = rng.normal(-4.0, 1.0, size=(cfg["n_mels"], n_frames))
        for t in np.flatnonzero(y):
            lo = (t * cfg["n_mels"]) // len(TAGS)
            base[lo:lo + 6] += 2.5
        mels.append(base.astype(np.float32))
        tags.append(y)
    return mels, np.stack(tags)


class MelCropDataset(Dataset):
    def __init__(self, mels, tags, crop_frames, train=True):
        self.mels = mels
        self.tags = tags
        self.crop_frames = crop_frames
        self.train = train

    def __len__(self):
        return len(self.mels)

    def __getitem__(self, idx):
        mel = self.mels[idx]
        n_frames = mel.shape[1]
        if n_frames > self.crop_frames:
            if self.train:
                start = random.randint(0, n_frames - self.crop_frames)
            else:
                start = (n_frames - self.crop_frames) // 2
            mel = mel[:, start:start + self.crop_frames]
        elif n_frames < self.crop_frames:
            mel = np.pad(mel, ((0, 0), (0, self.crop_frames - n_frames)),
                         constant_values=mel.min())
        x = torch.from_numpy(np.ascontiguousarray(mel)).unsqueeze(0)
        return x, torch.from_numpy(self.tags[idx])


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)


class ShortChunkCNN(nn.Module):
    def __init__(self, n_tags, channels=(16, 32, 32, 64)):
        super().__init__()
        chans = (1,) + tuple(channels)
        self.blocks = nn.Sequential(*[ConvBlock(a, b) for a, b in zip(chans[:-1], chans[1:])])
        self.head = nn.Sequential(nn.Linear(channels[-1], 64), nn.ReLU(), nn.Dropout(0.3),
                                  nn.Linear(64, n_tags))

    def forward(self, x):
        h = self.blocks(x)                 # (B, C, F', T')
        h = h.amax(dim=2).amax(dim=2)      # global max pool over freq and time
        return self.head(h)


def roc_auc_per_tag(scores, targets):
    aucs = []
    for k in range(targets.shape[1]):
        pos, neg = scores[targets[:, k] == 1, k], scores[targets[:, k] == 0, k]
        if len(pos) == 0 or len(neg) == 0:
            continue
        aucs.append((pos[:, None] > neg[None, :]).mean())
    return float(np.mean(aucs)) if aucs else float("nan")


def main():
    rng = np.random.default_rng(CFG["seed"])
    random.seed(CFG["seed"])
    torch.manual_seed(CFG["seed"])

    mels, tags = synth_catalogue(CFG, rng)
    crop_frames = seconds_to_frames(CFG["crop_seconds"], CFG["sr"], CFG["hop_length"])
    split = int(0.75 * len(mels))
    train_ds = MelCropDataset(mels[:split], tags[:split], crop_frames, train=True)
    val_ds = MelCropDataset(mels[split:], tags[split:], crop_frames, train=False)
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"])

    model = ShortChunkCNN(len(TAGS))
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    criterion = nn.BCEWithLogitsLoss()

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for step, (x, y) in enumerate(train_dl):
            logits = model(x)
            loss = criterion(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        model.eval()
        all_scores, all_y = [], []
        with torch.no_grad():
            for x, y in val_dl:
                all_scores.append(torch.sigmoid(model(x)).numpy())
                all_y.append(y.numpy())
        auc = roc_auc_per_tag(np.concatenate(all_scores), np.concatenate(all_y))
        print(f"epoch {epoch} train_loss {running / (step + 1):.4f} val_roc_auc {auc:.3f}")


if __name__ == "__main__":
    main()
