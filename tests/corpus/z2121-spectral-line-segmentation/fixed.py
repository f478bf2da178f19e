"""Per-pixel segmentation of 1-D galaxy spectra into continuum / emission / absorption / sky-residual.

A small dilated 1-D CNN extracts features along the wavelength axis, then a shared
linear head classifies each pixel.
"""
import math
import numpy as np
import torch
from torch import nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
rng = np.random.default_rng(11)

N_PIX = 512
WAVE = np.linspace(3800.0, 9200.0, N_PIX)
PIXEL_CLASSES = ["continuum", "emission", "absorption", "sky"]
REST_EMISSION = [3727.0, 4861.3, 5006.8, 6562.8, 6583.4]
REST_ABSORPTION = [3933.7, 3968.5, 5175.0, 5893.0]
SKY_LINES = [5577.3, 6300.3, 8399.2, 8827.1]


def paint_line(flux, mask, center, amp, sigma, cls):
    prof = amp * np.exp(-0.5 * ((WAVE - center) / sigma) ** 2)
    flux += prof
    mask[np.abs(WAVE - center) < 2.5 * sigma] = cls


class MockSpectra(Dataset):
    def __init__(self, n_spec):
        self.flux, self.pix_labels, self.z = [], [], []
        for _ in range(n_spec):
            z = rng.uniform(0.0, 0.35)
            cont = 1.0 + 0.3 * (WAVE / 6000.0) ** rng.uniform(-1.5, 1.0)
            flux = cont.copy()
            lab = np.zeros(N_PIX, dtype=np.int64)
            for lam in REST_ABSORPTION:
                paint_line(flux, lab, lam * (1 + z), -rng.uniform(0.1, 0.4), 6.0, 2)
            for lam in REST_EMISSION:
                paint_line(flux, lab, lam * (1 + z), rng.uniform(0.3, 2.0), 4.0, 1)
            for lam in SKY_LINES:
                paint_line(flux, lab, lam, rng.uniform(0.2, 0.8), 3.0, 3)
            flux += rng.normal(0, 0.05, N_PIX)
            flux = (flux - np.median(flux)) / (np.std(flux) + 1e-6)
            self.flux.append(flux.astype(np.float32))
            self.pix_labels.append(lab)
            self.z.append(z)

    def __len__(self):
        return len(self.flux)

    def __getitem__(self, i):
        return torch.from_numpy(self.flux[i]).unsqueeze(0), torch.from_numpy(self.pix_labels[i])


class DilatedSpecNet(nn.Module):
    def __init__(self, width=24, n_classes=4):
        super().__init__()
        layers, c_in = [], 1
        for dil in (1, 2, 4, 8):
            layers += [nn.Conv1d(c_in, width, kernel_size=5, padding=2 * dil, dilation=dil), nn.GELU()]
            c_in = width
        self.features = nn.Sequential(*layers)
        self.pixel_head = nn.Linear(width, n_classes)

    def forward(self, spec):
        feats = self.features(spec)
        feats = feats.transpose(1, 2)
        return self.pixel_head(feats)


train_set = MockSpectra(96)
val_set = MockSpectra(24)
train_loader = DataLoader(train_set, batch_size=16, shuffle=True)
val_loader = DataLoader(val_set, batch_size=24)

counts = np.bincount(np.concatenate(train_set.pix_labels), minlength=len(PIXEL_CLASSES))
class_weight = torch.tensor(counts.sum() / (len(counts) * np.maximum(counts, 1)), dtype=torch.float32)
print("pixel class counts:", dict(zip(PIXEL_CLASSES, counts.tolist())))

net = DilatedSpecNet(n_classes=len(PIXEL_CLASSES))
criterion = nn.CrossEntropyLoss(weight=class_weight)
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4 * math.ceil(len(train_set) / 16))

for epoch in range(4):
    net.train()
    tot = 0.0
    for spec, line_mask in train_loader:
        pixel_logits = net(spec)
        loss = criterion(pixel_logits.permute(0, 2, 1), line_mask)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        tot += loss.item() * spec.shape[0]
    print(f"epoch {epoch}  loss {tot / len(train_set):.4f}")

net.eval()
with torch.no_grad():
    spec, line_mask = next(iter(val_loader))
    pred = net(spec).argmax(-1)
for k, name in enumerate(PIXEL_CLASSES):
    sel = line_mask == k
    recall = (pred[sel] == k).float().mean().item() if sel.any() else float("nan")
    print(f"{name:>11s}: pixel recall {recall:.3f}  (n={int(sel.sum())})")
