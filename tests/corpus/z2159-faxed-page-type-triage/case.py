"""Route incoming faxed/scanned pages to the right NLP pipeline.

Before OCR + de-identification, each rendered page is classified as a
discharge summary, lab report, medication list or consent form by a
small CNN, so only narrative pages go to the note-level models.
"""
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, random_split

HERE = os.path.dirname(os.path.abspath(__file__))
CFG = {
    "page_dir": os.path.join(HERE, "rendered_pages"),
    "page_hw": (128, 96),
    "n_pages": 96,
    "page_types": ["discharge_summary", "lab_report", "med_list", "consent_form"],
    "channels": [16, 32, 64],
    "batch_size": 8,
    "epochs": 2,
    "lr": 2e-3,
    "seed": 5,
}


def render_pages(cfg):
    """Fake page renders: RGB arrays, (H, W, 3), as the PDF rasteriser returns them."""
    os.makedirs(cfg["page_dir"], exist_ok=True)
    rng = np.random.default_rng(cfg["seed"])
    h, w = cfg["page_hw"]
    labels = []
    for i in range(cfg["n_pages"]):
        kind = int(rng.integers(len(cfg["page_types"])))
        page = np.full((h, w, 3), 245, dtype=np.uint8)
        if kind == 0:
            rows = range(10, h - 10, 4)
        elif kind == 1:
            rows = range(10, h - 10, 12)
            page[:, w // 2 - 1: w // 2 + 1] = 40
        elif kind == 2:
            rows = range(20, h // 2, 6)
        else:
            rows = range(h - 40, h - 10, 5)
            page[h - 20: h - 16, 10: w // 3, 2] = 30
        for r in rows:
            end = int(rng.integers(w // 2, w - 6))
            page[r: r + 2, 6:end] = rng.integers(0, 90)
        page = np.clip(page.astype(np.int16) + rng.integers(-12, 12, page.shape), 0, 255).astype(np.uint8)
        np.save(os.path.join(cfg["page_dir"], f"page_{i:04d}.npy"), page)
        labels.append(kind)
    np.save(os.path.join(cfg["page_dir"], "labels.npy"), np.array(labels))


class FaxPageDataset(Dataset):
    def __init__(self, page_dir):
        self.page_dir = page_dir
        self.labels = np.load(os.path.join(page_dir, "labels.npy"))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        page = np.load(os.path.join(self.page_dir, f"page_{i:04d}.npy"))
        img = torch.from_numpy(page).float().div(255.0)
        img = (img - 0.5) / 0.25
        return img, int(self.labels[i])


def build_page_cnn(cfg):
    layers, in_ch = [], 3
    for out_ch in cfg["channels"]:
        layers += [nn.Conv2d(in_ch, out_ch, 3, padding=1), nn.BatchNorm2d(out_ch),
                   nn.ReLU(inplace=True), nn.MaxPool2d(2)]
        in_ch = out_ch
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2),
               nn.Linear(in_ch, len(cfg["page_types"]))]
    return nn.Sequential(*layers)


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for imgs, y in loader:
            correct += (model(imgs).argmax(1) == y).sum().item()
            total += y.numel()
    return correct / max(total, 1)


def main(cfg=CFG):
    torch.manual_seed(cfg["seed"])
    render_pages(cfg)
    ds = FaxPageDataset(cfg["page_dir"])
    train_ds, val_ds = random_split(ds, [0.8, 0.2], generator=torch.Generator().manual_seed(cfg["seed"]))
    train_dl = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg["batch_size"])

    model = build_page_cnn(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    criterion = nn.CrossEntropyLoss()
    for epoch in range(cfg["epochs"]):
        model.train()
        for imgs, y in train_dl:
            loss = criterion(model(imgs), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: last loss {loss.item():.3f}  val acc {evaluate(model, val_dl):.2f}")


if __name__ == "__main__":
    main()
