import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

CONFIG = {
    "tile_size": 28,
    "channels": 1,
    "num_defect_types": 3,
    "batch_size": 8,
    "epochs": 2,
    "lr": 1e-3,
}


def synth_wafer_tiles(n, size, num_classes, seed=0):
    g = torch.Generator().manual_seed(seed)
    tiles = torch.rand(n, 1, size, size, generator=g) * 0.2
    labels = torch.randint(0, num_classes, (n,), generator=g)
    for i, lab in enumerate(labels.tolist()):
        if lab == 1:
            tiles[i, 0, size // 2, :] += 0.8
        elif lab == 2:
            tiles[i, 0, :, size // 2] += 0.8
    return tiles, labels


class TileEncoder(nn.Module):
    def __init__(self, in_ch):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, 8, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        return x.view(x.size(0), -1)


class DefectClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = TileEncoder(cfg["channels"])
        side = cfg["tile_size"] // 4
        self.head = nn.Sequential(
            nn.Linear(16 * side * side, 64),
            nn.ReLU(),
            nn.Linear(64, cfg["num_defect_types"]),
        )

    def forward(self, tiles):
        feats = self.encoder(tiles)
        return self.head(feats)


def run_epoch(model, loader, opt):
    model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for tiles, labels in loader:
        logits = model(tiles)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss_sum += loss.item() * labels.size(0)
        correct += (logits.argmax(-1) == labels).sum().item()
        total += labels.size(0)
    return loss_sum / total, correct / total


torch.manual_seed(0)
tiles, labels = synth_wafer_tiles(64, CONFIG["tile_size"], CONFIG["num_defect_types"])
loader = DataLoader(TensorDataset(tiles, labels), batch_size=CONFIG["batch_size"], shuffle=True)
model = DefectClassifier(CONFIG)
opt = torch.optim.Adam(model.parameters(), lr=CONFIG["lr"])

for epoch in range(CONFIG["epochs"]):
    loss, acc = run_epoch(model, loader, opt)
    print(f"epoch {epoch}: loss={loss:.4f} acc={acc:.3f}")
