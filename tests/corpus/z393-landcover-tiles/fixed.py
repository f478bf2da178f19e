# Multi-label land-cover tagging of satellite tiles from per-band spectral statistics,
# plus an auxiliary cloud-cover head. Trained with accelerate.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from accelerate import Accelerator

CONFIG = {
    "n_tiles": 512,
    "n_bands": 12,          # Sentinel-2 style bands
    "stats_per_band": 4,    # mean, std, p10, p90
    "land_cover": ["water", "forest", "cropland", "urban", "bare_soil", "wetland"],
    "cloud_levels": 3,      # clear / partly / overcast
    "batch_size": 32,
    "lr": 3e-3,
    "epochs": 2,
    "aux_weight": 0.3,
    "seed": 7,
}

rng = np.random.default_rng(CONFIG["seed"])
torch.manual_seed(CONFIG["seed"])

n_feat = CONFIG["n_bands"] * CONFIG["stats_per_band"]
n_classes = len(CONFIG["land_cover"])

# --- synthetic tiles -------------------------------------------------------
spectra = rng.normal(size=(CONFIG["n_tiles"], n_feat)).astype(np.float32)
mixing = rng.normal(size=(n_feat, n_classes)).astype(np.float32)
cover_score = spectra @ mixing / np.sqrt(n_feat)
cover_tags = (cover_score > 0.4).astype(np.float32)         # a tile can carry several tags
cover_tags[cover_tags.sum(1) == 0, 1] = 1                   # default: forest
cloud = np.digitize(spectra[:, :3].mean(1), [-0.3, 0.3]).astype(np.int64)

split = int(0.8 * CONFIG["n_tiles"])
train_ds = TensorDataset(torch.from_numpy(spectra[:split]),
                         torch.from_numpy(cover_tags[:split]),
                         torch.from_numpy(cloud[:split]))
val_ds = TensorDataset(torch.from_numpy(spectra[split:]),
                       torch.from_numpy(cover_tags[split:]),
                       torch.from_numpy(cloud[split:]))


class TileNet(nn.Module):
    def __init__(self, in_dim, n_cover, n_cloud, hidden=64):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.GELU(), nn.Dropout(0.1),
            nn.Linear(hidden, hidden), nn.GELU(),
        )
        self.cover_head = nn.Linear(hidden, n_cover)
        self.cloud_head = nn.Linear(hidden, n_cloud)

    def forward(self, x):
        h = self.trunk(x)
        return self.cover_head(h), self.cloud_head(h)


accelerator = Accelerator(cpu=True)
model = TileNet(n_feat, n_classes, CONFIG["cloud_levels"])
optimizer = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])
train_loader = DataLoader(train_ds, batch_size=CONFIG["batch_size"], shuffle=True)
val_loader = DataLoader(val_ds, batch_size=CONFIG["batch_size"])
model, optimizer, train_loader, val_loader = accelerator.prepare(model, optimizer, train_loader, val_loader)

cover_loss_fn = nn.BCEWithLogitsLoss()
cloud_loss_fn = nn.CrossEntropyLoss()


def evaluate():
    model.eval()
    hits, total = 0.0, 0
    with torch.no_grad():
        for x, tags, _ in val_loader:
            cover_logits, _ = model(x)
            pred = (cover_logits.sigmoid() > 0.5).long()
            hits += (pred == tags).float().sum().item()
            total += tags.numel()
    model.train()
    return hits / max(total, 1)


for epoch in range(CONFIG["epochs"]):
    running = 0.0
    for step, (x, tags, cloud_lvl) in enumerate(train_loader):
        cover_logits, cloud_logits = model(x)
        loss = cover_loss_fn(cover_logits, tags) + CONFIG["aux_weight"] * cloud_loss_fn(cloud_logits, cloud_lvl)
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        running += loss.item()
    accelerator.print(f"epoch {epoch}: loss {running / (step + 1):.4f}  val tag acc {evaluate():.3f}")

accelerator.print("done")
