"""Adapting a frozen 1-D transformer encoder to ECG beat classification with
LoRA on the feed-forward projections, then folding the adapters back into the
base weights so the exported model is a plain nn.TransformerEncoder."""
import math
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

SAMPLE_RATE = 250
BEAT_LEN = 200          # samples per beat window
PATCH = 10              # samples per token
D_MODEL = 32
FF_DIM = 64
BEAT_CLASSES = ["normal", "pvc", "apc"]


def synth_beats(n_per_class=16):
    t = torch.linspace(0, BEAT_LEN / SAMPLE_RATE, BEAT_LEN)
    beats, labels = [], []
    for cls in range(len(BEAT_CLASSES)):
        for _ in range(n_per_class):
            width = 0.012 * (1 + cls) + 0.002 * torch.randn(1)
            center = 0.4 - 0.05 * cls + 0.01 * torch.randn(1)
            qrs = torch.exp(-((t - center) ** 2) / (2 * width ** 2))
            twave = 0.3 * torch.exp(-((t - center - 0.25) ** 2) / (2 * 0.04 ** 2))
            beats.append(qrs + twave + 0.05 * torch.randn(BEAT_LEN))
            labels.append(cls)
    return torch.stack(beats), torch.tensor(labels)


class LoRAProjection(nn.Module):
    def __init__(self, base: nn.Linear, rank=4, alpha=8, dropout=0.05):
        super().__init__()
        self.base = base
        self.down = nn.Parameter(torch.empty(base.in_features, rank))
        self.up = nn.Parameter(torch.zeros(rank, base.out_features))
        nn.init.kaiming_uniform_(self.down, a=math.sqrt(5))
        self.scale = alpha / rank
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return self.base(x) + (self.drop(x) @ self.down @ self.up) * self.scale


class BeatClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch_embed = nn.Linear(PATCH, D_MODEL)
        self.pos = nn.Parameter(torch.randn(1, BEAT_LEN // PATCH, D_MODEL) * 0.02)
        layer = nn.TransformerEncoderLayer(D_MODEL, nhead=4, dim_feedforward=FF_DIM,
                                           dropout=0.1, activation=F.silu, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(D_MODEL, len(BEAT_CLASSES))

    def forward(self, ecg):
        tokens = self.patch_embed(ecg.unfold(1, PATCH, PATCH)) + self.pos
        return self.head(self.encoder(tokens).mean(dim=1))


def add_adapters(model, rank=4):
    for p in model.parameters():
        p.requires_grad = False
    for blk in model.encoder.layers:
        blk.linear1 = LoRAProjection(blk.linear1, rank)
        blk.linear2 = LoRAProjection(blk.linear2, rank)
    for p in model.head.parameters():
        p.requires_grad = True


@torch.no_grad()
def merge_adapters(model):
    for blk in model.encoder.layers:
        for name in ("linear1", "linear2"):
            proj = getattr(blk, name)
            if isinstance(proj, LoRAProjection):
                delta = proj.down @ proj.up
                proj.base.weight += proj.scale * delta
                setattr(blk, name, proj.base)


def main():
    signals, labels = synth_beats()
    model = BeatClassifier()
    add_adapters(model, rank=4)
    trainable = [p for p in model.parameters() if p.requires_grad]
    print("trainable:", sum(p.numel() for p in trainable),
          "of", sum(p.numel() for p in model.parameters()))

    opt = torch.optim.AdamW(trainable, lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for epoch in range(8):
        perm = torch.randperm(len(signals))
        running = 0.0
        for i in range(0, len(perm), 12):
            idx = perm[i:i + 12]
            loss = loss_fn(model(signals[idx]), labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: {running:.3f}")

    model.eval()
    with torch.no_grad():
        before = model(signals)
    merge_adapters(model)
    with torch.no_grad():
        after = model(signals)
    print("max merge drift:", (before - after).abs().max().item())
    print("accuracy:", (after.argmax(-1) == labels).float().mean().item())
    out_path = os.path.join(tempfile.mkdtemp(), "ecg_beats_merged.pt")
    torch.save(model.state_dict(), out_path)
    print("saved", out_path)


if __name__ == "__main__":
    main()
