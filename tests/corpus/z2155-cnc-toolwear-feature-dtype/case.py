"""Flank-wear regression for the 5-axis milling cells.

For every cut the spindle logger stores spindle power, acoustic emission and
table vibration at 2 kHz. Hand-crafted condition indicators are computed per
cut and a small MLP predicts the flank wear VB (mm) measured under the
microscope after the cut.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

LOG_HZ = 2000
SIGNALS = ("spindle_kw", "ae_rms", "vib_x")
INDICATORS = ("rms", "peak", "crest", "kurtosis", "band_energy")
VB_LIMIT_MM = 0.3


def simulate_tool_life(rng, n_cuts, tool_id):
    cuts = []
    wear = 0.02
    for cut in range(n_cuts):
        wear += rng.uniform(0.002, 0.006) * (1 + 2 * wear)
        n = int(LOG_HZ * rng.uniform(1.5, 3.0))
        t = np.arange(n) / LOG_HZ
        tooth = np.sin(2 * np.pi * 75 * t)
        spindle = 4.0 + 6.0 * wear + 0.2 * tooth + 0.05 * rng.standard_normal(n)
        ae = 0.5 + 3.0 * wear * np.abs(tooth) + 0.05 * rng.standard_normal(n)
        vib = (0.3 + 2.0 * wear) * tooth + 0.1 * rng.standard_normal(n)
        cuts.append({"tool": tool_id, "cut": cut, "signals": np.stack([spindle, ae, vib]), "vb_mm": wear})
    return cuts


def condition_indicators(trace):
    centred = trace - trace.mean()
    rms = float(np.sqrt(np.mean(centred ** 2)))
    peak = float(np.max(np.abs(centred)))
    kurt = float(np.mean(centred ** 4) / (np.mean(centred ** 2) ** 2 + 1e-12))
    spectrum = np.abs(np.fft.rfft(centred)) ** 2
    freqs = np.fft.rfftfreq(len(centred), d=1.0 / LOG_HZ)
    band = float(spectrum[(freqs > 60) & (freqs < 160)].sum() / (spectrum.sum() + 1e-12))
    return {"rms": rms, "peak": peak, "crest": peak / (rms + 1e-12), "kurtosis": kurt, "band_energy": band}


def build_table(cuts):
    rows, wear = [], []
    for c in cuts:
        row = []
        for trace in c["signals"]:
            ind = condition_indicators(trace)
            row.extend(ind[name] for name in INDICATORS)
        rows.append(row)
        wear.append(c["vb_mm"])
    return np.array(rows), np.array(wear)


class CutDataset(Dataset):
    def __init__(self, table, wear, mean, std):
        self.table = (table - mean) / std
        self.wear = wear

    def __len__(self):
        return len(self.table)

    def __getitem__(self, idx):
        return torch.from_numpy(self.table[idx]), torch.tensor([self.wear[idx]], dtype=torch.float32)


class WearRegressor(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, 32), nn.SiLU(), nn.Dropout(0.1), nn.Linear(32, 16), nn.SiLU(), nn.Linear(16, 1)
        )

    def forward(self, feats):
        return self.net(feats)


def main():
    torch.manual_seed(5)
    rng = np.random.default_rng(5)
    train_cuts = simulate_tool_life(rng, 60, "T12-A") + simulate_tool_life(rng, 60, "T12-B")
    test_cuts = simulate_tool_life(rng, 50, "T12-C")

    train_table, train_wear = build_table(train_cuts)
    test_table, test_wear = build_table(test_cuts)
    mean, std = train_table.mean(axis=0), train_table.std(axis=0) + 1e-9

    train_ds = CutDataset(train_table, train_wear, mean, std)
    test_ds = CutDataset(test_table, test_wear, mean, std)
    loader = DataLoader(train_ds, batch_size=16, shuffle=True)

    model = WearRegressor(len(SIGNALS) * len(INDICATORS))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(30):
        model.train()
        total = 0.0
        for feats, vb in loader:
            loss = nn.functional.mse_loss(model(feats), vb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(vb)
        if epoch % 10 == 9:
            print(f"epoch {epoch + 1}: train mse {total / len(train_ds):.6f}")

    model.eval()
    with torch.no_grad():
        feats, vb = next(iter(DataLoader(test_ds, batch_size=len(test_ds))))
        pred = model(feats).squeeze(1)
    mae = (pred - vb.squeeze(1)).abs().mean().item()
    first_over = int(np.argmax(pred.numpy() > VB_LIMIT_MM)) if (pred > VB_LIMIT_MM).any() else -1
    print(f"test MAE {mae:.4f} mm; predicted VB limit reached at cut {first_over}")


if __name__ == "__main__":
    main()
