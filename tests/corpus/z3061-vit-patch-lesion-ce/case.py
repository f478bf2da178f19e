from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import ViTConfig, ViTModel


@dataclass
class Cfg:
    img_size: int = 32
    patch: int = 8
    n_classes: int = 3
    hidden: int = 32
    batch: int = 4
    n_slices: int = 48
    steps: int = 6
    lr: float = 5e-4
    class_names: list = field(default_factory=lambda: ["parenchyma", "nodule", "calcification"])


def synth_ct_slice(rng, size):
    hu = rng.normal(-700, 60, size=(size, size)).astype(np.float32)
    lab = np.zeros((size, size), dtype=np.int64)
    yy, xx = np.mgrid[:size, :size]
    for _ in range(rng.integers(1, 3)):
        cy, cx = rng.integers(6, size - 6, size=2)
        r = rng.integers(3, 7)
        blob = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
        hu[blob] = rng.normal(20, 15, size=blob.sum())
        lab[blob] = 1
        if rng.random() < 0.4:
            calc = (yy - cy) ** 2 + (xx - cx) ** 2 <= (r // 2) ** 2
            hu[calc] = rng.normal(400, 40, size=calc.sum())
            lab[calc] = 2
    return hu, lab


def window_hu(hu, center=-600, width=1500):
    lo, hi = center - width / 2, center + width / 2
    return (np.clip(hu, lo, hi) - lo) / (hi - lo)


def patch_majority_labels(lab, p):
    h, w = lab.shape
    blocks = lab.reshape(h // p, p, w // p, p).transpose(0, 2, 1, 3).reshape(-1, p * p)
    out = []
    for b in blocks:
        fg = b[b > 0]
        if fg.size >= (p * p) // 8:
            out.append(np.bincount(fg).argmax())
        else:
            out.append(0)
    return np.array(out, dtype=np.int64)


def build_dataset(cfg, rng):
    imgs, tgts = [], []
    for _ in range(cfg.n_slices):
        hu, lab = synth_ct_slice(rng, cfg.img_size)
        imgs.append(window_hu(hu)[None])
        tgts.append(patch_majority_labels(lab, cfg.patch))
    return np.stack(imgs).astype(np.float32), np.stack(tgts)


def batches(x, y, bs, rng):
    idx = rng.permutation(len(x))
    for i in range(0, len(idx) - bs + 1, bs):
        j = idx[i:i + bs]
        yield {"pixel_values": torch.from_numpy(x[j]), "patch_labels": torch.from_numpy(y[j])}


class PatchTokenClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        vcfg = ViTConfig(
            image_size=cfg.img_size, patch_size=cfg.patch, num_channels=1,
            hidden_size=cfg.hidden, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=64, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
        )
        self.encoder = ViTModel(vcfg, add_pooling_layer=False)
        self.norm = nn.LayerNorm(cfg.hidden)
        self.head = nn.Linear(cfg.hidden, cfg.n_classes)

    def forward(self, pixel_values):
        h = self.encoder(pixel_values=pixel_values).last_hidden_state
        tokens = self.norm(h[:, 1:, :])
        logits = self.head(tokens)
        return logits


def class_weights(y, n):
    counts = np.bincount(y.ravel(), minlength=n).astype(np.float32)
    w = counts.sum() / (n * np.maximum(counts, 1))
    return torch.tensor(w / w.mean())


def patch_accuracy(logits, target):
    pred = logits.argmax(-1)
    return (pred == target).float().mean().item()


def run(cfg):
    torch.manual_seed(0)
    rng = np.random.default_rng(11)
    x, y = build_dataset(cfg, rng)
    print("images", x.shape, "patch labels", y.shape, "hist", np.bincount(y.ravel(), minlength=cfg.n_classes))
    weights = class_weights(y, cfg.n_classes)
    model = PatchTokenClassifier(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    step = 0
    while step < cfg.steps:
        for batch in batches(x, y, cfg.batch, rng):
            logits = model(batch["pixel_values"])
            loss = F.cross_entropy(logits, batch["patch_labels"], weight=weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            acc = patch_accuracy(logits.detach(), batch["patch_labels"])
            print(f"step {step:02d} loss {loss.item():.4f} acc {acc:.3f}")
            step += 1
            if step >= cfg.steps:
                break


if __name__ == "__main__":
    run(Cfg())
