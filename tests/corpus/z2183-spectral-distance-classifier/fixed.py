from dataclasses import dataclass, field
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader


@dataclass
class SpectralConfig:
    sampling_rate: float = 40.0
    n_fft: int = 256
    hop_length: int = 64
    band_edges: list = field(default_factory=lambda: [(0.5, 1.0), (1.0, 2.0), (2.0, 4.0),
                                                      (4.0, 8.0), (8.0, 16.0), (16.0, 32.0)])
    record_seconds: float = 60.0
    n_classes: int = 3          # local, regional, teleseismic
    hidden: int = 64
    epochs: int = 3
    lr: float = 2e-3
    seed: int = 5


def usable_bands(band_edges, sr):
    nyq = sr / 2.0
    return [(lo, hi) for lo, hi in band_edges if hi <= nyq]


def band_log_energy(wav, sr, bands, n_fft, hop):
    """wav: (N, 3, T) -> (N, 3, n_bands) mean log power per band."""
    n, c, t = wav.shape
    spec = torch.stft(wav.reshape(n * c, t), n_fft=n_fft, hop_length=hop,
                      window=torch.hann_window(n_fft), return_complex=True)
    power = spec.abs().pow(2).mean(dim=-1)                     # (N*C, F)
    freqs = torch.fft.rfftfreq(n_fft, d=1.0 / sr)
    cols = []
    for lo, hi in bands:
        sel = (freqs >= lo) & (freqs < hi)
        cols.append(power[:, sel].sum(dim=-1))
    feats = torch.stack(cols, dim=-1)
    return torch.log10(feats + 1e-10).reshape(n, c, len(bands))


def synth_records(cfg, n_per_class, rng):
    t = np.arange(int(cfg.record_seconds * cfg.sampling_rate)) / cfg.sampling_rate
    corner = {0: 8.0, 1: 3.0, 2: 0.8}
    waves, labels = [], []
    for label in range(cfg.n_classes):
        for _ in range(n_per_class):
            onset = rng.uniform(5, 20)
            tt = np.clip(t - onset, 0, None)
            env = (t > onset) * np.exp(-tt / (5 + 10 * label))
            x = np.zeros((3, t.size))
            for c in range(3):
                f = corner[label] * rng.uniform(0.7, 1.3)
                x[c] = env * np.sin(2 * np.pi * f * tt + rng.uniform(0, 2 * np.pi))
                x[c] += 0.05 * rng.standard_normal(t.size)
            waves.append(x)
            labels.append(label)
    return torch.tensor(np.stack(waves), dtype=torch.float32), torch.tensor(labels)


def fit_noise_model(cfg, rng, n_windows=32):
    n = int(cfg.record_seconds * cfg.sampling_rate)
    noise = torch.tensor(0.05 * rng.standard_normal((n_windows, 3, n)), dtype=torch.float32)
    bands = usable_bands(cfg.band_edges, cfg.sampling_rate)
    e = band_log_energy(noise, cfg.sampling_rate, bands, cfg.n_fft, cfg.hop_length)
    return e.mean(dim=0), e.std(dim=0) + 1e-3


class SpectralDistanceNet(nn.Module):
    def __init__(self, cfg, noise_mu, noise_sd):
        super().__init__()
        n_bands = len(usable_bands(cfg.band_edges, cfg.sampling_rate))
        self.register_buffer("noise_mu", noise_mu)
        self.register_buffer("noise_sd", noise_sd)
        self.mlp = nn.Sequential(
            nn.Flatten(),
            nn.Linear(3 * n_bands, cfg.hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(cfg.hidden, cfg.n_classes),
        )

    def forward(self, band_feats):
        z = (band_feats - self.noise_mu) / self.noise_sd
        return self.mlp(z)


def main(cfg: SpectralConfig):
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    bands = usable_bands(cfg.band_edges, cfg.sampling_rate)
    print(f"using {len(bands)} bands below Nyquist ({cfg.sampling_rate / 2:.0f} Hz)")

    wav, y = synth_records(cfg, n_per_class=20, rng=rng)
    feats = band_log_energy(wav, cfg.sampling_rate, bands, cfg.n_fft, cfg.hop_length)
    noise_mu, noise_sd = fit_noise_model(cfg, rng)

    perm = torch.randperm(len(y))
    split = int(0.8 * len(y))
    tr, va = perm[:split], perm[split:]
    train_dl = DataLoader(TensorDataset(feats[tr], y[tr]), batch_size=8, shuffle=True)

    model = SpectralDistanceNet(cfg, noise_mu, noise_sd)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        for xb, yb in train_dl:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = (model(feats[va]).argmax(-1) == y[va]).float().mean().item()
        print(f"epoch {epoch} last-batch loss {loss.item():.3f} val acc {acc:.2f}")


if __name__ == "__main__":
    main(SpectralConfig())
