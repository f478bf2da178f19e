import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

MARKET_SETTINGS = """
seed: 11
markets:
  US:
    system: numeric
    to_eu_offset: 30
  UK:
    system: numeric
    to_eu_offset: 28
  FR:
    system: eu
    to_eu_offset: 0
  IT:
    system: it
    to_eu_offset: -4
  NO:
    system: eu
    to_eu_offset: 0
features:
  eu_size_min: 32
  eu_size_max: 50
  categories: [dress, coat, knitwear, trousers, shirt]
model:
  cat_dim: 6
  hidden: 24
fit:
  epochs: 4
  lr: 0.02
  batch_size: 64
"""

settings = yaml.safe_load(MARKET_SETTINGS)
rng = np.random.default_rng(settings["seed"])
torch.manual_seed(settings["seed"])


def synth_orders(n):
    market_codes = ["US", "UK", "FR", "IT", "NO"]
    cats = settings["features"]["categories"]
    orders = []
    for i in range(n):
        market = market_codes[rng.integers(len(market_codes))]
        eu_size = int(rng.integers(17, 25)) * 2
        offset = {"US": 30, "UK": 28, "FR": 0, "IT": -4, "NO": 0}[market]
        fit_bias = rng.normal(0.0, 1.0)
        orders.append({
            "order_id": f"ORD{i:06d}",
            "market": market,
            "label_size": eu_size - offset,
            "category": int(rng.integers(len(cats))),
            "price_eur": float(rng.uniform(29, 390)),
            "fit_bias": fit_bias,
            "returned": int(fit_bias + rng.normal(0, 0.5) > 0.6),
        })
    return orders


def make_size_normalizer(markets, lo, hi):
    def normalize(order):
        market_cfg = markets[order["market"]]
        eu = order["label_size"] + market_cfg["to_eu_offset"]
        return (eu - lo) / (hi - lo)
    return normalize


def featurize(orders):
    normalize = make_size_normalizer(
        settings["markets"],
        settings["features"]["eu_size_min"],
        settings["features"]["eu_size_max"],
    )
    numeric = np.array(
        [[normalize(o), math.log(o["price_eur"]), o["fit_bias"]] for o in orders],
        dtype=np.float32,
    )
    numeric[:, 1] = (numeric[:, 1] - numeric[:, 1].mean()) / numeric[:, 1].std()
    return {
        "numeric": torch.from_numpy(numeric),
        "category": torch.tensor([o["category"] for o in orders]),
        "returned": torch.tensor([o["returned"] for o in orders], dtype=torch.float32),
    }


def build_model(n_numeric, n_cats, mcfg):
    return nn.ModuleDict({
        "cat": nn.Embedding(n_cats, mcfg["cat_dim"]),
        "num": nn.Linear(n_numeric, mcfg["hidden"]),
        "joint": nn.Linear(mcfg["hidden"] + mcfg["cat_dim"], mcfg["hidden"]),
        "out": nn.Linear(mcfg["hidden"], 1),
    })


def score(model, numeric, category):
    h = F.relu(model["num"](numeric))
    h = torch.cat([h, model["cat"](category)], dim=-1)
    h = F.relu(model["joint"](h))
    return model["out"](h).squeeze(-1)


def main():
    orders = synth_orders(600)
    feats = featurize(orders)
    n = feats["returned"].numel()
    split = int(0.8 * n)

    model = build_model(feats["numeric"].shape[1], len(settings["features"]["categories"]),
                        settings["model"])
    opt = torch.optim.SGD(model.parameters(), lr=settings["fit"]["lr"], momentum=0.9)
    bs = settings["fit"]["batch_size"]

    for epoch in range(settings["fit"]["epochs"]):
        order = torch.randperm(split)
        for start in range(0, split, bs):
            idx = order[start:start + bs]
            logits = score(model, feats["numeric"][idx], feats["category"][idx])
            loss = F.binary_cross_entropy_with_logits(logits, feats["returned"][idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            val_logits = score(model, feats["numeric"][split:], feats["category"][split:])
            val_loss = F.binary_cross_entropy_with_logits(val_logits, feats["returned"][split:])
            acc = ((val_logits > 0).float() == feats["returned"][split:]).float().mean()
        print(f"epoch {epoch}: val_loss={val_loss.item():.3f} val_acc={acc.item():.3f}")


if __name__ == "__main__":
    main()
