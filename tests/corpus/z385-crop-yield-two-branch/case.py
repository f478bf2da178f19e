"""County-level maize yield regression from Sentinel-style NDVI patches + soil/weather table.

Two-branch network: a small CNN over multi-band image patches and an MLP over
tabular covariates, fused by concatenation before a regression head.
"""
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

CFG = {
    "bands": 4,              # red, green, nir, swir
    "patch_size": 64,        # size of tiles written by the export job
    "train_crop": 48,        # random crop used for augmentation
    "n_tabular": 11,         # soil pH, clay %, GDD, rainfall, ...
    "conv_channels": [16, 32],
    "tab_hidden": 32,
    "fused_hidden": 128,
    "batch_size": 8,
    "epochs": 1,
    "lr": 1e-3,
}

torch.manual_seed(42)


class FieldPatches(Dataset):
    def __init__(self, n_fields, cfg):
        self.cfg = cfg
        size = cfg["patch_size"]
        self.tiles = torch.rand(n_fields, cfg["bands"], size, size)
        self.tabular = torch.randn(n_fields, cfg["n_tabular"])
        ndvi = (self.tiles[:, 2] - self.tiles[:, 0]) / (self.tiles[:, 2] + self.tiles[:, 0] + 1e-6)
        self.yield_t_ha = 6.0 + 3.0 * ndvi.mean(dim=(1, 2)) + 0.3 * self.tabular[:, 3]

    def __len__(self):
        return self.tiles.shape[0]

    def __getitem__(self, idx):
        crop = self.cfg["train_crop"]
        full = self.cfg["patch_size"]
        top = torch.randint(0, full - crop + 1, (1,)).item()
        left = torch.randint(0, full - crop + 1, (1,)).item()
        tile = self.tiles[idx, :, top:top + crop, left:left + crop]
        return tile, self.tabular[idx], self.yield_t_ha[idx]


class YieldNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c1, c2 = cfg["conv_channels"]
        self.image_branch = nn.Sequential(
            nn.Conv2d(cfg["bands"], c1, 3, padding=1), nn.BatchNorm2d(c1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, 3, padding=1), nn.BatchNorm2d(c2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
        )
        spatial = cfg["patch_size"] // 4
        image_feat = c2 * spatial * spatial
        self.tab_branch = nn.Sequential(
            nn.Linear(cfg["n_tabular"], cfg["tab_hidden"]), nn.ReLU(),
        )
        self.fuse = nn.Sequential(
            nn.Linear(image_feat + cfg["tab_hidden"], cfg["fused_hidden"]),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(cfg["fused_hidden"], 1),
        )

    def forward(self, tile, tab):
        img = self.image_branch(tile)
        tb = self.tab_branch(tab)
        return self.fuse(torch.cat([img, tb], dim=1)).squeeze(-1)


def train(cfg):
    ds = FieldPatches(16, cfg)
    loader = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True)
    model = YieldNet(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.SmoothL1Loss()
    for epoch in range(cfg["epochs"]):
        model.train()
        running = 0.0
        for tile, tab, target in loader:
            pred = model(tile, tab)
            loss = loss_fn(pred, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * tile.shape[0]
        print(f"epoch {epoch}: huber {running / len(ds):.4f}")
    return model


if __name__ == "__main__":
    train(CFG)
