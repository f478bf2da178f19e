"""Shared transformer encoder over log-mel frames with three heads:
genre (single-label), instruments (multi-label) and tempo (regression)."""
import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(7)
random.seed(7)

N_MELS = 40
N_FRAMES = 50
GENRES = ["rock", "jazz", "classical", "hiphop", "electronic"]
INSTRUMENTS = ["guitar", "piano", "drums", "bass", "strings", "synth", "vocals"]


class MelClips(Dataset):
    """Random log-mel clips standing in for the cached feature files of one labelled subset."""

    def __init__(self, n_clips, task):
        self.task = task
        self.mels = torch.randn(n_clips, N_FRAMES, N_MELS)
        if task == "genre":
            self.targets = torch.randint(0, len(GENRES), (n_clips,))
        elif task == "instruments":
            self.targets = (torch.rand(n_clips, len(INSTRUMENTS)) > 0.6).float()
        else:
            self.targets = torch.empty(n_clips).uniform_(60, 180)

    @property
    def feature_dim(self):
        return self.mels.shape[-1]

    def __len__(self):
        return len(self.mels)

    def __getitem__(self, i):
        return {"mel": self.mels[i], "target": self.targets[i]}


@dataclass
class EncoderConfig:
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    dropout: float = 0.1


class FrameEncoder(nn.Module):
    def __init__(self, in_dim, cfg):
        super().__init__()
        self.proj = nn.Linear(in_dim, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 4 * cfg.d_model,
                                           cfg.dropout, batch_first=True)
        self.layers = nn.TransformerEncoder(layer, cfg.n_layers)
        pos = torch.arange(N_FRAMES).unsqueeze(1)
        div = torch.exp(torch.arange(0, cfg.d_model, 2) * (-math.log(10000.0) / cfg.d_model))
        pe = torch.zeros(N_FRAMES, cfg.d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, mel):
        x = self.proj(mel) + self.pe[: mel.size(1)]
        return self.layers(x).mean(dim=1)


def make_head(in_dim, out_dim):
    return nn.Sequential(nn.Linear(in_dim, in_dim), nn.GELU(), nn.Linear(in_dim, out_dim))


class MusicTagger(nn.Module):
    def __init__(self, feature_dim, head_dim, cfg):
        super().__init__()
        self.encoder = FrameEncoder(feature_dim, cfg)
        self.heads = nn.ModuleDict({
            "genre": make_head(head_dim, len(GENRES)),
            "instruments": make_head(head_dim, len(INSTRUMENTS)),
            "tempo": make_head(head_dim, 1),
        })

    def forward(self, mel, task):
        return self.heads[task](self.encoder(mel))


def compute_loss(task, out, target):
    if task == "genre":
        return F.cross_entropy(out, target)
    if task == "instruments":
        return F.binary_cross_entropy_with_logits(out, target)
    return F.smooth_l1_loss(out.squeeze(-1), (target - 120.0) / 30.0)


def mixed_task_iterator(loaders, n_steps):
    """Sample a task per step with probability proportional to sqrt(dataset size)."""
    names = list(loaders)
    weights = [math.sqrt(len(loaders[n].dataset)) for n in names]
    iters = {n: iter(loaders[n]) for n in names}
    for _ in range(n_steps):
        task = random.choices(names, weights=weights)[0]
        try:
            batch = next(iters[task])
        except StopIteration:
            iters[task] = iter(loaders[task])
            batch = next(iters[task])
        yield task, batch


def main():
    subsets = {"genre": MelClips(120, "genre"), "instruments": MelClips(64, "instruments"),
               "tempo": MelClips(40, "tempo")}
    loaders = {t: DataLoader(ds, batch_size=8, shuffle=True) for t, ds in subsets.items()}
    task_weights = {"genre": 1.0, "instruments": 1.0, "tempo": 0.3}

    cfg = EncoderConfig()
    feature_dim = subsets["genre"].feature_dim
    model = MusicTagger(feature_dim, head_dim=cfg.d_model, cfg=cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    model.train()
    for step, (task, batch) in enumerate(mixed_task_iterator(loaders, n_steps=30)):
        out = model(batch["mel"], task)
        loss = task_weights[task] * compute_loss(task, out, batch["target"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d} [{task:11s}] loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
