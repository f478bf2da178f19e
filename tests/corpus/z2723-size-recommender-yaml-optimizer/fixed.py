from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from torch.utils.data import DataLoader, TensorDataset

CONFIG = """
seed: 3
data:
  n_customers: 600
  val_fraction: 0.2
  brands: [northloom, velvetyard, atelier_ora, kinfolk_denim, basecamp]
  garments: [tee, shirt, jacket, jeans, dress]
  sizes: [XS, S, M, L, XL]
model:
  brand_dim: 8
  garment_dim: 8
  hidden: 64
  dropout: 0.1
optim:
  lr: 0.002
  head_lr: 1.0e-3
  weight_decay: 0.01
  batch_size: 32
  epochs: 3
"""


@dataclass
class SizeChart:
    chest_cm: tuple = (82.0, 88.0, 96.0, 104.0, 112.0)
    waist_cm: tuple = (66.0, 72.0, 80.0, 88.0, 96.0)

    def label(self, chest, waist, brand_offset):
        c = np.searchsorted(self.chest_cm, chest - brand_offset)
        w = np.searchsorted(self.waist_cm, waist - brand_offset)
        return np.clip(np.maximum(c, w), 0, len(self.chest_cm) - 1)


def simulate(cfg, rng):
    n = cfg["data"]["n_customers"]
    n_brands, n_garments = len(cfg["data"]["brands"]), len(cfg["data"]["garments"])
    height = rng.normal(170, 9, n)
    weight = rng.normal(68, 12, n)
    chest = 0.5 * weight + 0.33 * height + rng.normal(0, 3, n)
    waist = 0.6 * weight + 0.2 * height + rng.normal(0, 3, n)
    brand = rng.integers(0, n_brands, n)
    garment = rng.integers(0, n_garments, n)
    vanity = np.linspace(-3.0, 3.0, n_brands)[brand]
    sizes = SizeChart().label(chest, waist, vanity)
    body = np.stack([height, weight, chest, waist], axis=1).astype(np.float32)
    return body, brand, garment, sizes


def standardise(train_x, *others):
    mu, sd = train_x.mean(0, keepdims=True), train_x.std(0, keepdims=True) + 1e-6
    return [(a - mu) / sd for a in (train_x, *others)]


class SizeRecommender(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        m, d = cfg["model"], cfg["data"]
        self.dropout = m["dropout"]
        self.layers = nn.ModuleDict({
            "brand": nn.Embedding(len(d["brands"]), m["brand_dim"]),
            "garment": nn.Embedding(len(d["garments"]), m["garment_dim"]),
            "body": nn.Linear(4, m["hidden"]),
            "mix": nn.Linear(m["hidden"] + m["brand_dim"] + m["garment_dim"], m["hidden"]),
            "head": nn.Linear(m["hidden"], len(d["sizes"])),
        })

    def forward(self, body, brand, garment):
        h = F.silu(self.layers["body"](body))
        z = torch.cat([h, self.layers["brand"](brand), self.layers["garment"](garment)], dim=-1)
        z = F.dropout(F.silu(self.layers["mix"](z)), p=self.dropout, training=self.training)
        return self.layers["head"](z)


def param_groups(model, optim_cfg):
    head = list(model.layers["head"].parameters())
    head_ids = {id(p) for p in head}
    rest = [p for p in model.parameters() if id(p) not in head_ids]
    return [
        {"params": rest, "lr": optim_cfg["lr"]},
        {"params": head, "lr": optim_cfg["head_lr"]},
    ]


def evaluate(model, loader):
    model.eval()
    correct, within_one, total = 0, 0, 0
    with torch.no_grad():
        for body, brand, garment, y in loader:
            pred = model(body, brand, garment).argmax(-1)
            correct += (pred == y).sum().item()
            within_one += ((pred - y).abs() <= 1).sum().item()
            total += y.numel()
    return correct / total, within_one / total


def main():
    cfg = yaml.safe_load(CONFIG)
    rng = np.random.default_rng(cfg["seed"])
    torch.manual_seed(cfg["seed"])

    body, brand, garment, sizes = simulate(cfg, rng)
    n_val = int(len(sizes) * cfg["data"]["val_fraction"])
    order = rng.permutation(len(sizes))
    tr, va = order[n_val:], order[:n_val]
    body_tr, body_va = standardise(body[tr], body[va])

    def as_ds(b, idx):
        return TensorDataset(torch.from_numpy(b), torch.from_numpy(brand[idx]),
                             torch.from_numpy(garment[idx]), torch.from_numpy(sizes[idx]))

    train_dl = DataLoader(as_ds(body_tr, tr), batch_size=cfg["optim"]["batch_size"], shuffle=True)
    val_dl = DataLoader(as_ds(body_va, va), batch_size=128)

    model = SizeRecommender(cfg)
    optimizer = torch.optim.AdamW(param_groups(model, cfg["optim"]), lr=cfg["optim"]["lr"],
                                  weight_decay=cfg["optim"]["weight_decay"])
    counts = np.bincount(sizes[tr], minlength=len(cfg["data"]["sizes"]))
    print("train size distribution:", dict(zip(cfg["data"]["sizes"], counts.tolist())))

    for epoch in range(cfg["optim"]["epochs"]):
        model.train()
        running = 0.0
        for body_b, brand_b, garment_b, y in train_dl:
            logits = model(body_b, brand_b, garment_b)
            loss = F.cross_entropy(logits, y, label_smoothing=0.05)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            running += loss.item() * y.size(0)
        acc, near = evaluate(model, val_dl)
        print(f"epoch {epoch}: loss {running / len(tr):.4f} exact {acc:.3f} within-one {near:.3f}")


if __name__ == "__main__":
    main()
