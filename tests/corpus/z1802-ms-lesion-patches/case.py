"""Multiple sclerosis: classify each FLAIR lesion as gadolinium-enhancing or not from a
3D patch (FLAIR + T1 post-contrast) centred on the lesion. Split by patient."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(3)
rng = np.random.default_rng(5)

D, H, W = 24, 48, 48
HALF = 6                      # patch is (2*HALF)^3 voxels


def synth_patient(n_lesions):
    """FLAIR / T1c volumes and an instance label map (0 = background, k = lesion k)."""
    flair = rng.normal(0.3, 0.05, size=(D, H, W)).astype(np.float32)
    t1c = rng.normal(0.4, 0.05, size=(D, H, W)).astype(np.float32)
    instances = np.zeros((D, H, W), dtype=np.int64)
    enhancing = []
    zz, yy, xx = np.mgrid[:D, :H, :W]
    for k in range(1, n_lesions + 1):
        c = rng.uniform([5, 8, 8], [D - 5, H - 8, W - 8])
        r = rng.uniform(1.5, 3.5)
        blob = (zz - c[0]) ** 2 + (yy - c[1]) ** 2 + (xx - c[2]) ** 2 <= r ** 2
        blob &= instances == 0
        if blob.sum() == 0:
            continue
        instances[blob] = k
        flair[blob] += 0.5
        is_enh = rng.random() < 0.4
        if is_enh:
            t1c[blob] += 0.6
        enhancing.append((k, float(is_enh)))
    return {"flair": torch.from_numpy(flair), "t1c": torch.from_numpy(t1c),
            "instances": torch.from_numpy(instances), "enhancing": enhancing}


def lesion_centroids(instances, lesion_ids):
    """Centre of mass of each lesion in voxel coordinates, rounded to the voxel grid."""
    centres = []
    for k in lesion_ids:
        vox = torch.nonzero(instances == k).float()
        centres.append(vox.mean(0).round())
    return torch.stack(centres)


class LesionPatchDataset(Dataset):
    def __init__(self, patients):
        self.patients = patients
        self.index = []
        lo = torch.tensor([HALF, HALF, HALF])
        hi = torch.tensor([D - HALF, H - HALF, W - HALF])
        for pi, pat in enumerate(patients):
            ids = [k for k, _ in pat["enhancing"]]
            labels = [lab for _, lab in pat["enhancing"]]
            centres = torch.maximum(torch.minimum(lesion_centroids(pat["instances"], ids), hi), lo)
            for centre, lab in zip(centres, labels):
                self.index.append((pi, centre, lab))

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        pi, centre, lab = self.index[i]
        pat = self.patients[pi]
        z, y, x = centre
        crop = (slice(z - HALF, z + HALF), slice(y - HALF, y + HALF), slice(x - HALF, x + HALF))
        patch = torch.stack([pat["flair"][crop], pat["t1c"][crop]])
        return patch, torch.tensor([lab])


class LesionNet3D(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv3d(2, 8, 3, padding=1), nn.InstanceNorm3d(8), nn.LeakyReLU(0.1),
            nn.MaxPool3d(2),
            nn.Conv3d(8, 16, 3, padding=1), nn.InstanceNorm3d(16), nn.LeakyReLU(0.1),
            nn.AdaptiveAvgPool3d(1), nn.Flatten(),
        )
        self.out = nn.Linear(16, 1)

    def forward(self, x):
        return self.out(self.body(x))


patients = [synth_patient(int(rng.integers(4, 8))) for _ in range(4)]
train_ds = LesionPatchDataset(patients[:3])
val_ds = LesionPatchDataset(patients[3:])
print(f"train lesions: {len(train_ds)}, val lesions: {len(val_ds)}")

model = LesionNet3D()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
bce = nn.BCEWithLogitsLoss()
train_dl = DataLoader(train_ds, batch_size=8, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=16)

for epoch in range(1):
    model.train()
    for patch, enh in train_dl:
        opt.zero_grad()
        loss = bce(model(patch), enh)
        loss.backward()
        opt.step()
    model.eval()
    hits = 0
    with torch.no_grad():
        for patch, enh in val_dl:
            hits += ((model(patch) > 0).float() == enh).sum().item()
    print(f"epoch {epoch}: last loss {loss.item():.4f}  val acc {hits / len(val_ds):.3f}")
