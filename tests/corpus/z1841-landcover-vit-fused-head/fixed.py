"""Land-cover segmentation of 6-band Landsat patches with a small ViT encoder.

Patches are cut from a larger synthetic scene raster. The decoder fuses the
token features of the last few encoder blocks and predicts a class for every
pixel inside each 4x4 token footprint.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import ViTConfig, ViTModel

torch.manual_seed(0)
rng = np.random.default_rng(0)

BANDS = ("blue", "green", "red", "nir", "swir1", "swir2")
LANDCOVER = ("water", "forest", "cropland", "urban", "bare")
TILE = 32
TOKEN_PX = 4
FUSE_LAYERS = 2


def synth_scene(height=256, width=256):
    """A toy scene: blocky land-cover map and class-dependent reflectance."""
    coarse = rng.integers(0, len(LANDCOVER), size=(height // 32, width // 32))
    labels = np.kron(coarse, np.ones((32, 32), dtype=np.int64))
    signatures = rng.uniform(0.02, 0.45, size=(len(LANDCOVER), len(BANDS)))
    refl = signatures[labels].transpose(2, 0, 1)
    refl = refl + rng.normal(0, 0.02, size=refl.shape)
    return refl.astype(np.float32), labels


def cut_tiles(raster, labels, tile, stride):
    chips, masks = [], []
    _, h, w = raster.shape
    for r in range(0, h - tile + 1, stride):
        for c in range(0, w - tile + 1, stride):
            chips.append(raster[:, r:r + tile, c:c + tile])
            masks.append(labels[r:r + tile, c:c + tile])
    return torch.from_numpy(np.stack(chips)), torch.from_numpy(np.stack(masks))


class TokenFusionDecoder(nn.Module):
    """Concatenate block outputs per token and unfold each token to its pixels."""

    def __init__(self, fused_dim, n_classes, token_px):
        super().__init__()
        self.token_px = token_px
        self.n_classes = n_classes
        self.mix = nn.Sequential(
            nn.LayerNorm(fused_dim),
            nn.Linear(fused_dim, 128),
            nn.GELU(),
            nn.Linear(128, n_classes * token_px * token_px),
        )

    def forward(self, fused_tokens, grid):
        b, n, _ = fused_tokens.shape
        logits = self.mix(fused_tokens)
        logits = logits.view(b, grid, grid, self.n_classes, self.token_px, self.token_px)
        logits = logits.permute(0, 3, 1, 4, 2, 5)
        return logits.reshape(b, self.n_classes, grid * self.token_px, grid * self.token_px)


class LandCoverSegmenter(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.backbone = ViTModel(cfg, add_pooling_layer=False)
        self.grid = cfg.image_size // cfg.patch_size
        self.decoder = TokenFusionDecoder(
            fused_dim=cfg.hidden_size * FUSE_LAYERS,
            n_classes=len(LANDCOVER),
            token_px=cfg.patch_size,
        )

    def forward(self, chips):
        out = self.backbone(pixel_values=chips, output_hidden_states=True)
        blocks = out.hidden_states[-FUSE_LAYERS:]
        fused = torch.cat([h[:, 1:] for h in blocks], dim=-1)
        return self.decoder(fused, self.grid)


def main():
    refl, labels = synth_scene()
    band_mean = refl.mean(axis=(1, 2), keepdims=True)
    band_std = refl.std(axis=(1, 2), keepdims=True)
    refl = (refl - band_mean) / band_std
    chips, masks = cut_tiles(refl, labels, TILE, stride=24)
    print(f"tiles: {tuple(chips.shape)}  masks: {tuple(masks.shape)}")

    cfg = ViTConfig(
        image_size=TILE,
        patch_size=TOKEN_PX,
        num_channels=len(BANDS),
        hidden_size=48,
        num_hidden_layers=3,
        num_attention_heads=4,
        intermediate_size=96,
    )
    model = LandCoverSegmenter(cfg)
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)

    for step in range(6):
        pick = torch.randint(0, chips.size(0), (8,))
        logits = model(chips[pick])
        loss = F.cross_entropy(logits, masks[pick])
        optim.zero_grad()
        loss.backward()
        optim.step()
        acc = (logits.argmax(1) == masks[pick]).float().mean().item()
        print(f"step {step}: loss={loss.item():.3f} pixel_acc={acc:.2f}")

    model.eval()
    with torch.no_grad():
        pred = model(chips[:4]).argmax(1)
    counts = torch.bincount(pred.flatten(), minlength=len(LANDCOVER))
    print(dict(zip(LANDCOVER, counts.tolist())))


if __name__ == "__main__":
    main()
