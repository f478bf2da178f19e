from dataclasses import dataclass, field
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader, random_split


@dataclass
class CollarConfig:
    sample_hz: int = 25
    window_sec: int = 10
    n_axes: int = 3
    n_patches: int = 8
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 1
    behaviours: tuple = ("grazing", "ruminating", "walking", "resting", "drinking")
    batch_size: int = 32
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 3
    recordings_per_class: list = field(default_factory=lambda: [6, 6, 4, 8, 3])

    @property
    def window_len(self):
        return self.sample_hz * self.window_sec

    @property
    def patch_len(self):
        return self.window_len // self.n_patches


BEHAVIOUR_SIGNATURE = {
    "grazing":    dict(freq=1.1, amp=(0.6, 0.3, 0.5), pitch=-0.7),
    "ruminating": dict(freq=0.9, amp=(0.1, 0.25, 0.1), pitch=0.1),
    "walking":    dict(freq=1.6, amp=(0.8, 0.5, 0.4), pitch=0.0),
    "resting":    dict(freq=0.2, amp=(0.03, 0.03, 0.03), pitch=0.3),
    "drinking":   dict(freq=2.2, amp=(0.2, 0.4, 0.2), pitch=-0.5),
}


def simulate_recording(behaviour, seconds, hz, rng):
    sig = BEHAVIOUR_SIGNATURE[behaviour]
    t = np.arange(seconds * hz) / hz
    axes = []
    for k, a in enumerate(sig["amp"]):
        phase = rng.uniform(0, 2 * np.pi)
        base = a * np.sin(2 * np.pi * sig["freq"] * (1 + 0.1 * k) * t + phase)
        axes.append(base + rng.normal(0, 0.05, t.shape))
    axes[0] += sig["pitch"]
    axes[2] += 1.0
    return np.stack(axes).astype(np.float32)


class CollarWindows(Dataset):
    def __init__(self, cfg: CollarConfig):
        rng = np.random.default_rng(cfg.seed)
        xs, ys = [], []
        for label, (beh, n_rec) in enumerate(zip(cfg.behaviours, cfg.recordings_per_class)):
            for _ in range(n_rec):
                seconds = int(rng.integers(60, 180))
                rec = simulate_recording(beh, seconds, cfg.sample_hz, rng)
                n_win = rec.shape[1] // cfg.window_len
                for w in range(n_win):
                    seg = rec[:, w * cfg.window_len:(w + 1) * cfg.window_len]
                    xs.append(seg)
                    ys.append(label)
        self.x = torch.from_numpy(np.stack(xs))
        self.y = torch.tensor(ys)
        mu = self.x.mean(dim=(0, 2), keepdim=True)
        sd = self.x.std(dim=(0, 2), keepdim=True)
        self.x = (self.x - mu) / sd

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


class PatchBehaviourNet(nn.Module):
    def __init__(self, cfg: CollarConfig):
        super().__init__()
        self.cfg = cfg
        self.patch_embed = nn.Linear(cfg.n_axes * cfg.patch_len, cfg.d_model)
        self.pos = nn.Parameter(torch.zeros(1, cfg.n_patches, cfg.d_model))
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=2 * cfg.d_model,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.head = nn.Linear(cfg.d_model, len(cfg.behaviours))

    def patchify(self, x):
        b = x.shape[0]
        x = x.view(b, self.cfg.n_axes, self.cfg.n_patches, self.cfg.patch_len)
        return x.permute(0, 2, 1, 3).reshape(b, self.cfg.n_patches, -1)

    def forward(self, x):
        tokens = self.patch_embed(self.patchify(x)) + self.pos
        h = self.encoder(tokens)
        return self.head(h.mean(dim=1))


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    total, correct, n = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for xb, yb in loader:
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            if training:
                opt.zero_grad()
                loss.backward()
                opt.step()
            total += loss.item() * len(yb)
            correct += (logits.argmax(1) == yb).sum().item()
            n += len(yb)
    return total / n, correct / n


def main():
    cfg = CollarConfig()
    torch.manual_seed(cfg.seed)
    ds = CollarWindows(cfg)
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)
    print(f"{len(ds)} windows of {cfg.window_len} samples, {cfg.n_patches} patches per window")

    model = PatchBehaviourNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
