import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

GRADES = {1: "dust", 2: "fannings", 3: "broken", 4: "whole leaf", 5: "tippy"}
FEATURES = ["moisture", "leaf_length", "tip_ratio", "colour_l", "colour_a", "aroma_score"]


def make_lots(n_lots=400):
    codes = torch.randint(1, len(GRADES) + 1, (n_lots,)).tolist()
    rows = []
    for code in codes:
        base = torch.randn(len(FEATURES)) * 0.3
        base[1] += code * 0.8
        base[2] += code * 0.5
        base[5] += code * 0.2
        rows.append(base)
    return torch.stack(rows), codes


class GradeClassifier(nn.Module):
    def __init__(self, n_features, hidden=32, n_classes=len(GRADES)):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features, hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x):
        return self.body(x)


x, codes = make_lots()
x = (x - x.mean(0)) / x.std(0)
y = torch.tensor(codes)

model = GradeClassifier(len(FEATURES))
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
batch_size = 32

for epoch in range(15):
    model.train()
    perm = torch.randperm(len(x))
    total = 0.0
    for start in range(0, len(x), batch_size):
        idx = perm[start:start + batch_size]
        loss = F.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1}: loss {total / len(x):.4f}")

model.eval()
with torch.no_grad():
    pred = model(x).argmax(dim=1)
acc = (pred == y).float().mean().item()
print(f"train accuracy {acc:.3f}")
for i, name in enumerate(GRADES.values()):
    print(f"  {name:>10}: {(pred == i).sum().item()} predicted")
