# Per-composite phenology stage tagging for winter wheat fields.
# Inputs: 10-day Sentinel-2 composites (NDVI, NDWI, red-edge) + accumulated GDD + rainfall.
# Output: one of STAGES for every composite in the season.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader, random_split

SEED = 11
N_FIELDS = 240
N_COMPOSITES = 36            # 360 days / 10-day compositing
STAGES = ["bare", "emergence", "tillering", "stem_elongation", "heading", "ripening", "harvested"]
HIDDEN = 48
BATCH = 32
EPOCHS = 3
LR = 2e-3

torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)


def simulate_season(rng):
    """Return features (T, 5) and stage labels (T,) for one field."""
    sow = rng.integers(2, 6)
    lengths = rng.integers([2, 4, 5, 3, 4], [4, 7, 8, 5, 6])
    bounds = np.cumsum(np.concatenate([[sow], lengths]))
    stage = np.zeros(N_COMPOSITES, dtype=np.int64)
    for s, start in enumerate(bounds, start=1):
        stage[start:] = s
    stage = np.minimum(stage, len(STAGES) - 1)

    t = np.arange(N_COMPOSITES)
    peak = bounds[3] + rng.normal(0, 1)
    ndvi = 0.15 + 0.7 * np.exp(-((t - peak) / rng.uniform(5, 8)) ** 2)
    ndvi[stage == len(STAGES) - 1] = 0.12
    ndwi = 0.8 * ndvi - 0.2 + rng.normal(0, 0.03, N_COMPOSITES)
    red_edge = 0.5 * ndvi + rng.normal(0, 0.02, N_COMPOSITES)
    gdd = np.cumsum(np.clip(10 * np.sin(np.pi * (t - 6) / 36) + rng.normal(0, 2, N_COMPOSITES), 0, None))
    rain = rng.gamma(1.2, 8.0, N_COMPOSITES)
    feats = np.stack([ndvi + rng.normal(0, 0.02, N_COMPOSITES), ndwi, red_edge, gdd / 100.0, rain / 50.0], 1)
    return feats.astype(np.float32), stage


def build_dataset():
    xs, ys = zip(*(simulate_season(rng) for _ in range(N_FIELDS)))
    x = torch.from_numpy(np.stack(xs))
    y = torch.from_numpy(np.stack(ys))
    return x, y


def stage_class_weights(y):
    counts = torch.bincount(y.flatten(), minlength=len(STAGES)).float()
    w = counts.sum() / (len(STAGES) * counts.clamp(min=1))
    return w / w.mean()


def build_model(n_in):
    rnn = nn.GRU(n_in, HIDDEN, num_layers=2, batch_first=True, bidirectional=True, dropout=0.1)
    head = nn.Linear(2 * HIDDEN, len(STAGES))
    return nn.ModuleDict({"rnn": rnn, "head": head})


def forward(model, x):
    h, _ = model["rnn"](x)
    return model["head"](h)


def run_epoch(model, loader, weights, opt=None):
    training = opt is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for xb, yb in loader:
            logits = forward(model, xb)
            loss = F.cross_entropy(logits, yb, weight=weights, label_smoothing=0.05)
            if training:
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
            total_loss += loss.item() * xb.size(0)
            correct += (logits.argmax(-1) == yb).sum().item()
            seen += yb.numel()
    return total_loss / len(loader.dataset), correct / seen


x, y = build_dataset()
feat_mean = x.mean(dim=(0, 1), keepdim=True)
feat_std = x.std(dim=(0, 1), keepdim=True)
x = (x - feat_mean) / feat_std

full = TensorDataset(x, y)
train_ds, val_ds = random_split(full, [200, 40], generator=torch.Generator().manual_seed(SEED))
train_dl = DataLoader(train_ds, batch_size=BATCH, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=BATCH)

weights = stage_class_weights(y[train_ds.indices])
print("stage weights:", [f"{w:.2f}" for w in weights.tolist()])

model = build_model(x.size(-1))
opt = torch.optim.Adam(model.parameters(), lr=LR)

for epoch in range(EPOCHS):
    tr_loss, tr_acc = run_epoch(model, train_dl, weights, opt)
    va_loss, va_acc = run_epoch(model, val_dl, weights)
    print(f"epoch {epoch + 1}: train {tr_loss:.3f}/{tr_acc:.3f}  val {va_loss:.3f}/{va_acc:.3f}")

