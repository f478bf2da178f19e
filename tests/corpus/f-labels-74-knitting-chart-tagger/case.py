import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(1)
random.seed(1)

STITCHES = ["k", "p", "yo", "k2tog", "ssk", "sl1", "m1", "bo"]
ROLES = ["plain", "increase", "decrease", "edge", "lace"]
STITCH_ROLE = {"k": 0, "p": 0, "yo": 4, "k2tog": 2, "ssk": 2, "sl1": 3, "m1": 1, "bo": 3}
ROW_LEN = 12


def make_rows(n):
    xs, ys = [], []
    for _ in range(n):
        row = [random.choice(STITCHES) for _ in range(ROW_LEN)]
        xs.append([STITCHES.index(s) for s in row])
        ys.append([STITCH_ROLE[s] for s in row])
    return torch.tensor(xs), torch.tensor(ys)


class StitchTagger(nn.Module):
    def __init__(self, n_stitches, n_tags, dim=24):
        super().__init__()
        self.embed = nn.Embedding(n_stitches, dim)
        self.gru = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * dim, n_tags)

    def forward(self, x):
        h, _ = self.gru(self.embed(x))
        return self.head(h)


class ChartTrainer:
    def __init__(self, model, train_loader, val_loader, lr=1e-2):
        self.model = model
        self.train_loader = train_loader
        self.val_loader = val_loader
        self.criterion = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    def train_epoch(self):
        self.model.train()
        running = 0.0
        for x, y in self.train_loader:
            out = self.model(x)
            loss = self.criterion(out, y)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            running += loss.item()
        return running / len(self.train_loader)

    @torch.no_grad()
    def validate(self):
        self.model.eval()
        total, correct, seen = 0.0, 0, 0
        for x, y in self.val_loader:
            out = self.model(x)
            total += self.criterion(out, y).item()
            correct += (out.argmax(-1) == y).sum().item()
            seen += y.numel()
        return total / len(self.val_loader), correct / seen


def main():
    train_x, train_y = make_rows(48)
    val_x, val_y = make_rows(40)
    train_loader = DataLoader(TensorDataset(train_x, train_y), batch_size=16, shuffle=True)
    val_loader = DataLoader(TensorDataset(val_x, val_y), batch_size=20)
    print(f"train rows: {len(train_x)}, val rows: {len(val_x)}, stitches per row: {ROW_LEN}")

    trainer = ChartTrainer(StitchTagger(len(STITCHES), len(ROLES)), train_loader, val_loader)
    for epoch in range(1):
        train_loss = trainer.train_epoch()
        val_loss, val_acc = trainer.validate()
        print(f"epoch {epoch}: train {train_loss:.3f} | val {val_loss:.3f} acc {val_acc:.2%}")

    sample = ["sl1", "k", "yo", "k2tog", "p", "m1", "ssk", "bo"]
    ids = torch.tensor([[STITCHES.index(s) for s in sample]])
    with torch.no_grad():
        pred = trainer.model(ids).argmax(-1)[0].tolist()
    print(" ".join(f"{s}:{ROLES[p]}" for s, p in zip(sample, pred)))


if __name__ == "__main__":
    main()
