import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

N_FEATURES = 11
QUALITY_BANDS = ["poor", "fair", "good", "excellent"]


def make_cellar_records(n_bottles, seed=7):
    rnd = random.Random(seed)
    records = []
    for _ in range(n_bottles):
        chem = [rnd.gauss(0.0, 1.0) for _ in range(N_FEATURES)]
        score = chem[0] * 0.8 - chem[3] * 0.5 + chem[7] * 0.3 + rnd.gauss(0.0, 0.3)
        band = min(len(QUALITY_BANDS) - 1, max(0, int(score + 2)))
        records.append({
            "features": torch.tensor(chem, dtype=torch.float32),
            "label": int(band),
        })
    return records


class TastingPanel(nn.Module):
    def __init__(self, n_in, n_classes):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_in, 48), nn.ReLU(), nn.Dropout(0.1), nn.Linear(48, n_classes)
        )

    def forward(self, x):
        return self.body(x)


def main():
    torch.manual_seed(0)
    train_records = make_cellar_records(512)
    val_records = make_cellar_records(128, seed=11)
    train_loader = DataLoader(train_records, batch_size=32, shuffle=True)
    val_loader = DataLoader(val_records, batch_size=64)
    model = TastingPanel(N_FEATURES, len(QUALITY_BANDS))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(5):
        model.train()
        for batch in train_loader:
            opt.zero_grad()
            logits = model(batch["features"])
            loss = criterion(logits, batch["label"])
            loss.backward()
            opt.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for batch in val_loader:
                pred = model(batch["features"]).argmax(dim=1)
                correct += (pred == batch["label"]).sum().item()
        print(f"epoch {epoch} val acc {correct / len(val_records):.3f}")


if __name__ == "__main__":
    main()
