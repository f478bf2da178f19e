"""Multi-label classifier for soil lab reports.

Each sample has six lab measurements and may show several nutrient deficiencies
at once (nitrogen, phosphorus, potassium, sulfur, zinc). Rare deficiencies get
a larger positive weight in the loss.
"""
import torch
import torch.nn as nn

torch.manual_seed(11)

device = torch.device("meta")

DEFICIENCIES = ["nitrogen", "phosphorus", "potassium", "sulfur", "zinc"]

ROWS = [
    # ph, organic_matter, cec, moisture, clay_pct, ec -> deficiency flags
    ([6.1, 2.4, 14.0, 0.22, 18.0, 0.40], [1, 0, 0, 0, 0]),
    ([7.8, 1.1, 9.5, 0.15, 12.0, 0.85], [0, 1, 0, 0, 1]),
    ([5.4, 3.8, 21.0, 0.31, 30.0, 0.25], [0, 0, 1, 0, 0]),
    ([6.6, 1.9, 11.2, 0.19, 15.0, 0.55], [1, 1, 0, 0, 0]),
    ([8.1, 0.9, 8.0, 0.12, 10.0, 1.10], [0, 1, 0, 1, 1]),
    ([5.9, 2.7, 16.5, 0.27, 22.0, 0.33], [1, 0, 1, 0, 0]),
    ([7.2, 1.5, 10.0, 0.18, 14.0, 0.70], [0, 0, 0, 0, 1]),
    ([6.3, 2.2, 13.1, 0.24, 19.0, 0.45], [1, 0, 0, 0, 0]),
]


def class_balance(rows):
    labels = torch.tensor([flags for _, flags in rows], dtype=torch.float32)
    positives = labels.sum(0).clamp(min=1.0)
    negatives = labels.shape[0] - positives
    return torch.tensor((negatives / positives).tolist())


def make_batches(rows, batch_size):
    feats = torch.tensor([f for f, _ in rows], dtype=torch.float32)
    feats = (feats - feats.mean(0)) / feats.std(0)
    labels = torch.tensor([flags for _, flags in rows], dtype=torch.float32)
    for start in range(0, len(rows), batch_size):
        yield feats[start:start + batch_size], labels[start:start + batch_size]


class SoilNet(nn.Module):
    def __init__(self, n_in, n_out, hidden=32):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_in, hidden), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.head = nn.Linear(hidden, n_out)

    def forward(self, x):
        return self.head(self.body(x))


def main():
    pos_w = class_balance(ROWS)
    print("pos_weight per deficiency:", dict(zip(DEFICIENCIES, [round(w, 2) for w in pos_w.tolist()])))

    model = SoilNet(6, len(DEFICIENCIES)).to(device)
    criterion = nn.BCEWithLogitsLoss(pos_weight=pos_w.to(device))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)

    for epoch in range(3):
        model.train()
        for step, (x, y) in enumerate(make_batches(ROWS, batch_size=4)):
            x, y = x.to(device), y.to(device)
            logits = model(x)
            loss = criterion(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            print(f"epoch {epoch} step {step} logits {tuple(logits.shape)} loss {tuple(loss.shape)}")

    print("training finished on", device)


if __name__ == "__main__":
    main()
