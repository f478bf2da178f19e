"""Classify session RPE band (easy / moderate / hard) from wrist-wearable
heart-rate + accelerometer streams, using random crops of each session."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

CFG = {
    "fs": 1,                 # wearable export rate (Hz)
    "window_s": 180,
    "channels": ["hr", "hr_reserve_pct", "acc_mag"],
    "conv_channels": [16, 32, 32, 64],
    "kernels": [7, 7, 7, 5],
    "pool": 2,
    "n_classes": 3,
    "batch_size": 16,
    "epochs": 2,
    "lr": 1e-3,
    "seed": 7,
}


def make_sessions(n_athletes=12, sessions_per=10, seed=0):
    rng = np.random.default_rng(seed)
    sessions = []
    for a in range(n_athletes):
        hr_rest = rng.uniform(45, 62)
        hr_max = rng.uniform(182, 202)
        for s in range(sessions_per):
            band = int(rng.integers(0, 3))
            dur = int(rng.integers(35, 90) * 60)
            intensity = [0.55, 0.72, 0.86][band] + rng.normal(0, 0.03)
            t = np.arange(dur)
            target = hr_rest + intensity * (hr_max - hr_rest)
            hr = target - (target - hr_rest) * np.exp(-t / 180.0)
            hr += 6 * np.sin(2 * np.pi * t / rng.uniform(240, 600)) + rng.normal(0, 2.0, dur)
            acc = np.abs(rng.normal(0.4 + 0.5 * band, 0.25, dur))
            sessions.append({
                "athlete": f"A{a:02d}",
                "hr": hr.astype(np.float32),
                "acc_mag": acc.astype(np.float32),
                "hr_rest": hr_rest,
                "hr_max": hr_max,
                "rpe_band": band,
            })
    return sessions


class WearableSessionDataset(Dataset):
    def __init__(self, sessions, cfg, train=True):
        self.sessions = sessions
        self.win = int(cfg["window_s"] * cfg["fs"])
        self.train = train
        self.rng = np.random.default_rng(cfg["seed"])

    def __len__(self):
        return len(self.sessions)

    def __getitem__(self, idx):
        s = self.sessions[idx]
        hrr = (s["hr"] - s["hr_rest"]) / (s["hr_max"] - s["hr_rest"])
        sig = np.stack([s["hr"] / 200.0, hrr, s["acc_mag"]], axis=0)
        return sig, s["rpe_band"]


def make_collate(win, rng, train):
    def collate(batch):
        crops, ys = [], []
        for sig, y in batch:
            L = sig.shape[1]
            if train:
                start = int(rng.integers(0, L - win + 1))
            else:
                start = (L - win) // 2
            crops.append(torch.from_numpy(np.ascontiguousarray(sig[:, start:start + win])))
            ys.append(y)
        return torch.stack(crops).float(), torch.tensor(ys, dtype=torch.long)
    return collate


class HRConvNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        layers = []
        c_in = len(cfg["channels"])
        for i, (c_out, k) in enumerate(zip(cfg["conv_channels"], cfg["kernels"])):
            layers.append(nn.Conv1d(c_in, c_out, kernel_size=k))
            layers.append(nn.BatchNorm1d(c_out))
            layers.append(nn.ReLU())
            if i < len(cfg["kernels"]) - 1:
                layers.append(nn.MaxPool1d(cfg["pool"]))
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(c_in, cfg["n_classes"])

    def forward(self, x):
        h = self.features(x)
        h = F.adaptive_avg_pool1d(h, 1).squeeze(-1)
        return self.classifier(h)


def run():
    torch.manual_seed(CFG["seed"])
    sessions = make_sessions()
    athletes = sorted({s["athlete"] for s in sessions})
    val_athletes = set(athletes[-3:])
    train_s = [s for s in sessions if s["athlete"] not in val_athletes]
    val_s = [s for s in sessions if s["athlete"] in val_athletes]

    train_ds = WearableSessionDataset(train_s, CFG, train=True)
    val_ds = WearableSessionDataset(val_s, CFG, train=False)
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True,
                          collate_fn=make_collate(train_ds.win, train_ds.rng, True))
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"],
                        collate_fn=make_collate(val_ds.win, val_ds.rng, False))

    model = HRConvNet(CFG)
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        tot, n = 0.0, 0
        for xb, yb in train_dl:
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(yb)
            n += len(yb)
        model.eval()
        hits = 0
        with torch.no_grad():
            for xb, yb in val_dl:
                hits += (model(xb).argmax(1) == yb).sum().item()
        print(f"epoch {epoch}: loss {tot / n:.3f}  val acc {hits / len(val_ds):.3f}")


if __name__ == "__main__":
    run()
