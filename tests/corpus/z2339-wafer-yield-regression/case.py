import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))

CFG = {
    "csv_path": os.path.join(HERE, "wafer_yield.csv"),
    "n_lots": 30,
    "wafers_per_lot": 25,
    "features": ["film_thk_mean", "film_thk_unif", "cd_mean", "overlay_x", "overlay_y", "particle_cnt"],
    "tools": ["ETCH-A", "ETCH-B", "ETCH-C"],
    "batch_size": 64,
    "epochs": 5,
    "lr": 1e-2,
    "seed": 21,
}


def export_metrology(cfg):
    rng = np.random.default_rng(cfg["seed"])
    with open(cfg["csv_path"], "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["lot_id", "wafer_no", "tool"] + cfg["features"] + ["yield_pct"])
        for lot in range(cfg["n_lots"]):
            tool = cfg["tools"][lot % len(cfg["tools"])]
            lot_shift = rng.normal(0, 0.5)
            for wafer in range(1, cfg["wafers_per_lot"] + 1):
                feats = rng.normal(0, 1, size=len(cfg["features"])) + lot_shift
                feats[-1] = rng.poisson(3 + 2 * (tool == "ETCH-B"))
                y = 92 - 3 * abs(feats[2]) - 1.5 * feats[-1] - 2 * abs(feats[3]) + rng.normal(0, 1)
                cells = [f"{v:.4f}" for v in feats]
                if rng.random() < 0.04:
                    cells[int(rng.integers(0, 5))] = ""
                w.writerow([f"LOT{lot:04d}", wafer, tool] + cells + [f"{y:.2f}"])


class WaferYieldDataset(Dataset):
    def __init__(self, path, features, tools):
        with open(path, newline="") as f:
            self.rows = list(csv.DictReader(f))
        self.features = features
        self.tool_index = {t: i for i, t in enumerate(tools)}

    def __len__(self):
        return len(self.rows)

    def _parse(self, row):
        vals = []
        for name in self.features:
            if row[name] == "":
                return None
            vals.append(float(row[name]))
        return vals

    def __getitem__(self, idx):
        row = self.rows[idx]
        vals = self._parse(row)
        if vals is None:
            return None
        return {
            "x": torch.tensor(vals, dtype=torch.float32),
            "tool": self.tool_index[row["tool"]],
            "y": float(row["yield_pct"]),
            "lot": row["lot_id"],
        }


def collate_wafers(batch):
    x = torch.stack([s["x"] for s in batch])
    tool = torch.tensor([s["tool"] for s in batch], dtype=torch.long)
    y = torch.tensor([s["y"] for s in batch], dtype=torch.float32)
    lots = [s["lot"] for s in batch]
    return x, tool, y, lots


class YieldRegressor(nn.Module):
    def __init__(self, n_feats, n_tools, tool_dim=4, hidden=32):
        super().__init__()
        self.tool_emb = nn.Embedding(n_tools, tool_dim)
        self.mlp = nn.Sequential(
            nn.Linear(n_feats + tool_dim, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x, tool):
        h = torch.cat([x, self.tool_emb(tool)], dim=1)
        return self.mlp(h).squeeze(1)


def run(cfg):
    torch.manual_seed(cfg["seed"])
    export_metrology(cfg)
    ds = WaferYieldDataset(cfg["csv_path"], cfg["features"], cfg["tools"])
    loader = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate_wafers)

    model = YieldRegressor(len(cfg["features"]), len(cfg["tools"]))
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.SmoothL1Loss()
    y_mean = 85.0

    for epoch in range(cfg["epochs"]):
        model.train()
        total, n = 0.0, 0
        for x, tool, y, _ in loader:
            pred = model(x, tool) + y_mean
            loss = loss_fn(pred, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * x.size(0)
            n += x.size(0)
        print(f"epoch {epoch}: huber {total / n:.3f}")


if __name__ == "__main__":
    run(CFG)
