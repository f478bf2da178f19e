"""Slice-level intracranial hemorrhage subtype classification on head CT.

Each study is a stack of axial slices; a shared 2D encoder embeds every slice,
a bidirectional GRU adds context from neighbouring slices, and a linear head
predicts one of the subtypes (or "none") for every slice.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SUBTYPES = ["none", "epidural", "subdural", "subarachnoid", "intraparenchymal"]
N_SLICES = 12
SLICE_HW = 32
rng = np.random.default_rng(7)


def make_fake_studies(n_patients, studies_per_patient=2):
    """Synthetic CT stacks in HU with a bright blob on hemorrhage slices."""
    studies = []
    for pid in range(n_patients):
        for s in range(studies_per_patient):
            vol = rng.normal(35.0, 10.0, size=(N_SLICES, SLICE_HW, SLICE_HW)).astype(np.float32)
            labels = np.zeros(N_SLICES, dtype=np.int64)
            if rng.random() < 0.6:
                kind = int(rng.integers(1, len(SUBTYPES)))
                start = int(rng.integers(0, N_SLICES - 4))
                for z in range(start, start + int(rng.integers(2, 5))):
                    cy, cx = rng.integers(8, SLICE_HW - 8, size=2)
                    vol[z, cy - 3:cy + 3, cx - 3:cx + 3] += 40.0
                    labels[z] = kind
            studies.append({"patient": f"P{pid:03d}", "volume": vol, "labels": labels})
    return studies


def brain_window(vol, center=40.0, width=80.0):
    lo, hi = center - width / 2, center + width / 2
    return (np.clip(vol, lo, hi) - lo) / (hi - lo)


class HeadCTStudies(Dataset):
    def __init__(self, studies):
        self.studies = studies

    def __len__(self):
        return len(self.studies)

    def __getitem__(self, idx):
        st = self.studies[idx]
        vol = torch.from_numpy(brain_window(st["volume"])).unsqueeze(1)  # (S, 1, H, W)
        return vol, torch.from_numpy(st["labels"])


class SliceEncoder(nn.Module):
    def __init__(self, dim=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, dim, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )

    def forward(self, x):
        return self.net(x).flatten(1)


class StudyClassifier(nn.Module):
    def __init__(self, n_classes, dim=64):
        super().__init__()
        self.encoder = SliceEncoder(dim)
        self.context = nn.GRU(dim, dim // 2, batch_first=True, bidirectional=True)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, stacks):
        b, s = stacks.shape[:2]
        feats = self.encoder(stacks.flatten(0, 1)).view(b, s, -1)
        ctx, _ = self.context(feats)
        return self.head(ctx)


def split_by_patient(studies, val_frac=0.25):
    patients = sorted({st["patient"] for st in studies})
    rng.shuffle(patients)
    n_val = max(1, int(len(patients) * val_frac))
    val_p = set(patients[:n_val])
    return ([st for st in studies if st["patient"] not in val_p],
            [st for st in studies if st["patient"] in val_p])


def main():
    torch.manual_seed(0)
    studies = make_fake_studies(n_patients=10)
    train_st, val_st = split_by_patient(studies)
    train_dl = DataLoader(HeadCTStudies(train_st), batch_size=4, shuffle=True)
    val_dl = DataLoader(HeadCTStudies(val_st), batch_size=4)

    model = StudyClassifier(n_classes=len(SUBTYPES))
    class_weights = torch.tensor([0.2, 1.0, 1.0, 1.0, 1.0])
    criterion = nn.CrossEntropyLoss(weight=class_weights)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)

    for epoch in range(1):
        model.train()
        running = 0.0
        for stacks, slice_labels in train_dl:
            slice_logits = model(stacks)
            loss = criterion(slice_logits.permute(0, 2, 1), slice_labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item() * stacks.size(0)

        model.eval()
        correct, total = 0, 0
        with torch.no_grad():
            for stacks, slice_labels in val_dl:
                pred = model(stacks).argmax(-1)
                correct += (pred == slice_labels).sum().item()
                total += slice_labels.numel()
        print(f"epoch {epoch}: train loss {running / len(train_st):.4f} "
              f"val slice acc {correct / max(total, 1):.3f}")


if __name__ == "__main__":
    main()
