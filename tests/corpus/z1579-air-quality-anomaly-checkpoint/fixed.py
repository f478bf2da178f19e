import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(5)
torch.manual_seed(5)

POLLUTANTS = ["pm25", "pm10", "no2", "o3", "co", "so2"]


def simulate_station(path, n_hours=800):
    hour = np.arange(n_hours)
    daily = np.sin(2 * np.pi * hour / 24.0)
    base = np.array([18.0, 30.0, 25.0, 40.0, 0.6, 4.0])
    amp = np.array([6.0, 9.0, 10.0, -12.0, 0.2, 1.0])
    readings = base + daily[:, None] * amp + rng.normal(0, 1.0, (n_hours, 6)) * base * 0.05
    spikes = rng.choice(n_hours, 12, replace=False)
    readings[spikes] *= rng.uniform(2.5, 4.0, (12, 1))
    np.savetxt(path, readings, delimiter=",", header=",".join(POLLUTANTS), fmt="%.4f")
    flags = np.zeros(n_hours, dtype=int)
    flags[spikes] = 1
    return flags


class Standardize(nn.Module):
    def __init__(self, mean, scale):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("scale", torch.as_tensor(scale, dtype=torch.float32))

    def forward(self, x):
        return (x - self.mean) / self.scale


class SensorAutoencoder(nn.Module):
    def __init__(self, n_channels, bottleneck=3):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(n_channels, 16), nn.Tanh(), nn.Linear(16, bottleneck))
        self.decoder = nn.Sequential(nn.Linear(bottleneck, 16), nn.Tanh(), nn.Linear(16, n_channels))

    def forward(self, x):
        return self.decoder(self.encoder(x))


def train_autoencoder(net, x, epochs=8, batch=64):
    opt = torch.optim.Adam(net.parameters(), lr=5e-3)
    for ep in range(epochs):
        order = torch.randperm(len(x))
        for s in range(0, len(x), batch):
            chunk = x[order[s:s + batch]]
            loss = ((net(chunk) - chunk) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        if ep % 20 == 0:
            print(f"epoch {ep:2d} recon {loss.item():.4f}")
    return net


def export_detector(net, scaler, out_dir):
    torch.save(net.state_dict(), os.path.join(out_dir, "detector.pt"))
    np.savez(os.path.join(out_dir, "scaler.npz"), mean=scaler.mean_, scale=scaler.scale_)


def load_detector(out_dir, n_channels):
    stats = np.load(os.path.join(out_dir, "scaler.npz"))
    net = SensorAutoencoder(n_channels)
    state = torch.load(os.path.join(out_dir, "detector.pt"), map_location="cpu")
    net.load_state_dict(state)
    net.eval()
    return net, stats["mean"], stats["scale"]


def score_hours(net, mean, scale, raw):
    z = torch.from_numpy(((raw - mean) / scale).astype(np.float32))
    with torch.no_grad():
        err = ((net(z) - z) ** 2).mean(1)
    return err.numpy()


def main():
    out_dir = tempfile.mkdtemp(prefix="airq_")
    csv_path = os.path.join(out_dir, "station_07.csv")
    flags = simulate_station(csv_path)
    raw = np.loadtxt(csv_path, delimiter=",", skiprows=1)

    raw_tr, raw_te, fl_tr, fl_te = train_test_split(raw, flags, test_size=0.3, random_state=3)
    clean_tr = raw_tr[fl_tr == 0]

    scaler = StandardScaler().fit(clean_tr)
    x_tr = torch.from_numpy(scaler.transform(clean_tr).astype(np.float32))
    net = train_autoencoder(SensorAutoencoder(raw.shape[1]), x_tr)

    export_detector(net, scaler, out_dir)

    detector, mean, scale = load_detector(out_dir, raw.shape[1])
    errors = score_hours(detector, mean, scale, raw_te)
    threshold = np.quantile(score_hours(detector, mean, scale, clean_tr), 0.99)
    hits = errors > threshold
    recall = (hits & (fl_te == 1)).sum() / max(1, (fl_te == 1).sum())
    print(f"threshold {threshold:.3f}; flagged {hits.sum()} of {len(hits)} hours; spike recall {recall:.2f}")


if __name__ == "__main__":
    main()
