import types
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import ViTConfig, ViTModel

settings = types.SimpleNamespace(
    scene_hw=(192, 192),
    n_bands=4,
    tile=32,
    patch=8,
    classes=["water", "forest", "cropland", "urban", "bare", "wetland"],
    hidden=32,
    batch=8,
    steps=12,
    lr=5e-4,
    seed=11,
)

# ---------------------------------------------------------------- utils
def synth_scene(hw, n_bands, n_classes, rng):
    h, w = hw
    coarse = rng.integers(0, n_classes, size=(h // 16, w // 16))
    lc = np.kron(coarse, np.ones((16, 16), dtype=np.int64))
    signatures = rng.uniform(300, 4000, size=(n_classes, n_bands)).astype(np.float32)
    img = signatures[lc].transpose(2, 0, 1)
    img = img + rng.normal(0, 150, size=img.shape).astype(np.float32)
    return np.clip(img, 0, None), lc


def per_band_zscore(img):
    mu = img.mean(axis=(1, 2), keepdims=True)
    sd = img.std(axis=(1, 2), keepdims=True) + 1e-6
    return ((img - mu) / sd).astype(np.float32)


def majority_per_patch(mask, p):
    h, w = mask.shape
    blocks = mask.reshape(h // p, p, w // p, p).transpose(0, 2, 1, 3).reshape(-1, p * p)
    return np.array([Counter(b.tolist()).most_common(1)[0][0] for b in blocks], dtype=np.int64)


def tile_batches(img, mask, cfg, rng):
    _, h, w = img.shape
    offsets = [(y, x) for y in range(0, h - cfg.tile + 1, cfg.tile)
               for x in range(0, w - cfg.tile + 1, cfg.tile)]
    while True:
        pick = rng.choice(len(offsets), size=cfg.batch, replace=False)
        pixels, targets = [], []
        for k in pick:
            y, x = offsets[k]
            pixels.append(img[:, y:y + cfg.tile, x:x + cfg.tile])
            targets.append(majority_per_patch(mask[y:y + cfg.tile, x:x + cfg.tile], cfg.patch))
        yield {
            "pixel_values": torch.from_numpy(np.stack(pixels)),
            "patch_labels": torch.from_numpy(np.stack(targets)),
        }


# ---------------------------------------------------------------- model
class PatchLandCover(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        vit_cfg = ViTConfig(
            image_size=cfg.tile,
            patch_size=cfg.patch,
            num_channels=cfg.n_bands,
            hidden_size=cfg.hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
        )
        self.backbone = ViTModel(vit_cfg, add_pooling_layer=False)
        self.head = nn.Sequential(nn.LayerNorm(cfg.hidden), nn.Linear(cfg.hidden, len(cfg.classes)))

    def forward(self, pixel_values):
        out = self.backbone(pixel_values=pixel_values)
        tokens = out.last_hidden_state[:, 1:, :]
        return self.head(tokens)


# ---------------------------------------------------------------- train
def run(cfg):
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    img, lc = synth_scene(cfg.scene_hw, cfg.n_bands, len(cfg.classes), rng)
    img = per_band_zscore(img)

    model = PatchLandCover(cfg)
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    stream = tile_batches(img, lc, cfg, rng)

    history = []
    for step in range(cfg.steps):
        batch = next(stream)
        logits = model(batch["pixel_values"])
        acc = (logits.argmax(-1) == batch["patch_labels"]).float().mean().item()
        loss = F.cross_entropy(logits, batch["patch_labels"])
        optim.zero_grad(set_to_none=True)
        loss.backward()
        optim.step()
        history.append((loss.item(), acc))
        if step % 4 == 0:
            print(f"step {step:02d} loss {loss.item():.3f} patch-acc {acc:.3f}")

    final_loss = np.mean([h[0] for h in history[-4:]])
    print(f"mean loss over last 4 steps: {final_loss:.3f}")


if __name__ == "__main__":
    run(settings)
