import types
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

S = types.SimpleNamespace(
    legend={10: "tree", 20: "shrub", 30: "grass", 40: "crop", 50: "built",
            60: "bare", 80: "water", 90: "wetland"},
    scene=(6, 256, 384),
    tile=32,
    val_from_col=256,
    batch=16,
    epochs=2,
    seed=3,
)


@dataclass
class ViTSpec:
    in_ch: int
    img: int = 32
    patch: int = 4
    dim: int = 48
    depth: int = 2
    heads: int = 4
    n_cls: int = 8


# ---------------------------------------------------------------- utils
def synth_worldcover(shape, legend, rng):
    c, h, w = shape
    codes = np.array(sorted(legend))
    dry = codes[codes != 90]
    blocks = rng.choice(dry, size=(h // 32, w // 32))
    blocks[:, -3:][rng.random((h // 32, 3)) < 0.5] = 90
    lc = np.kron(blocks, np.ones((32, 32), dtype=blocks.dtype))
    spectra = {k: rng.uniform(200, 5000, size=c) for k in codes}
    img = np.stack([spectra[k] for k in codes])[np.searchsorted(codes, lc)]
    img = img.transpose(2, 0, 1) + rng.normal(0, 120, size=(c, h, w))
    return img.astype(np.float32), lc


def band_minmax(img, cols):
    sub = img[:, :, cols]
    lo = sub.min(axis=(1, 2))[:, None, None]
    hi = sub.max(axis=(1, 2))[:, None, None]
    return lambda a: (a - lo) / (hi - lo + 1e-6)


def dominant_code(patch):
    vals, counts = np.unique(patch, return_counts=True)
    return vals[np.argmax(counts)]


def tiles_in(img, lc, col_range, size):
    xs, ys = [], []
    for r in range(0, img.shape[1] - size + 1, size):
        for c in range(col_range.start, col_range.stop - size + 1, size):
            xs.append(img[:, r:r + size, c:c + size])
            ys.append(dominant_code(lc[r:r + size, c:c + size]))
    return np.stack(xs), np.array(ys)


def remap(codes, known):
    return np.searchsorted(known, codes).astype(np.int64)


# ---------------------------------------------------------------- model
class ConvPatchViT(nn.Module):
    def __init__(self, spec: ViTSpec):
        super().__init__()
        n = (spec.img // spec.patch) ** 2
        self.to_tokens = nn.Conv2d(spec.in_ch, spec.dim, spec.patch, stride=spec.patch)
        self.pos_table = nn.Parameter(torch.zeros(1, n, spec.dim))
        nn.init.trunc_normal_(self.pos_table, std=0.02)
        enc = nn.TransformerEncoderLayer(spec.dim, spec.heads, 4 * spec.dim, batch_first=True)
        self.encoder = nn.TransformerEncoder(enc, spec.depth, enable_nested_tensor=False)
        self.cls_head = nn.Sequential(nn.LayerNorm(spec.dim), nn.Linear(spec.dim, spec.n_cls))

    def forward(self, x):
        t = self.to_tokens(x).flatten(2).transpose(1, 2) + self.pos_table
        return self.cls_head(self.encoder(t).mean(dim=1))


# ---------------------------------------------------------------- main
def evaluate(model, loader):
    model.eval()
    tot, correct, n = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            out = model(xb)
            tot += F.cross_entropy(out, yb, reduction="sum").item()
            correct += (out.argmax(1) == yb).sum().item()
            n += len(yb)
    return tot / n, correct / n


def main():
    rng = np.random.default_rng(S.seed)
    torch.manual_seed(S.seed)
    img, lc = synth_worldcover(S.scene, S.legend, rng)
    scale = band_minmax(img, slice(0, S.val_from_col))
    img = scale(img)

    x_tr, c_tr = tiles_in(img, lc, range(0, S.val_from_col), S.tile)
    x_va, c_va = tiles_in(img, lc, range(S.val_from_col, S.scene[2]), S.tile)

    known = np.array(sorted(S.legend))
    y_tr, y_va = remap(c_tr, known), remap(c_va, known)
    print(f"{len(x_tr)} train / {len(x_va)} val tiles, classes: {[S.legend[k] for k in known]}")

    spec = ViTSpec(in_ch=S.scene[0], img=S.tile, n_cls=len(known))
    model = ConvPatchViT(spec)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)

    to_ds = lambda x, y: TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    train_dl = DataLoader(to_ds(x_tr, y_tr), batch_size=S.batch, shuffle=True)
    val_dl = DataLoader(to_ds(x_va, y_va), batch_size=S.batch)

    for ep in range(S.epochs):
        model.train()
        for xb, yb in train_dl:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        vl, va = evaluate(model, val_dl)
        print(f"epoch {ep} train {loss.item():.3f} val {vl:.3f} acc {va:.2%}")


if __name__ == "__main__":
    main()
