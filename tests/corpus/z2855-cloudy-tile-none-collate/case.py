import types

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import ViTConfig, ViTForImageClassification

S = types.SimpleNamespace(
    seed=21,
    scene=(5, 160, 160),
    tile=32,
    patch=8,
    max_cloud=0.3,
    classes=["cropland", "forest", "urban", "water"],
    batch_size=8,
    epochs=2,
    lr=4e-4,
)

BAND_NAMES = ["blue", "green", "red", "nir", "swir1"]


# ------------------------------------------------------------- utils
def render_scene(rng, shape, n_cls):
    c, h, w = shape
    seeds = rng.integers(0, h, size=(12, 2))
    seed_cls = rng.integers(0, n_cls, size=12)
    yy, xx = np.mgrid[0:h, 0:w]
    dist = (yy[None] - seeds[:, 0, None, None]) ** 2 + (xx[None] - seeds[:, 1, None, None]) ** 2
    lc = seed_cls[dist.argmin(0)]
    signature = rng.uniform(0.02, 0.45, size=(n_cls, c)).astype(np.float32)
    refl = signature[lc].transpose(2, 0, 1) + rng.normal(0, 0.01, size=shape).astype(np.float32)
    blob = np.exp(-(((yy - 40) / 25.0) ** 2 + ((xx - 110) / 30.0) ** 2))
    cloud = blob > 0.45
    refl[:, cloud] = 0.9 + rng.normal(0, 0.02, size=(c, cloud.sum())).astype(np.float32)
    return refl, lc, cloud


def band_moments(refl, cloud):
    clear = refl[:, ~cloud]
    return {name: (float(clear[i].mean()), float(clear[i].std())) for i, name in enumerate(BAND_NAMES)}


def standardise(refl, moments):
    mu = np.array([moments[b][0] for b in BAND_NAMES], dtype=np.float32)[:, None, None]
    sd = np.array([moments[b][1] for b in BAND_NAMES], dtype=np.float32)[:, None, None]
    return (refl - mu) / sd


def grid_origins(h, w, tile):
    return [(r, c) for r in range(0, h, tile) for c in range(0, w, tile)]


class TileSet(Dataset):
    def __init__(self, refl, lc, cloud, origins, tile, max_cloud):
        self.refl, self.lc, self.cloud = refl, lc, cloud
        self.origins, self.tile, self.max_cloud = origins, tile, max_cloud

    def __len__(self):
        return len(self.origins)

    def __getitem__(self, i):
        r, c = self.origins[i]
        win = np.s_[r:r + self.tile, c:c + self.tile]
        if self.cloud[win].mean() > self.max_cloud:
            return None
        label = np.bincount(self.lc[win].ravel(), minlength=len(S.classes)).argmax()
        return {"pixel_values": torch.from_numpy(self.refl[(slice(None),) + win].copy()),
                "labels": torch.tensor(label, dtype=torch.long)}


# ------------------------------------------------------------- main
def main():
    rng = np.random.default_rng(S.seed)
    torch.manual_seed(S.seed)
    refl, lc, cloud = render_scene(rng, S.scene, len(S.classes))
    moments = band_moments(refl, cloud)
    x = standardise(refl, moments).astype(np.float32)

    origins = grid_origins(S.scene[1], S.scene[2], S.tile)
    ds = TileSet(x, lc, cloud, origins, S.tile, S.max_cloud)
    loader = DataLoader(ds, batch_size=S.batch_size, shuffle=False)

    config = ViTConfig(
        image_size=S.tile,
        patch_size=S.patch,
        num_channels=S.scene[0],
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=len(S.classes),
        id2label=dict(enumerate(S.classes)),
        label2id={k: i for i, k in enumerate(S.classes)},
    )
    model = ViTForImageClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=S.lr)

    for epoch in range(S.epochs):
        model.train()
        step_losses = []
        for batch in loader:
            out = model(**batch)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            step_losses.append(out.loss.item())
        print(f"epoch {epoch}: {len(step_losses)} steps, mean loss {np.mean(step_losses):.4f}")

    model.eval()
    counts = dict.fromkeys(S.classes, 0)
    with torch.no_grad():
        for batch in loader:
            for k in model(pixel_values=batch["pixel_values"]).logits.argmax(-1).tolist():
                counts[config.id2label[k]] += 1
    print("predicted tile classes:", counts)


if __name__ == "__main__":
    main()
