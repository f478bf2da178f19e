import csv
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import ViTConfig, ViTModel

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "manifest.csv")
IMG = 96
PATCH = 32
CLASSES = ["normal", "benign", "malignant"]
NO_LESION = "normal"


def write_manifest(path, n, rng):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["study_id", "view", "diagnosis"])
        for i in range(n):
            w.writerow([f"MG{i:04d}", rng.choice(["CC", "MLO"]), CLASSES[i % 3]])


def read_manifest(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def synth_mammogram(rng, diagnosis):
    yy, xx = np.mgrid[:IMG, :IMG]
    breast = (xx / IMG) ** 2 + ((yy - IMG / 2) / (IMG / 2)) ** 2 < 1.0
    img = np.where(breast, rng.normal(0.4, 0.08, (IMG, IMG)), 0.0).astype(np.float32)
    seg = np.zeros((IMG, IMG), dtype=np.uint8)
    if diagnosis != "normal":
        cy, cx = rng.integers(25, IMG - 25), rng.integers(10, 45)
        r = 5 if diagnosis == "benign" else 8
        blob = (yy - cy) ** 2 + (xx - cx) ** 2 < r ** 2
        if diagnosis == "malignant":
            blob &= rng.random((IMG, IMG)) > 0.2
        img[blob] += 0.35
        seg[blob] = CLASSES.index(diagnosis)
    return img, seg


def load_cohort(rows, rng):
    cohort = []
    for row in rows:
        img, seg = synth_mammogram(rng, row["diagnosis"])
        cohort.append({"id": row["study_id"], "img": img, "seg": seg,
                       "y": CLASSES.index(row["diagnosis"]), "dx": row["diagnosis"]})
    return cohort


def split_by_lesion(cohort):
    controls = [c for c in cohort if c["dx"] == NO_LESION]
    lesional = [c for c in cohort if c["dx"] != NO_LESION]
    return lesional, controls


def crop(img, cy, cx, size=PATCH):
    h = size // 2
    p = np.pad(img, h, mode="constant")
    return p[cy:cy + size, cx:cx + size]


def lesion_patch(case, rng):
    fg = np.argwhere(case["seg"] > 0)
    cy, cx = rng.choice(fg)
    return crop(case["img"], cy, cx)


def background_patch(case, rng):
    cy, cx = rng.integers(PATCH // 2, IMG - PATCH // 2, size=2)
    return crop(case["img"], cy, cx)


def make_batch(lesional, controls, rng, bs=8):
    xs, ys = [], []
    for _ in range(bs):
        if controls and rng.random() < 0.3:
            c = controls[rng.integers(len(controls))]
            xs.append(background_patch(c, rng))
        else:
            c = lesional[rng.integers(len(lesional))]
            xs.append(lesion_patch(c, rng))
        ys.append(c["y"])
    x = torch.from_numpy(np.stack(xs))[:, None].repeat(1, 3, 1, 1)
    return x, torch.tensor(ys)


class PatchClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = ViTConfig(image_size=PATCH, patch_size=8, num_channels=3, hidden_size=32,
                        num_hidden_layers=1, num_attention_heads=2, intermediate_size=64)
        self.vit = ViTModel(cfg, add_pooling_layer=False)
        self.fc = nn.Linear(cfg.hidden_size, len(CLASSES))

    def forward(self, pixel_values):
        h = self.vit(pixel_values=pixel_values).last_hidden_state
        return self.fc(h[:, 0])


def train(model, lesional, controls, rng, steps=10):
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    for s in range(steps):
        x, y = make_batch(lesional, controls, rng)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if s % 2 == 0:
            print(f"step {s:02d}  ce={loss.item():.3f}")


def main():
    rng = np.random.default_rng(2024)
    torch.manual_seed(2024)
    write_manifest(MANIFEST, 18, rng)
    rows = read_manifest(MANIFEST)
    cohort = load_cohort(rows, rng)
    lesional, controls = split_by_lesion(cohort)
    print(f"{len(lesional)} lesional studies, {len(controls)} controls")
    model = PatchClassifier()
    train(model, lesional, controls, rng)


if __name__ == "__main__":
    main()
