"""Per-field wheat yield regression from soil and weather covariates.

Errors are weighted by field area, so a 40 ha field counts more than a 2 ha paddock.
"""
import os
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

FEATURES = ["rain_mm", "gdd", "soil_n", "soil_ph", "clay_pct", "sow_doy", "prev_yield"]
SETTINGS = {"n_fields": 650, "val_fields": 150, "batch": 64, "epochs": 4, "lr": 1e-2}


def synth_fields(n, gen):
    x = torch.randn(n, len(FEATURES), generator=gen)
    coef = torch.tensor([0.8, 0.6, 0.5, -0.2, 0.1, -0.4, 0.9])
    yield_t_ha = 7.5 + x @ coef + 0.3 * torch.randn(n, generator=gen)
    area_ha = torch.empty(n).uniform_(2.0, 40.0, generator=gen)
    return x, yield_t_ha, area_ha


class YieldMLP(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_in, 32), nn.SiLU(),
            nn.Linear(32, 32), nn.SiLU(),
            nn.Linear(32, 1),
        )

    def forward(self, x):
        return self.body(x).squeeze(-1)


def train_and_validate(model, train_loader, val_loader, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        for feats, target, area in train_loader:
            weights = area / area.mean()
            pred = model(feats)
            loss = (weights * (pred - target) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()

        model.eval()
        abs_err, total_w = 0.0, 0.0
        with torch.no_grad():
            for feats, target, area_v in val_loader:
                pred = model(feats)
                err = (pred - target).abs() * weights
                abs_err += err.sum().item()
                total_w += area_v.sum().item() / area_v.mean().item()
        print(f"epoch {epoch + 1}: area-weighted val MAE {abs_err / total_w:.3f} t/ha")
    return model


def main():
    gen = torch.Generator().manual_seed(31)
    x, y, area = synth_fields(SETTINGS["n_fields"], gen)
    full = TensorDataset(x, y, area)
    n_val = SETTINGS["val_fields"]
    train_set, val_set = random_split(full, [len(full) - n_val, n_val],
                                      generator=torch.Generator().manual_seed(0))
    train_loader = DataLoader(train_set, batch_size=SETTINGS["batch"], shuffle=True,
                              generator=torch.Generator().manual_seed(1))
    val_loader = DataLoader(val_set, batch_size=SETTINGS["batch"])

    torch.manual_seed(5)
    model = YieldMLP(len(FEATURES))
    train_and_validate(model, train_loader, val_loader, SETTINGS["epochs"], SETTINGS["lr"])
    with tempfile.TemporaryDirectory() as out_dir:
        torch.save(model.state_dict(), os.path.join(out_dir, "yield_mlp.pt"))


if __name__ == "__main__":
    main()
