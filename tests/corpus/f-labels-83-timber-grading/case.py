"""Predict sawmill board grade (1 = select, 2 = common, 3 = utility) from scanner measurements."""
import random

import torch
from torch import nn
from torch.utils.data import DataLoader

torch.manual_seed(0)
random.seed(0)

FEATURES = ["knots_per_m", "wane_mm", "split_mm", "moisture_pct", "slope_of_grain"]


def scan_boards(n):
    rows = []
    for i in range(n):
        grade = 1 + i % 3
        knots = random.uniform(0, 2) + 2.5 * (grade - 1)
        rows.append({
            "board_id": f"B{i:04d}",
            "knots_per_m": knots,
            "wane_mm": random.uniform(0, 4) * grade,
            "split_mm": random.uniform(0, 10) * (grade - 1),
            "moisture_pct": random.uniform(12, 19),
            "slope_of_grain": random.uniform(0.02, 0.08) * grade,
            "grade": grade,
        })
    random.shuffle(rows)
    return rows


def standardise(rows):
    stats = {}
    for f in FEATURES:
        vals = torch.tensor([r[f] for r in rows])
        stats[f] = (vals.mean().item(), vals.std().item())
    return stats


def make_collate(stats):
    def collate(rows):
        out = {}
        out["x"] = torch.tensor(
            [[(r[f] - stats[f][0]) / stats[f][1] for f in FEATURES] for r in rows],
            dtype=torch.float32,
        )
        out["labels"] = torch.tensor([r["grade"] for r in rows])
        out["ids"] = [r["board_id"] for r in rows]
        return out
    return collate


class GradeHead(nn.Module):
    def __init__(self, n_in, n_grades=3):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, 16), nn.ReLU(), nn.Linear(16, n_grades))

    def forward(self, x):
        return self.net(x)


def main():
    rows = scan_boards(60)
    stats = standardise(rows)
    loader = DataLoader(rows, batch_size=8, shuffle=True, collate_fn=make_collate(stats))
    model = GradeHead(len(FEATURES))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    print(f"{len(rows)} boards scanned, {len(FEATURES)} features")

    for epoch in range(5):
        total, correct = 0.0, 0
        for batch in loader:
            logits = model(batch["x"])
            loss = loss_fn(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["ids"])
            correct += (logits.argmax(-1) == batch["labels"]).sum().item()
        print(f"epoch {epoch}: loss {total / len(rows):.3f} acc {correct / len(rows):.2f}")


if __name__ == "__main__":
    main()
