from dataclasses import dataclass, field
from typing import Dict, Iterator, List

import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

SETTINGS = """
seed: 7
size_chart:
  sizes: [XS, S, M, L, XL, XXL]
  measurements: [bust_cm, waist_cm, hip_cm, inseam_cm]
  base: [80.0, 62.0, 86.0, 76.0]
  grade: [4.0, 4.0, 4.0, 1.0]
catalog:
  n_products: 40
  customers_per_product: 6
  categories: [dress, trousers, jumpsuit, blouse]
model:
  cat_dim: 8
  hidden: 32
optim:
  lr: 0.01
  epochs: 3
  batch_size: 32
"""

cfg = yaml.safe_load(SETTINGS)
torch.manual_seed(cfg["seed"])

N_SIZES = len(cfg["size_chart"]["sizes"])
N_MEAS = len(cfg["size_chart"]["measurements"])


@dataclass
class Product:
    sku: str
    title: str
    category: int
    chart: torch.Tensor = field(repr=False)


def grade_chart(base: torch.Tensor, grade: torch.Tensor, ease: float) -> torch.Tensor:
    steps = torch.arange(N_SIZES, dtype=torch.float32).unsqueeze(1)
    return base.unsqueeze(0) + steps * grade.unsqueeze(0) + ease


def generate_products() -> List[Product]:
    base = torch.tensor(cfg["size_chart"]["base"])
    grade = torch.tensor(cfg["size_chart"]["grade"])
    cats = cfg["catalog"]["categories"]
    products = []
    for i in range(cfg["catalog"]["n_products"]):
        cat = int(torch.randint(len(cats), (1,)))
        ease = float(torch.empty(1).uniform_(-2.0, 4.0))
        products.append(Product(
            sku=f"FW24-{i:04d}",
            title=f"{cats[cat].title()} style {i}",
            category=cat,
            chart=grade_chart(base, grade, ease),
        ))
    return products


def sample_customers(products: List[Product]) -> Iterator[Dict[str, torch.Tensor]]:
    base = torch.tensor(cfg["size_chart"]["base"])
    grade = torch.tensor(cfg["size_chart"]["grade"])
    n_sizes = len(cfg["size_chart"]["sizes"])
    for p in products:
        for _ in range(cfg["catalog"]["customers_per_product"]):
            true_step = torch.rand(1) * (n_sizes - 1)
            body = base + true_step * grade + torch.randn(N_MEAS) * 1.5
            yield {"body": body, "chart": p.chart, "category": torch.tensor(p.category)}


def nearest_size_labels(body: torch.Tensor, charts: torch.Tensor) -> torch.Tensor:
    dists = []
    for s_idx, size_name in enumerate(cfg["size_chart"]["sizes"]):
        row = charts[:, s_idx, :]
        dists.append(F.pairwise_distance(body, row))
    return torch.stack(dists, dim=1).argmin(dim=1)


class FitRecommender(nn.Module):
    def __init__(self, n_categories: int, n_sizes: int, mcfg: dict):
        super().__init__()
        self.blocks = nn.ModuleDict({
            "cat_emb": nn.Embedding(n_categories, mcfg["cat_dim"]),
            "body_enc": nn.Linear(N_MEAS, mcfg["hidden"]),
            "chart_enc": nn.Linear(N_MEAS, mcfg["hidden"]),
            "mix": nn.Linear(mcfg["hidden"] + mcfg["cat_dim"], mcfg["hidden"]),
        })

    def forward(self, body, charts, category):
        b = F.silu(self.blocks["body_enc"](F.layer_norm(body, body.shape[-1:])))
        c = self.blocks["cat_emb"](category)
        q = F.silu(self.blocks["mix"](torch.cat([b, c], dim=-1)))
        k = self.blocks["chart_enc"](F.layer_norm(charts, charts.shape[-1:]))
        return torch.einsum("bh,bsh->bs", q, k) / q.shape[-1] ** 0.5


def batches(records, batch_size):
    for start in range(0, len(records), batch_size):
        chunk = records[start:start + batch_size]
        yield {key: torch.stack([r[key] for r in chunk]) for key in chunk[0]}


def main():
    products = generate_products()
    records = list(sample_customers(products))
    perm = torch.randperm(len(records)).tolist()
    records = [records[i] for i in perm]

    model = FitRecommender(len(cfg["catalog"]["categories"]),
                           len(cfg["size_chart"]["sizes"]), cfg["model"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["optim"]["lr"])

    for epoch in range(cfg["optim"]["epochs"]):
        total, hits, loss_sum = 0, 0, 0.0
        for batch in batches(records, cfg["optim"]["batch_size"]):
            target = nearest_size_labels(batch["body"], batch["chart"])
            logits = model(batch["body"], batch["chart"], batch["category"])
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * target.numel()
            hits += (logits.argmax(-1) == target).sum().item()
            total += target.numel()
        print(f"epoch {epoch}: loss={loss_sum / total:.3f} acc={hits / total:.3f}")

    sizes = cfg["size_chart"]["sizes"]
    sample = records[0]
    with torch.no_grad():
        probs = F.softmax(model(sample["body"][None], sample["chart"][None],
                                sample["category"][None]), dim=-1)[0]
    print({s: round(p, 3) for s, p in zip(sizes, probs.tolist())})


if __name__ == "__main__":
    main()
