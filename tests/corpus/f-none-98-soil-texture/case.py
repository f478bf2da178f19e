import torch
import torch.nn as nn

torch.manual_seed(0)

TEXTURES = ["sand", "loamy_sand", "loam", "silt_loam", "clay"]
SPLITS = ["train", "test"]

# mean (sand %, silt %, clay %, organic %) per texture class
CENTRES = torch.tensor([
    [90.0, 5.0, 5.0, 1.0],
    [80.0, 12.0, 8.0, 1.5],
    [42.0, 38.0, 20.0, 3.0],
    [20.0, 65.0, 15.0, 3.5],
    [20.0, 25.0, 55.0, 2.5],
])


def make_samples(n_per_class, noise):
    xs, ys = [], []
    for label, centre in enumerate(CENTRES):
        xs.append(centre + noise * torch.randn(n_per_class, centre.numel()))
        ys.append(torch.full((n_per_class,), label))
    return torch.cat(xs), torch.cat(ys)


def standardise(x, mean, std):
    return (x - mean) / std


class TextureNet(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, 32), nn.ReLU(), nn.Linear(32, n_out))

    def forward(self, x):
        return self.net(x)


def confusion(gold, pred):
    table = torch.zeros(len(SPLITS), len(SPLITS), dtype=torch.long)
    for g, p in zip(gold.tolist(), pred.tolist()):
        table[g, p] += 1
    return table


def report(name, table):
    acc = table.diag().sum().item() / table.sum().item()
    print(f"[{name}] accuracy {acc:.3f}")
    for i, row in enumerate(table.tolist()):
        print(f"  {TEXTURES[i]:>11}: {row}")


data = {"train": make_samples(40, 6.0), "test": make_samples(12, 6.0)}
mean, std = data["train"][0].mean(0), data["train"][0].std(0)

model = TextureNet(CENTRES.shape[1], len(TEXTURES))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss()

x_train, y_train = data["train"]
for epoch in range(60):
    logits = model(standardise(x_train, mean, std))
    loss = loss_fn(logits, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        print(f"epoch {epoch} loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    for split in SPLITS:
        x, y = data[split]
        pred = model(standardise(x, mean, std)).argmax(-1)
        report(split, confusion(y, pred))
