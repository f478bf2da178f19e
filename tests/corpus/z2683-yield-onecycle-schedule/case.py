"""Plot-level grain yield from UAV multispectral patches (B, G, R, RE, NIR).

Breeding-trial style setup: one 16x16 px orthomosaic chip per plot, yield in t/ha.
Backbones are looked up in a registry; the default is a tiny ViT with random init.
"""
import math
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, Subset
from transformers import ViTConfig, ViTModel

torch.manual_seed(3)
rs = np.random.RandomState(3)

BANDS = ["blue", "green", "red", "red_edge", "nir"]
CHIP = 16

SETTINGS = {
    "backbone": "vit_tiny",
    "n_plots": 200,
    "val_frac": 0.2,
    "batch_size": 24,
    "epochs": 4,
    "max_lr": 2e-3,
    "weight_decay": 1e-4,
}


def synth_trial(n_plots):
    chips = np.zeros((n_plots, len(BANDS), CHIP, CHIP), dtype=np.float32)
    yields = np.zeros(n_plots, dtype=np.float32)
    for p in range(n_plots):
        vigor = rs.uniform(0.2, 1.0)
        refl = np.array([0.04, 0.08, 0.05 - 0.03 * vigor, 0.2 + 0.1 * vigor, 0.3 + 0.35 * vigor])
        chips[p] = refl[:, None, None] + rs.normal(0, 0.01, size=(len(BANDS), CHIP, CHIP))
        yields[p] = 3.0 + 6.5 * vigor + rs.normal(0, 0.25)
    return chips, yields


class PlotChips(Dataset):
    def __init__(self, chips, yields, augment=False):
        self.chips = torch.from_numpy(chips)
        self.yields = torch.from_numpy(yields)
        self.augment = augment

    def __len__(self):
        return len(self.yields)

    def __getitem__(self, i):
        x = self.chips[i]
        if self.augment and torch.rand(()) < 0.5:
            x = x.flip(-1)
        return {"pixel_values": x, "target": self.yields[i]}


class YieldHead(nn.Module):
    def __init__(self, backbone, dim):
        super().__init__()
        self.backbone = backbone
        self.reg = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, 1))

    def forward(self, pixel_values):
        tokens = self.backbone(pixel_values=pixel_values).last_hidden_state
        return self.reg(tokens[:, 0]).squeeze(-1)


def vit_backbone(hidden=32, layers=1):
    cfg = ViTConfig(image_size=CHIP, patch_size=4, num_channels=len(BANDS), hidden_size=hidden,
                    num_hidden_layers=layers, num_attention_heads=2, intermediate_size=64)
    return YieldHead(ViTModel(cfg, add_pooling_layer=False), hidden)


BACKBONES = {
    "vit_tiny": partial(vit_backbone, hidden=32, layers=1),
    "vit_small": partial(vit_backbone, hidden=64, layers=2),
}

rmse = lambda pred, y: torch.sqrt(torch.mean((pred - y) ** 2)).item()


def split_indices(n, val_frac):
    perm = rs.permutation(n)
    n_val = int(round(n * val_frac))
    return perm[n_val:], perm[:n_val]


def train_one_epoch(model, loader, opt, sched, loss_fn):
    model.train()
    running = []
    for batch in loader:
        opt.zero_grad()
        loss = loss_fn(model(batch["pixel_values"]), batch["target"])
        loss.backward()
        opt.step()
        sched.step()
        running.append(loss.item())
    return float(np.mean(running))


@torch.no_grad()
def validate(model, loader):
    model.eval()
    preds, ys = zip(*[(model(b["pixel_values"]), b["target"]) for b in loader])
    return rmse(torch.cat(preds), torch.cat(ys))


def run(s):
    chips, yields = synth_trial(s["n_plots"])
    tr_idx, va_idx = split_indices(len(yields), s["val_frac"])
    train_ds = Subset(PlotChips(chips, yields, augment=True), tr_idx)
    val_ds = Subset(PlotChips(chips, yields), va_idx)
    train_dl = DataLoader(train_ds, batch_size=s["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=s["batch_size"])

    model = BACKBONES[s["backbone"]]()
    opt = torch.optim.AdamW(model.parameters(), lr=s["max_lr"], weight_decay=s["weight_decay"])
    steps_per_epoch = len(train_ds) // s["batch_size"]
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=s["max_lr"], epochs=s["epochs"],
                                                steps_per_epoch=steps_per_epoch, pct_start=0.3)
    loss_fn = nn.HuberLoss(delta=1.0)

    for ep in range(s["epochs"]):
        tr_loss = train_one_epoch(model, train_dl, opt, sched, loss_fn)
        va_rmse = validate(model, val_dl)
        print(f"ep {ep}  huber {tr_loss:.3f}  val RMSE {va_rmse:.3f} t/ha  lr {sched.get_last_lr()[0]:.2e}")
    return model


if __name__ == "__main__":
    print(f"{len(BANDS)}-band chips, {CHIP}x{CHIP}px, {math.ceil(SETTINGS['n_plots'] * (1 - SETTINGS['val_frac']))} train plots")
    run(SETTINGS)
