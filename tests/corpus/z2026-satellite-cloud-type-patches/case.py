"""Per-patch cloud-type classification from geostationary imager channels.

Brightness temperatures (IR 10.8, WV 6.2, IR 12.0) plus visible reflectance
on a lat-lon grid are cut into patches; a small transformer encoder labels
each patch with a cloud class derived from a pixel-level cloud-type product.
"""
import torch
import torch.nn as nn

torch.manual_seed(3)

CHANNELS = ["bt_108", "bt_062", "bt_120", "refl_06"]
CLOUD_TYPES = ["clear", "low", "mid", "high_thin", "high_thick", "deep_convection"]
N_LAT, N_LON = 40, 64
PATCH = 8
SCENES = 4


def synth_scene():
    """Random cloud-type map and consistent radiances."""
    coarse = torch.randint(0, len(CLOUD_TYPES), (N_LAT // 4, N_LON // 4))
    ctype = coarse.repeat_interleave(4, 0).repeat_interleave(4, 1)
    top_temp = torch.tensor([290.0, 275.0, 255.0, 235.0, 225.0, 205.0])
    bt108 = top_temp[ctype] + 1.5 * torch.randn(N_LAT, N_LON)
    bt062 = bt108 - 30 + 3 * torch.randn(N_LAT, N_LON)
    bt120 = bt108 - torch.tensor([1.0, 1.5, 2.0, 4.0, 2.5, 0.5])[ctype]
    refl = torch.tensor([0.05, 0.35, 0.45, 0.2, 0.6, 0.85])[ctype] + 0.03 * torch.randn(N_LAT, N_LON)
    return torch.stack([bt108, bt062, bt120, refl]), ctype


def patch_labels(ctype_map, patch, n_classes):
    """Majority cloud type inside each patch."""
    h, w = ctype_map.shape[-2:]
    blocks = ctype_map.reshape(-1, h // patch, patch, w // patch, patch)
    blocks = blocks.permute(0, 1, 3, 2, 4).reshape(ctype_map.size(0), -1, patch * patch)
    counts = nn.functional.one_hot(blocks, n_classes).sum(dim=2)
    return counts.argmax(dim=-1)


class PatchCloudClassifier(nn.Module):
    def __init__(self, n_channels, n_classes, patch, dim=48, depth=2, heads=4):
        super().__init__()
        self.embed = nn.Conv2d(n_channels, dim, kernel_size=patch, stride=patch)
        n_tokens = (N_LAT // patch) * (N_LON // patch)
        self.pos = nn.Parameter(torch.zeros(1, n_tokens, dim))
        nn.init.trunc_normal_(self.pos, std=0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=2 * dim,
                                           dropout=0.0, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.classify = nn.Linear(dim, n_classes)

    def forward(self, radiances):
        tokens = self.embed(radiances).flatten(2).transpose(1, 2) + self.pos
        return self.classify(self.norm(self.encoder(tokens)))


def normalise(x):
    mean = x.mean(dim=(0, 2, 3), keepdim=True)
    std = x.std(dim=(0, 2, 3), keepdim=True)
    return (x - mean) / std


def main():
    scenes, maps = zip(*(synth_scene() for _ in range(SCENES)))
    radiances = normalise(torch.stack(scenes))
    ctype_maps = torch.stack(maps)
    patch_classes = patch_labels(ctype_maps, PATCH, len(CLOUD_TYPES))
    print("radiances", tuple(radiances.shape), "patch labels", tuple(patch_classes.shape))

    model = PatchCloudClassifier(len(CHANNELS), len(CLOUD_TYPES), PATCH)
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.05)

    for it in range(6):
        logits = model(radiances)
        loss = criterion(logits, patch_classes)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        with torch.no_grad():
            acc = (logits.argmax(-1) == patch_classes).float().mean()
        print(f"iter {it}  ce {loss.item():.3f}  patch acc {acc:.2f}")


if __name__ == "__main__":
    main()
