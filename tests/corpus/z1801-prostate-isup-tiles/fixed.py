"""Prostate biopsy tile classifier: predict the ISUP grade group of H&E tiles.
Synthetic RGB tiles, metadata table per biopsy core, split by patient."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(1)
rng = np.random.default_rng(11)

GRADE_GROUPS = [1, 2, 3, 4, 5]          # ISUP grade groups of the biopsy cores
TILE = 32
TILES_PER_CORE = 2


def make_cores(n_patients=16, cores_per_patient=3):
    """Metadata table: one row per biopsy core, with its pathologist-assigned grade group."""
    rows = []
    for p in range(n_patients):
        for c in range(cores_per_patient):
            rows.append({
                "patient": f"PR{p:03d}",
                "core": f"PR{p:03d}-C{c}",
                "grade_group": int(rng.choice(GRADE_GROUPS, p=[0.35, 0.25, 0.2, 0.1, 0.1])),
            })
    return rows


def render_tiles(grade_group, n):
    """Fake H&E: more glandular disorder (noise, hematoxylin) for higher grade groups."""
    base = np.array([0.85, 0.55, 0.75], dtype=np.float32)[:, None, None]
    tiles = []
    for _ in range(n):
        t = base + rng.normal(0.0, 0.03 * grade_group, size=(3, TILE, TILE)).astype(np.float32)
        t[2] -= 0.04 * grade_group
        tiles.append(np.clip(t, 0.0, 1.0))
    return tiles


class CoreTileDataset(Dataset):
    def __init__(self, cores, stain_mean, stain_std):
        self.samples = []
        for row in cores:
            for tile in render_tiles(row["grade_group"], TILES_PER_CORE):
                self.samples.append((tile, row["grade_group"]))
        self.mean = stain_mean
        self.std = stain_std

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        tile, grade_group = self.samples[i]
        x = (torch.from_numpy(tile) - self.mean) / self.std
        if torch.rand(()) < 0.5:
            x = x.flip(-1)
        return x, torch.tensor(grade_group - 1, dtype=torch.long)


class TileNet(nn.Module):
    def __init__(self, n_grades):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(64, n_grades))

    def forward(self, x):
        return self.classifier(self.features(x))


def split_by_patient(cores, val_frac=0.25):
    pids = sorted({r["patient"] for r in cores})
    rng.shuffle(pids)
    n_val = int(round(len(pids) * val_frac))
    val_p = set(pids[:n_val])
    return [r for r in cores if r["patient"] not in val_p], [r for r in cores if r["patient"] in val_p]


def stain_stats(cores):
    stack = np.stack([t for r in cores for t in render_tiles(r["grade_group"], 2)])
    return (torch.from_numpy(stack.mean(axis=(0, 2, 3)))[:, None, None],
            torch.from_numpy(stack.std(axis=(0, 2, 3)))[:, None, None])


cores = make_cores()
train_cores, val_cores = split_by_patient(cores)
mean, std = stain_stats(train_cores)
train_ds = CoreTileDataset(train_cores, mean, std)
val_ds = CoreTileDataset(val_cores, mean, std)
print(f"{len(train_cores)} train cores ({len(train_ds)} tiles), {len(val_cores)} val cores ({len(val_ds)} tiles)")

n_grades = len(GRADE_GROUPS)
model = TileNet(n_grades)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
train_dl = DataLoader(train_ds, batch_size=24, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=48)

for epoch in range(1):
    model.train()
    total, seen = 0.0, 0
    for tiles, grades in train_dl:
        opt.zero_grad()
        loss = criterion(model(tiles), grades)
        loss.backward()
        opt.step()
        total += loss.item() * tiles.size(0)
        seen += tiles.size(0)

    model.eval()
    correct = 0
    with torch.no_grad():
        for tiles, grades in val_dl:
            correct += (model(tiles).argmax(1) == grades).sum().item()
    print(f"epoch {epoch}: loss {total / seen:.4f}  val tile acc {correct / len(val_ds):.3f}")
