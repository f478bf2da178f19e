"""Star / galaxy / QSO classification of SDSS-like optical spectra with a small 1-D CNN."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader, random_split

LOGLAM0 = 3.5500
DLOGLAM = 1e-4
N_PIX = 4300
CLASSES = ("STAR", "GALAXY", "QSO")

SPEC_DTYPE = np.dtype([
    ("plate", "i4"),
    ("fiber", "i4"),
    ("z", "f4"),
    ("cls", "i1"),
    ("flux", "f4", (N_PIX,)),
    ("ivar", "f4", (N_PIX,)),
])

LINES = {
    "STAR": [(6563.0, -0.4, 4.0), (4861.0, -0.3, 4.0), (5175.0, -0.2, 8.0)],
    "GALAXY": [(3727.0, 0.6, 3.0), (5007.0, 0.8, 3.0), (6563.0, 1.0, 3.0), (4000.0, -0.3, 30.0)],
    "QSO": [(1549.0, 2.0, 25.0), (2798.0, 1.5, 30.0), (4861.0, 1.2, 35.0), (1909.0, 1.0, 25.0)],
}


def get_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-spec", type=int, default=240)
    ap.add_argument("--wmin", type=float, default=3800.0)
    ap.add_argument("--wmax", type=float, default=9200.0)
    ap.add_argument("--rebin", type=int, default=4)
    ap.add_argument("--channels", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    return ap.parse_args([])


def fake_spectra(n, rng):
    wave = 10 ** (LOGLAM0 + DLOGLAM * np.arange(N_PIX))
    arr = np.zeros(n, dtype=SPEC_DTYPE)
    arr["plate"] = rng.integers(266, 3000, n)
    arr["fiber"] = rng.integers(1, 641, n)
    arr["cls"] = rng.integers(0, len(CLASSES), n)
    zmax = np.array([0.001, 0.4, 2.5])
    arr["z"] = rng.uniform(0, 1, n) * zmax[arr["cls"]]
    for s in arr:
        name = CLASSES[s["cls"]]
        cont = (wave / 5000.0) ** rng.uniform(-2.0, 1.0)
        for lam, amp, sig in LINES[name]:
            obs = lam * (1 + s["z"])
            cont += amp * np.exp(-0.5 * ((wave - obs) / (sig * (1 + s["z"]))) ** 2)
        s["ivar"] = rng.uniform(50, 400, N_PIX)
        s["flux"] = cont + rng.normal(0, 1, N_PIX) / np.sqrt(s["ivar"])
    return wave, arr


def preprocess(wave, spec, wmin, wmax, rebin):
    keep = (wave >= wmin) & (wave <= wmax)
    flux = spec["flux"][:, keep].copy()
    ivar = spec["ivar"][:, keep].copy()
    m = flux.shape[1] // rebin * rebin
    flux = flux[:, :m].reshape(len(spec), -1, rebin)
    ivar = ivar[:, :m].reshape(len(spec), -1, rebin)
    wsum = ivar.sum(-1)
    flux = (flux * ivar).sum(-1) / wsum
    flux /= np.median(flux, axis=1, keepdims=True)
    flux -= 1.0
    return flux.astype(np.float32), wsum.astype(np.float32)


class SpecNet(nn.Module):
    def __init__(self, n_flat, channels, n_cls):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(1, channels, 9, padding=4), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(channels, channels, 9, padding=4), nn.ReLU(), nn.MaxPool1d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.2),
            nn.Linear(n_flat, 64), nn.ReLU(),
            nn.Linear(64, n_cls),
        )

    def forward(self, x):
        return self.classifier(self.features(x.unsqueeze(1)))


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
            total += yb.numel()
    return correct / max(total, 1)


def main():
    args = get_args()
    rng = np.random.default_rng(51)
    torch.manual_seed(51)

    wave, spec = fake_spectra(args.n_spec, rng)
    flux, weight = preprocess(wave, spec, args.wmin, args.wmax, args.rebin)
    print(f"{len(spec)} spectra, {flux.shape[1]} pixels after cut+rebin")

    n_flat = args.channels * (flux.shape[1] // 4)
    data = TensorDataset(torch.from_numpy(flux), torch.from_numpy(spec["cls"].astype(np.int64)))
    n_val = len(data) // 5
    train, val = random_split(data, [len(data) - n_val, n_val], generator=torch.Generator().manual_seed(0))
    tl = DataLoader(train, batch_size=args.batch, shuffle=True)
    vl = DataLoader(val, batch_size=args.batch)

    model = SpecNet(n_flat, args.channels, len(CLASSES))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    lossf = nn.CrossEntropyLoss()

    for ep in range(args.epochs):
        model.train()
        running = 0.0
        for xb, yb in tl:
            opt.zero_grad()
            loss = lossf(model(xb), yb)
            loss.backward()
            opt.step()
            running += loss.item() * len(yb)
        print(f"epoch {ep}  loss {running / len(train):.3f}  val acc {evaluate(model, vl):.2f}")


if __name__ == "__main__":
    main()
