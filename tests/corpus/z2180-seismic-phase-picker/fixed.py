import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(7)
np.random.seed(7)

CFG = {
    "sampling_rate": 100.0,
    "window": 3000,
    "n_channels": 3,
    "d_model": 32,
    "n_heads": 2,
    "n_layers": 1,
    "label_sigma_s": 0.2,
    "batch_size": 8,
    "lr": 1e-3,
    "epochs": 2,
}

_PE_CACHE = {}


def sinusoid_table(n_pos, dim, device):
    key = (n_pos, dim, str(device))
    if key not in _PE_CACHE:
        pos = torch.arange(n_pos, dtype=torch.float32, device=device).unsqueeze(1)
        div = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32, device=device) * (-math.log(10000.0) / dim))
        table = torch.zeros(n_pos, dim, device=device)
        table[:, 0::2] = torch.sin(pos * div)
        table[:, 1::2] = torch.cos(pos * div)
        _PE_CACHE[key] = table
    return _PE_CACHE[key]


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.conv = nn.Conv1d(c_in, c_out, kernel_size=7, stride=stride, padding=3)
        self.bn = nn.BatchNorm1d(c_out)

    def forward(self, x):
        return F.gelu(self.bn(self.conv(x)))


class PhasePicker(nn.Module):
    """Conv front-end + transformer encoder, outputs noise/P/S probabilities per frame."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.frontend = nn.Sequential(
            ConvBlock(cfg["n_channels"], 16, stride=2),
            ConvBlock(16, d, stride=2),
            ConvBlock(d, d, stride=2),
        )
        layer = nn.TransformerEncoderLayer(d, cfg["n_heads"], dim_feedforward=2 * d,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.head = nn.Conv1d(d, 3, kernel_size=1)

    def forward(self, wav):
        h = self.frontend(wav)                     # (B, d, T')
        h = h.transpose(1, 2)                      # (B, T', d)
        h = h + sinusoid_table(h.size(1), h.size(2), h.device)
        h = self.encoder(h)
        return self.head(h.transpose(1, 2))        # (B, 3, T')


def output_frames(cfg):
    with torch.device("meta"):
        probe = PhasePicker(cfg)
        out = probe(torch.empty(1, cfg["n_channels"], cfg["window"]))
    return out.shape[-1]


def synth_event(n, sr, rng):
    t = np.arange(n) / sr
    p_idx = rng.integers(int(0.1 * n), int(0.5 * n))
    s_idx = p_idx + rng.integers(int(1.0 * sr), int(8.0 * sr))
    s_idx = min(s_idx, n - 50)
    wav = 0.05 * rng.standard_normal((3, n))
    for onset, amp, f0, ch_gain in ((p_idx, 1.0, 6.0, (1.0, 0.3, 0.3)), (s_idx, 2.0, 3.0, (0.4, 1.0, 1.0))):
        tt = t[onset:] - t[onset]
        burst = amp * np.exp(-tt / 1.5) * np.sin(2 * np.pi * f0 * tt)
        for c in range(3):
            wav[c, onset:] += ch_gain[c] * burst
    return wav.astype(np.float32), p_idx, s_idx


class SyntheticPicks(Dataset):
    def __init__(self, n_events, cfg, n_frames, seed=0):
        rng = np.random.default_rng(seed)
        self.items = [synth_event(cfg["window"], cfg["sampling_rate"], rng) for _ in range(n_events)]
        self.n_frames = n_frames
        self.hop = cfg["window"] / n_frames
        self.sigma = cfg["label_sigma_s"] * cfg["sampling_rate"] / self.hop

    def __len__(self):
        return len(self.items)

    def _gauss(self, idx):
        frames = np.arange(self.n_frames)
        return np.exp(-0.5 * ((frames - idx / self.hop) / self.sigma) ** 2)

    def __getitem__(self, i):
        wav, p_idx, s_idx = self.items[i]
        wav = wav / (np.abs(wav).max(axis=1, keepdims=True) + 1e-6)
        p = self._gauss(p_idx)
        s = self._gauss(s_idx)
        noise = np.clip(1.0 - p - s, 0.0, 1.0)
        target = np.stack([noise, p, s]).astype(np.float32)
        target /= target.sum(axis=0, keepdims=True)
        return torch.from_numpy(wav), torch.from_numpy(target)


def train():
    n_frames = output_frames(CFG)
    print(f"model emits {n_frames} frames per {CFG['window']}-sample window")

    ds = SyntheticPicks(40, CFG, n_frames, seed=1)
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True)

    model = PhasePicker(CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for wav, target in loader:
            logits = model(wav)
            loss = F.kl_div(F.log_softmax(logits, dim=1), target, reduction="batchmean")
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        wav, target = ds[0]
        prob = model(wav.unsqueeze(0)).softmax(dim=1)[0]
        print("P pick frame", int(prob[1].argmax()), "true", int(target[1].argmax()))
        print("S pick frame", int(prob[2].argmax()), "true", int(target[2].argmax()))


if __name__ == "__main__":
    train()
