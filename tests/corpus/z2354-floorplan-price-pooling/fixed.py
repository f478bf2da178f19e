import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "seed": 3,
    "n_plans": 160,
    "canvas": 64,
    "patch": 8,
    "min_side": 28,
    "embed_dim": 48,
    "batch_size": 32,
    "epochs": 3,
    "lr": 2e-3,
    "price_per_px": 38.0,
}


def draw_floorplan(rng, h, w):
    img = np.zeros((h, w), dtype=np.uint8)
    img[0, :] = img[-1, :] = img[:, 0] = img[:, -1] = 255
    n_rooms = 1
    for _ in range(rng.integers(1, 4)):
        c = int(rng.integers(6, w - 6))
        img[:, c] = 255
        door = int(rng.integers(2, h - 4))
        img[door:door + 3, c] = 0
        n_rooms += 1
    for _ in range(rng.integers(0, 3)):
        r = int(rng.integers(6, h - 6))
        img[r, :] = 255
        door = int(rng.integers(2, w - 4))
        img[r, door:door + 3] = 0
        n_rooms += 1
    interior = img == 0
    img[interior] = 40
    return img, n_rooms, int(interior.sum())


def make_dataset(cfg):
    rng = np.random.default_rng(cfg["seed"])
    C = cfg["canvas"]
    images = np.zeros((cfg["n_plans"], 1, C, C), dtype=np.uint8)
    valid = np.zeros((cfg["n_plans"], 1, C, C), dtype=np.uint8)
    prices = np.zeros(cfg["n_plans"], dtype=np.float32)
    for i in range(cfg["n_plans"]):
        h = int(rng.integers(cfg["min_side"], C + 1))
        w = int(rng.integers(cfg["min_side"], C + 1))
        plan, n_rooms, area_px = draw_floorplan(rng, h, w)
        images[i, 0, :h, :w] = plan
        valid[i, 0, :h, :w] = 1
        price = area_px * cfg["price_per_px"] * (1 + 0.04 * n_rooms) * rng.lognormal(0, 0.08)
        prices[i] = np.log(price)
    return torch.from_numpy(images), torch.from_numpy(valid), torch.from_numpy(prices)


def build_model(cfg):
    d = cfg["embed_dim"]
    n_patches = (cfg["canvas"] // cfg["patch"]) ** 2
    return nn.ModuleDict({
        "stem": nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.GELU()),
        "patch_embed": nn.Conv2d(16, d, kernel_size=cfg["patch"], stride=cfg["patch"]),
        "pos": nn.Embedding(n_patches, d),
        "norm": nn.LayerNorm(d),
        "score": nn.Linear(d, 1),
        "regressor": nn.Sequential(nn.Linear(d, d), nn.GELU(), nn.Linear(d, 1)),
    })


def patch_padding(valid, patch):
    coverage = F.max_pool2d(valid.float(), kernel_size=patch, stride=patch)
    return coverage.flatten(1) == 0


def forward(model, images, valid, cfg):
    x = images.float() / 255.0
    x = model["patch_embed"](model["stem"](x))
    tokens = x.flatten(2).transpose(1, 2)
    pos_ids = torch.arange(tokens.size(1), device=tokens.device)
    tokens = model["norm"](tokens + model["pos"](pos_ids))

    pad = patch_padding(valid, cfg["patch"])
    scores = model["score"](tokens).squeeze(-1)
    scores = scores.masked_fill(pad, float("-inf"))
    weights = torch.softmax(scores, dim=1)
    pooled = torch.einsum("bn,bnd->bd", weights, tokens)
    return model["regressor"](pooled).squeeze(-1)


def iterate(n, batch_size, shuffle, gen):
    order = torch.randperm(n, generator=gen) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def main(cfg):
    torch.manual_seed(cfg["seed"])
    gen = torch.Generator().manual_seed(cfg["seed"])
    images, valid, log_price = make_dataset(cfg)
    n_train = int(0.85 * len(log_price))
    mu, sd = log_price[:n_train].mean(), log_price[:n_train].std()
    target = (log_price - mu) / sd

    model = build_model(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=1e-4)

    for epoch in range(cfg["epochs"]):
        model.train()
        running = []
        for idx in iterate(n_train, cfg["batch_size"], True, gen):
            pred = forward(model, images[idx], valid[idx], cfg)
            loss = F.smooth_l1_loss(pred, target[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        model.eval()
        with torch.no_grad():
            val_idx = torch.arange(n_train, len(target))
            val_pred = forward(model, images[val_idx], valid[val_idx], cfg) * sd + mu
            mape = ((val_pred.exp() - log_price[val_idx].exp()).abs() / log_price[val_idx].exp()).mean()
        print(f"epoch {epoch}  train {np.mean(running):.4f}  val MAPE {100 * mape:.1f}%")


if __name__ == "__main__":
    main(CFG)
