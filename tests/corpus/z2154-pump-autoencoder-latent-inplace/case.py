"""Unsupervised anomaly scoring for the cooling-water pump skids.

Every 10 s the PLC logs suction/discharge pressure, flow, motor current,
bearing temperature and casing vibration. A small autoencoder is fitted on
windows from healthy running; reconstruction error is the anomaly score.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

CHANNELS = ["p_suction", "p_discharge", "flow_m3h", "motor_amps", "brg_temp", "vib_rms"]
WINDOW = 30
LATENT = 8


def simulate_skid(rng, n_steps, cavitating=False):
    t = np.arange(n_steps)
    load = 0.8 + 0.15 * np.sin(2 * np.pi * t / 360.0)
    p_suc = 1.8 + 0.05 * rng.standard_normal(n_steps)
    p_dis = 6.5 * load + 0.1 * rng.standard_normal(n_steps)
    flow = 120 * load + 2.0 * rng.standard_normal(n_steps)
    amps = 42 * load + 0.8 * rng.standard_normal(n_steps)
    temp = 55 + 5 * load + 0.3 * rng.standard_normal(n_steps)
    vib = 1.1 + 0.1 * rng.standard_normal(n_steps)
    if cavitating:
        p_suc -= 0.9
        vib += 1.5 * np.abs(rng.standard_normal(n_steps))
        flow -= 15
    return np.stack([p_suc, p_dis, flow, amps, temp, vib], axis=1).astype(np.float32)


def make_windows(readings, stride=5):
    starts = range(0, len(readings) - WINDOW + 1, stride)
    return np.stack([readings[s:s + WINDOW] for s in starts])


class SkidAutoencoder(nn.Module):
    def __init__(self, n_channels, window, latent):
        super().__init__()
        flat = n_channels * window
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(flat, 64), nn.GELU(), nn.Linear(64, latent))
        self.decoder = nn.Sequential(nn.Linear(latent, 64), nn.GELU(), nn.Linear(64, flat))
        self.shape = (n_channels, window)

    def forward(self, windows):
        latent = self.encoder(windows.transpose(1, 2))
        latent /= latent.norm(dim=1, keepdim=True).clamp_min(1e-6)
        recon = self.decoder(latent)
        return recon.view(-1, *self.shape).transpose(1, 2)


def fit_scaler(windows):
    mean = windows.reshape(-1, windows.shape[-1]).mean(axis=0)
    std = windows.reshape(-1, windows.shape[-1]).std(axis=0) + 1e-6
    return mean, std


def anomaly_scores(model, windows):
    model.eval()
    with torch.no_grad():
        recon = model(windows)
        return ((recon - windows) ** 2).mean(dim=(1, 2))


def main():
    torch.manual_seed(11)
    rng = np.random.default_rng(11)

    healthy = make_windows(simulate_skid(rng, 3000))
    suspect = make_windows(simulate_skid(rng, 600, cavitating=True))
    mean, std = fit_scaler(healthy)
    healthy = (healthy - mean) / std
    suspect = (suspect - mean) / std

    n_train = int(0.8 * len(healthy))
    train_x = torch.from_numpy(healthy[:n_train])
    holdout_x = torch.from_numpy(healthy[n_train:])
    suspect_x = torch.from_numpy(suspect)
    loader = DataLoader(TensorDataset(train_x), batch_size=32, shuffle=True)

    model = SkidAutoencoder(len(CHANNELS), WINDOW, LATENT)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()

    for epoch in range(5):
        model.train()
        epoch_loss = 0.0
        for (batch,) in loader:
            recon = model(batch)
            loss = loss_fn(recon, batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item() * batch.size(0)
        print(f"epoch {epoch}: recon mse {epoch_loss / len(train_x):.4f}")

    threshold = anomaly_scores(model, holdout_x).quantile(0.99).item()
    flagged = (anomaly_scores(model, suspect_x) > threshold).float().mean().item()
    print(f"threshold {threshold:.4f}; {flagged:.0%} of suspect windows flagged")


if __name__ == "__main__":
    main()
