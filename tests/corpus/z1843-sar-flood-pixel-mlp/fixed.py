"""Flood extent mapping from bi-temporal Sentinel-1 backscatter.

For each tile cut from a pre-event and a post-event VV/VH scene we build
per-pixel features (both dates plus the post/pre log-ratio) and train a
pixel-wise MLP to flag newly flooded pixels. Open water darkens SAR
backscatter strongly, so the ratio channels carry most of the signal.
"""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(11)
rng = np.random.default_rng(11)

POLS = ("VV", "VH")
SCENE_PX = 200
CHIP = 40
FLOOD_WEIGHT = 3.0


def simulate_scenes():
    """Pre/post backscatter in linear power with a river that overflows."""
    yy, xx = np.mgrid[:SCENE_PX, :SCENE_PX]
    river = np.abs(yy - (100 + 25 * np.sin(xx / 30.0))) < 6
    flood = np.abs(yy - (100 + 25 * np.sin(xx / 30.0))) < 6 + 22 * (xx > 70)
    land_vv, land_vh = 0.12, 0.03
    water_vv, water_vh = 0.008, 0.002

    def scene(water):
        vv = np.where(water, water_vv, land_vv) * rng.gamma(4.0, 0.25, size=water.shape)
        vh = np.where(water, water_vh, land_vh) * rng.gamma(4.0, 0.25, size=water.shape)
        return np.stack([vv, vh]).astype(np.float32)

    newly_flooded = (flood & ~river).astype(np.int64)
    return scene(river), scene(flood), newly_flooded


def to_db(power):
    return 10.0 * torch.log10(power.clamp(min=1e-5))


def chip_grid(pre, post, label):
    pre_c, post_c, lab_c = [], [], []
    for r in range(0, SCENE_PX - CHIP + 1, CHIP):
        for c in range(0, SCENE_PX - CHIP + 1, CHIP):
            pre_c.append(pre[:, r:r + CHIP, c:c + CHIP])
            post_c.append(post[:, r:r + CHIP, c:c + CHIP])
            lab_c.append(label[r:r + CHIP, c:c + CHIP])
    return (torch.from_numpy(np.stack(pre_c)), torch.from_numpy(np.stack(post_c)),
            torch.from_numpy(np.stack(lab_c)))


def change_features(pre_chips, post_chips):
    pre_db, post_db = to_db(pre_chips), to_db(post_chips)
    ratio_db = post_db - pre_db
    return torch.cat([pre_db, post_db, ratio_db], dim=1)


def pixels_as_rows(feature_stack):
    n_feat = feature_stack.shape[1]
    return feature_stack.permute(0, 2, 3, 1).reshape(-1, n_feat)


class PixelFloodMLP(nn.Module):
    def __init__(self, n_feat, hidden=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_feat, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, rows):
        return self.net(rows).squeeze(-1)


def main():
    pre, post, newly_flooded = simulate_scenes()
    pre_chips, post_chips, flood_chips = chip_grid(pre, post, newly_flooded)
    feats = change_features(pre_chips, post_chips)
    print(f"chips={feats.shape[0]} features/pixel={feats.shape[1]} chip={CHIP}px")
    print(f"flooded fraction: {flood_chips.float().mean():.3f}")

    rows = pixels_as_rows(feats)
    targets = flood_chips.reshape(-1).float()
    mu, sigma = rows.mean(0), rows.std(0)
    rows = (rows - mu) / sigma

    model = PixelFloodMLP(rows.shape[1])
    optim = torch.optim.Adam(model.parameters(), lr=5e-3)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(FLOOD_WEIGHT))

    for epoch in range(4):
        perm = torch.randperm(rows.shape[0])
        for start in range(0, rows.shape[0], 4096):
            idx = perm[start:start + 4096]
            loss = loss_fn(model(rows[idx]), targets[idx])
            optim.zero_grad()
            loss.backward()
            optim.step()
        with torch.no_grad():
            pred = model(rows) > 0
        tp = (pred & (targets > 0)).sum().item()
        precision = tp / max(pred.sum().item(), 1)
        recall = tp / max((targets > 0).sum().item(), 1)
        print(f"epoch {epoch}: loss={loss.item():.3f} precision={precision:.2f} recall={recall:.2f}")

    flood_map = pred.view(flood_chips.shape)
    print("flooded pixels per chip:", flood_map.sum(dim=(1, 2)).tolist()[:8], "...")


if __name__ == "__main__":
    main()
