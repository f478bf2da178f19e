import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

RNG_SEED = 7
CT_SHAPE = (64, 96, 96)
CROP = 32
TOKEN = 8
EMBED_DIM = 48
N_HEADS = 4

TRAIN_CFG = {
    "patch": 48,
    "batch": 6,
    "steps": 8,
    "lr": 2e-4,
    "jitter": 3,
}


def fake_chest_ct(rng):
    vol = rng.normal(-800, 40, size=CT_SHAPE).astype(np.float32)
    lab = np.zeros(CT_SHAPE, dtype=np.int64)
    n_nod = rng.integers(1, 4)
    zz, yy, xx = np.indices(CT_SHAPE)
    nodules = []
    for _ in range(n_nod):
        c = np.array([rng.integers(16, s - 16) for s in CT_SHAPE])
        r = rng.uniform(2.5, 6.0)
        malignant = int(r > 4.0)
        ball = (zz - c[0]) ** 2 + (yy - c[1]) ** 2 + (xx - c[2]) ** 2 <= r ** 2
        vol[ball] = rng.normal(30, 20, size=ball.sum())
        lab[ball] = 1 + malignant
        nodules.append((c, malignant))
    return vol, lab, nodules


def lung_window(vol, level=-600.0, width=1500.0):
    lo, hi = level - width / 2, level + width / 2
    return ((np.clip(vol, lo, hi) - lo) / (hi - lo)).astype(np.float32)


def extract_cube(vol, centre, size):
    half = size // 2
    pad = np.pad(vol, half, mode="constant", constant_values=vol.min())
    sl = tuple(slice(c, c + size) for c in centre)
    return pad[sl]


def nodule_patch_stream(cases, size, jitter, rng):
    while True:
        vol, lab, nodules = cases[rng.integers(len(cases))]
        centre, malignant = nodules[rng.integers(len(nodules))]
        centre = centre + rng.integers(-jitter, jitter + 1, size=3)
        cube = lung_window(extract_cube(vol, centre, size))
        yield cube, malignant


def batches(stream, bs):
    while True:
        xs, ys = zip(*(next(stream) for _ in range(bs)))
        yield torch.from_numpy(np.stack(xs)[:, None]), torch.tensor(ys)


def n_tokens_for(size, tok):
    return (size // tok) ** 3


class Tokenizer3d(nn.Module):
    def __init__(self, tok, dim):
        super().__init__()
        self.proj = nn.Conv3d(1, dim, kernel_size=tok, stride=tok)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class NoduleViT(nn.Module):
    def __init__(self, max_tokens, dim=EMBED_DIM, heads=N_HEADS, depth=2, n_cls=2):
        super().__init__()
        self.tokens = Tokenizer3d(TOKEN, dim)
        self.pos = nn.Embedding(max_tokens, dim)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=2 * dim, batch_first=True,
                                           norm_first=True, dropout=0.0)
        self.blocks = nn.TransformerEncoder(layer, depth)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, n_cls)

    def forward(self, x):
        t = self.tokens(x)
        idx = torch.arange(t.shape[1], device=t.device)
        t = t + self.pos(idx)[None]
        t = torch.cat([self.cls_token.expand(t.shape[0], -1, -1), t], 1)
        t = self.blocks(t)
        return self.head(self.norm(t[:, 0]))


def cosine_lr(step, total, base):
    return base * 0.5 * (1 + math.cos(math.pi * step / total))


def evaluate(model, cases, size, rng, n=24):
    stream = nodule_patch_stream(cases, size, 0, rng)
    x, y = next(batches(stream, n))
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(1)
    return (pred == y).float().mean().item()


def main():
    torch.manual_seed(RNG_SEED)
    rng = np.random.default_rng(RNG_SEED)
    cases = [fake_chest_ct(rng) for _ in range(4)]
    model = NoduleViT(max_tokens=n_tokens_for(CROP, TOKEN))
    opt = torch.optim.AdamW(model.parameters(), lr=TRAIN_CFG["lr"], weight_decay=0.05)
    stream = nodule_patch_stream(cases, TRAIN_CFG["patch"], TRAIN_CFG["jitter"], rng)
    loader = batches(stream, TRAIN_CFG["batch"])
    for step in range(TRAIN_CFG["steps"]):
        for g in opt.param_groups:
            g["lr"] = cosine_lr(step, TRAIN_CFG["steps"], TRAIN_CFG["lr"])
        x, y = next(loader)
        model.train()
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.4f}")
    print("val acc", evaluate(model, cases, TRAIN_CFG["patch"], rng))


if __name__ == "__main__":
    main()
