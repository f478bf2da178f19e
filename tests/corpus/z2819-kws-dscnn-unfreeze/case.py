import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class Config:
    SR = 16000
    CLIP_SAMPLES = 16000
    FRAME = 480
    STRIDE = 160
    NFFT = 512
    NMELS = 40
    LABELS = ["_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right"]
    N_TRAIN = 320
    BATCH = 32
    HEAD_LR = 3e-3
    BACKBONE_LR = 3e-4
    UNFREEZE_AT = 25
    MAX_STEPS = 50
    SEED = 3


def tri_filters():
    hz = np.linspace(0, Config.SR / 2, Config.NFFT // 2 + 1)
    mel_edges = np.linspace(0, 2595 * np.log10(1 + (Config.SR / 2) / 700), Config.NMELS + 2)
    hz_edges = 700 * (10 ** (mel_edges / 2595) - 1)
    fb = np.zeros((Config.NMELS, hz.size), dtype=np.float32)
    for i in range(Config.NMELS):
        l, c, r = hz_edges[i:i + 3]
        fb[i] = np.maximum(0, np.minimum((hz - l) / (c - l), (r - hz) / (r - c)))
    return torch.from_numpy(fb)


def compute_logmel(waves, fb):
    win = torch.hann_window(Config.FRAME)
    frames = waves.unfold(-1, Config.FRAME, Config.STRIDE) * win
    mag = torch.fft.rfft(frames, n=Config.NFFT).abs()
    return torch.log1p(mag.pow(2) @ fb.T)


def make_dataset(n, rng):
    labels = rng.integers(0, len(Config.LABELS), size=n)
    t = np.arange(Config.CLIP_SAMPLES) / Config.SR
    waves = np.empty((n, Config.CLIP_SAMPLES), dtype=np.float32)
    for i, lab in enumerate(labels):
        if Config.LABELS[lab] == "_silence_":
            waves[i] = 0.02 * rng.standard_normal(t.size)
            continue
        onset = rng.uniform(0.1, 0.4)
        env = np.exp(-((t - onset - 0.25) ** 2) / 0.01)
        carrier = np.sin(2 * math.pi * (220 + 110 * lab) * t) + 0.5 * np.sin(2 * math.pi * (660 + 70 * lab) * t)
        waves[i] = env * carrier + 0.02 * rng.standard_normal(t.size)
    feats = compute_logmel(torch.from_numpy(waves), tri_filters())
    feats = (feats - feats.mean()) / feats.std()
    return TensorDataset(feats.unsqueeze(1), torch.from_numpy(labels).long())


def ds_block(cin, cout, stride):
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride=stride, padding=1, groups=cin, bias=False),
        nn.BatchNorm2d(cin),
        nn.ReLU(inplace=True),
        nn.Conv2d(cin, cout, 1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


def build_backbone(width=48):
    return nn.Sequential(
        nn.Conv2d(1, width, (10, 4), stride=(2, 2), padding=(5, 1), bias=False),
        nn.BatchNorm2d(width),
        nn.ReLU(inplace=True),
        ds_block(width, width, 1),
        ds_block(width, width, 2),
        ds_block(width, width, 1),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
    )


def build_head(width=48):
    return nn.Sequential(nn.Dropout(0.2), nn.Linear(width, len(Config.LABELS)))


class DSCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = build_backbone()
        self.head = build_head()

    def forward(self, x):
        return self.head(self.backbone(x))


def set_trainable(module, flag):
    for p in module.parameters():
        p.requires_grad_(flag)


def main():
    torch.manual_seed(Config.SEED)
    rng = np.random.default_rng(Config.SEED)
    loader = DataLoader(make_dataset(Config.N_TRAIN, rng), batch_size=Config.BATCH,
                        shuffle=True, drop_last=True)

    model = DSCNN()
    set_trainable(model.backbone, False)
    optimizer = torch.optim.Adam(model.parameters(), lr=Config.HEAD_LR)

    def train_step(x, y):
        optimizer.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        return loss.item(), (logits.argmax(1) == y).float().mean().item()

    step, epoch = 0, 0
    history = []
    while step < Config.MAX_STEPS:
        for x, y in loader:
            if step == Config.UNFREEZE_AT:
                set_trainable(model.backbone, True)
                optimizer.add_param_group({"params": model.backbone.parameters(),
                                           "lr": Config.BACKBONE_LR})
                print(f"step {step}: backbone unfrozen")
            loss, acc = train_step(x, y)
            history.append(loss)
            step += 1
            if step % 10 == 0:
                print(f"epoch {epoch} step {step} loss {np.mean(history[-10:]):.3f} acc {acc:.2f}")
            if step >= Config.MAX_STEPS:
                break
        epoch += 1
    print("final loss", round(float(np.mean(history[-10:])), 4))


if __name__ == "__main__":
    main()
