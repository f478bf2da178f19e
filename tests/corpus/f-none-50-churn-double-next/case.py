import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

CONFIG = {
    "n_customers": 200,
    "n_features": 12,
    "n_classes": 3,
    "batch_size": 64,
    "total_steps": 40,
    "lr": 5e-3,
    "log_every": 10,
}

torch.manual_seed(7)


def make_customers(n, n_features, n_classes):
    usage = torch.randn(n, n_features)
    weights = torch.randn(n_features, n_classes)
    tier = (usage @ weights).argmax(dim=1)
    return usage, tier


def endless(loader):
    while True:
        for batch in loader:
            yield batch


class ChurnNet(nn.Module):
    def __init__(self, n_features, n_classes):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features, 48),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(48, 24),
            nn.ReLU(),
        )
        self.out = nn.Linear(24, n_classes)

    def forward(self, x):
        return self.out(self.body(x))


features, labels = make_customers(
    CONFIG["n_customers"], CONFIG["n_features"], CONFIG["n_classes"]
)
mean, std = features.mean(0), features.std(0)
features = (features - mean) / std

loader = DataLoader(
    TensorDataset(features, labels), batch_size=CONFIG["batch_size"], shuffle=False
)
batches = endless(loader)

model = ChurnNet(CONFIG["n_features"], CONFIG["n_classes"])
optimizer = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])
criterion = nn.CrossEntropyLoss()

model.train()
for step in range(1, CONFIG["total_steps"] + 1):
    xb, _ = next(batches)
    _, yb = next(batches)
    logits = model(xb)
    loss = criterion(logits, yb)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % CONFIG["log_every"] == 0:
        acc = (logits.argmax(1) == yb).float().mean().item()
        print(f"step {step}: loss {loss.item():.4f} batch acc {acc:.3f}")

model.eval()
with torch.no_grad():
    preds = model(features).argmax(1)
print(f"train accuracy: {(preds == labels).float().mean().item():.3f}")
