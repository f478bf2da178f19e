import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

IMG_SIZE = 64
BEDROOM_CLASSES = ["studio", "1br", "2br", "3br+"]
MISSING_PLAN_RATE = 0.12
BATCH_SIZE = 16
EPOCHS = 2
SEED = 3


def draw_floorplan(n_bedrooms, rng):
    img = np.ones((IMG_SIZE, IMG_SIZE), dtype=np.float32)
    img[2:-2, 2] = img[2:-2, -3] = 0.0
    img[2, 2:-2] = img[-3, 2:-2] = 0.0
    n_rooms = n_bedrooms + rng.integers(1, 3)
    cuts = np.sort(rng.choice(np.arange(10, IMG_SIZE - 10), size=n_rooms, replace=False))
    for c in cuts:
        if rng.random() < 0.5:
            img[c, 2:-2] = 0.0
            door = rng.integers(6, IMG_SIZE - 12)
            img[c, door:door + 6] = 1.0
        else:
            img[2:-2, c] = 0.0
            door = rng.integers(6, IMG_SIZE - 12)
            img[door:door + 6, c] = 1.0
    for _ in range(n_bedrooms):
        y, x = rng.integers(6, IMG_SIZE - 14, size=2)
        img[y:y + 8, x:x + 5] = 0.55
    img += rng.normal(0, 0.05, img.shape).astype(np.float32)
    return np.clip(img, 0.0, 1.0)


def build_listing_table(n, rng):
    listings = []
    for i in range(n):
        beds = int(rng.choice(4, p=[0.15, 0.35, 0.3, 0.2]))
        has_plan = rng.random() > MISSING_PLAN_RATE
        listings.append({
            "listing_id": f"MLS-{400000 + i}",
            "bedrooms": beds,
            "floorplan": draw_floorplan(beds, rng) if has_plan else None,
        })
    return listings


class FloorplanDataset(Dataset):
    def __init__(self, listings, augment=False):
        self.listings = listings
        self.augment = augment

    def __len__(self):
        return len(self.listings)

    def __getitem__(self, idx):
        rec = self.listings[idx]
        plan = rec["floorplan"]
        image = None
        if plan is not None:
            image = torch.from_numpy(plan).unsqueeze(0)
            if self.augment and torch.rand(()) < 0.5:
                image = torch.flip(image, dims=[2])
            if self.augment and torch.rand(()) < 0.5:
                image = torch.rot90(image, k=1, dims=[1, 2])
        return {"listing_id": rec["listing_id"], "image": image, "label": rec["bedrooms"]}


def floorplan_collate(batch):
    images = [b["image"] for b in batch if b["image"] is not None]
    labels = torch.tensor([b["label"] for b in batch], dtype=torch.long)
    ids = [b["listing_id"] for b in batch]
    return {"images": torch.stack(images), "labels": labels, "listing_ids": ids}


class PlanCNN(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Linear(32, n_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def train_one_epoch(model, loader, optimizer):
    model.train()
    seen, correct, total_loss = 0, 0, 0.0
    for step, batch in enumerate(loader):
        logits = model(batch["images"])
        loss = F.cross_entropy(logits, batch["labels"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(batch["labels"])
        correct += (logits.argmax(1) == batch["labels"]).sum().item()
        seen += len(batch["labels"])
        if step % 10 == 0:
            print(f"  step {step:3d}  loss {loss.item():.4f}")
    return total_loss / seen, correct / seen


def main():
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    listings = build_listing_table(320, rng)
    n_missing = sum(l["floorplan"] is None for l in listings)
    print(f"{len(listings)} listings, {n_missing} without a floor plan")

    cut = int(0.8 * len(listings))
    train_dl = DataLoader(FloorplanDataset(listings[:cut], augment=True), batch_size=BATCH_SIZE,
                          shuffle=True, collate_fn=floorplan_collate)

    model = PlanCNN(len(BEDROOM_CLASSES))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(EPOCHS):
        loss, acc = train_one_epoch(model, train_dl, optimizer)
        print(f"epoch {epoch}: loss {loss:.4f} acc {acc:.3f}")


if __name__ == "__main__":
    main()
