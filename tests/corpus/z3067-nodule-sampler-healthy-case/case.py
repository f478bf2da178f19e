import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import ViTConfig, ViTModel

SEED = 21
SLICE_HW = 96
PATCH_HW = 32
LUNG_LABEL = 1
NODULE_LABEL = 2
PATCHES_PER_CASE = 3


def synth_chest_slice(rng, n_nodules):
    img = rng.normal(-800.0, 60.0, size=(SLICE_HW, SLICE_HW)).astype(np.float32)
    lab = np.zeros((SLICE_HW, SLICE_HW), dtype=np.uint8)
    yy, xx = np.mgrid[:SLICE_HW, :SLICE_HW]
    for cx in (30, 66):
        lung = ((yy - 48) / 34.0) ** 2 + ((xx - cx) / 14.0) ** 2 <= 1.0
        lab[lung] = LUNG_LABEL
    img[lab == 0] = rng.normal(40.0, 20.0, size=int((lab == 0).sum()))
    malignant = []
    for _ in range(n_nodules):
        inside = np.argwhere(lab == LUNG_LABEL)
        cy, cx = inside[rng.integers(len(inside))]
        r = rng.integers(2, 6)
        blob = (yy - cy) ** 2 + (xx - cx) ** 2 <= r ** 2
        img[blob] = rng.normal(20.0, 15.0, size=int(blob.sum()))
        lab[blob] = NODULE_LABEL
        malignant.append(int(r >= 4))
    return img, lab, malignant


def build_series(rng, n_cases):
    series = []
    for k in range(n_cases):
        n_nod = int(rng.integers(0, 3))
        img, lab, mal = synth_chest_slice(rng, n_nod)
        series.append({"uid": f"1.2.840.{k}", "hu": img, "seg": lab,
                       "malignant": int(any(mal))})
    return series


def lung_window(hu):
    lo, hi = -1350.0, 150.0
    return ((np.clip(hu, lo, hi) - lo) / (hi - lo)).astype(np.float32)


def select_training_cases(series):
    return [s for s in series if s["seg"].max() > 0]


def nodule_centres(seg):
    return np.argwhere(seg == NODULE_LABEL)


def crop2d(img, cy, cx, size):
    half = size // 2
    padded = np.pad(img, half, mode="edge")
    return padded[cy:cy + size, cx:cx + size]


def sample_patches(case, rng, n):
    coords = nodule_centres(case["seg"])
    img = lung_window(case["hu"])
    picks = rng.choice(coords, size=n, replace=True)
    return [crop2d(img, int(cy), int(cx), PATCH_HW) for cy, cx in picks]


def make_batch(cases, rng):
    xs, ys = [], []
    for c in cases:
        for p in sample_patches(c, rng, PATCHES_PER_CASE):
            xs.append(p)
            ys.append(c["malignant"])
    x = torch.from_numpy(np.stack(xs))[:, None]
    return x, torch.tensor(ys)


class NoduleViT(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = ViTConfig(image_size=PATCH_HW, patch_size=8, num_channels=1, hidden_size=32,
                        num_hidden_layers=2, num_attention_heads=2, intermediate_size=64)
        self.backbone = ViTModel(cfg, add_pooling_layer=False)
        self.cls_head = nn.Linear(cfg.hidden_size, 2)

    def forward(self, x):
        h = self.backbone(pixel_values=x).last_hidden_state
        return self.cls_head(h[:, 0])


def train(model, cases, rng, steps=4):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for step in range(steps):
        x, y = make_batch(cases, rng)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: n={len(y)} loss={loss.item():.4f}")


def main():
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    series = build_series(rng, 8)
    print("nodules per case:", [int((s["seg"] == NODULE_LABEL).any()) for s in series])
    cases = select_training_cases(series)
    print(f"{len(cases)} cases selected for nodule patch sampling")
    model = NoduleViT()
    train(model, cases, rng)


if __name__ == "__main__":
    main()
