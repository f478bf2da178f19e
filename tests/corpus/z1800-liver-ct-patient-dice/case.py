"""2D U-Net liver segmentation on abdominal CT slices, per-patient split,
per-patient Dice report on the held-out patients."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
rng = np.random.default_rng(7)

N_PATIENTS = 10
N_VAL = 3
SLICES = 4
H = W = 48


def synth_ct_patient(idx):
    """Simulated abdominal CT volume (HU) with an ellipsoid liver."""
    ct = rng.normal(40.0, 20.0, size=(SLICES, H, W)).astype(np.float32)
    liver = np.zeros((SLICES, H, W), dtype=np.int64)
    cy, cx = rng.integers(18, 30, size=2)
    ry, rx = rng.integers(9, 14, size=2)
    yy, xx = np.mgrid[:H, :W]
    for z in range(SLICES):
        s = 1.0 - abs(z - SLICES / 2) / SLICES
        inside = ((yy - cy) / (ry * s)) ** 2 + ((xx - cx) / (rx * s)) ** 2 <= 1.0
        ct[z][inside] += 70.0
        liver[z][inside] = 1
    return {"pid": f"LIV-{idx:03d}", "ct": ct, "liver": liver}


def window_hu(ct, lo=-100.0, hi=240.0):
    return np.clip((ct - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)


class AxialSlices(Dataset):
    def __init__(self, cases):
        self.items = []
        for case in cases:
            img = window_hu(case["ct"])
            for z in range(img.shape[0]):
                self.items.append((img[z], case["liver"][z]))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        img, seg = self.items[i]
        return torch.from_numpy(img)[None], torch.from_numpy(seg)


def conv_block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class TinyUNet(nn.Module):
    def __init__(self, n_classes=2, base=8):
        super().__init__()
        self.enc1 = conv_block(1, base)
        self.enc2 = conv_block(base, base * 2)
        self.bott = conv_block(base * 2, base * 4)
        self.up2 = nn.ConvTranspose2d(base * 4, base * 2, 2, stride=2)
        self.dec2 = conv_block(base * 4, base * 2)
        self.up1 = nn.ConvTranspose2d(base * 2, base, 2, stride=2)
        self.dec1 = conv_block(base * 2, base)
        self.head = nn.Conv2d(base, n_classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        b = self.bott(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], 1))
        return self.head(d1)


@torch.no_grad()
def dice_per_patient(model, cases, eps=1e-6):
    model.eval()
    scores = []
    for case in cases:
        img = torch.from_numpy(window_hu(case["ct"]))[:, None]
        pred = model(img).argmax(1).float()
        gt = torch.from_numpy(case["liver"]).float()
        inter = (pred * gt).sum()
        scores.append((2 * inter + eps) / (pred.sum() + gt.sum() + eps))
    return torch.stack(scores)


def summarize(cases, liver_dice, qc_threshold=0.8):
    lines, needs_review = [], []
    for i in range(len(cases)):
        pid = cases[i]["pid"]
        d = liver_dice[i].item()
        lines.append(f"  {pid}: dice={d:.3f}")
        if d < qc_threshold:
            needs_review.append(pid)
    print("\n".join(lines))
    print(f"mean dice {liver_dice.mean():.3f}; flagged for review: {needs_review}")


patients = [synth_ct_patient(i) for i in range(N_PATIENTS)]
perm = rng.permutation(N_PATIENTS)
train_cases = [patients[i] for i in perm[N_VAL:]]
val_cases = [patients[i] for i in perm[:N_VAL]]
print(f"train patients: {len(train_cases)}, val patients: {len(val_cases)}")

loader = DataLoader(AxialSlices(train_cases), batch_size=16, shuffle=True)
model = TinyUNet()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
ce = nn.CrossEntropyLoss(weight=torch.tensor([0.3, 1.0]))

for epoch in range(1):
    model.train()
    running = 0.0
    for img, seg in loader:
        opt.zero_grad()
        loss = ce(model(img), seg)
        loss.backward()
        opt.step()
        running += loss.item() * img.size(0)
    print(f"epoch {epoch}: train ce {running / len(loader.dataset):.4f}")

val_dice = dice_per_patient(model, val_cases)
summarize(patients, val_dice)
