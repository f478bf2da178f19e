import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from dataclasses import dataclass

RNG = np.random.default_rng(20240117)

CLAIM_DTYPE = np.dtype([
    ("policy_id", "i8"),
    ("driver_age", "f4"),
    ("vehicle_age", "f4"),
    ("annual_mileage", "f4"),
    ("prior_claims", "i4"),
    ("region", "i4"),
    ("incurred", "f8"),
])

SEVERITY_CUTS = [2_500.0, 10_000.0, 40_000.0, 150_000.0]
SEVERITY_LABELS = ["attritional", "moderate", "serious", "large"]
N_REGIONS = 6


@dataclass
class ModelSpec:
    n_numeric: int = 4
    region_dim: int = 3
    hidden: int = 48
    n_bands: int = len(SEVERITY_LABELS)
    dropout: float = 0.1


def simulate_book(n_rows):
    book = np.zeros(n_rows, dtype=CLAIM_DTYPE)
    book["policy_id"] = np.arange(100_000, 100_000 + n_rows)
    book["driver_age"] = RNG.uniform(18, 85, n_rows)
    book["vehicle_age"] = RNG.integers(0, 20, n_rows)
    book["annual_mileage"] = RNG.gamma(4.0, 3_000.0, n_rows)
    book["prior_claims"] = RNG.poisson(0.4, n_rows)
    book["region"] = RNG.integers(0, N_REGIONS, n_rows)
    mu = 8.2 + 0.35 * book["prior_claims"] - 0.01 * (book["driver_age"] - 45)
    book["incurred"] = RNG.lognormal(mu, 1.6)
    return book


def band_severity(incurred):
    return np.digitize(incurred, SEVERITY_CUTS)


def to_columns(book):
    numeric = np.stack([
        (book["driver_age"] - 45.0) / 15.0,
        book["vehicle_age"] / 10.0,
        np.log1p(book["annual_mileage"]) - 9.0,
        book["prior_claims"].astype("f4"),
    ], axis=1).astype("f4")
    return {
        "numeric": torch.from_numpy(numeric),
        "region": torch.from_numpy(book["region"].astype("i8")),
        "band": torch.from_numpy(band_severity(book["incurred"]).astype("i8")),
    }


class SeverityBandNet(nn.Module):
    def __init__(self, spec: ModelSpec):
        super().__init__()
        self.region_emb = nn.Embedding(N_REGIONS, spec.region_dim)
        self.body = nn.Sequential(
            nn.Linear(spec.n_numeric + spec.region_dim, spec.hidden),
            nn.ReLU(),
            nn.Dropout(spec.dropout),
            nn.Linear(spec.hidden, spec.hidden),
            nn.ReLU(),
        )
        self.out = nn.Linear(spec.hidden, spec.n_bands)

    def forward(self, numeric, region):
        x = torch.cat([numeric, self.region_emb(region)], dim=-1)
        return self.out(self.body(x))


def iter_batches(cols, batch_size, shuffle=True):
    n = cols["numeric"].shape[0]
    order = torch.randperm(n) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        yield {k: v[idx] for k, v in cols.items()}


def band_summary(cols):
    counts = torch.bincount(cols["band"], minlength=len(SEVERITY_LABELS))
    return {name: int(c) for name, c in zip(SEVERITY_LABELS, counts)}


@torch.no_grad()
def evaluate(model, cols):
    model.eval()
    correct, total = 0, 0
    for batch in iter_batches(cols, 512, shuffle=False):
        pred = model(batch["numeric"], batch["region"]).argmax(-1)
        correct += (pred == batch["band"]).sum().item()
        total += batch["band"].numel()
    model.train()
    return correct / max(total, 1)


if __name__ == "__main__":
    torch.manual_seed(7)
    book = simulate_book(4_000)
    cut = int(0.8 * len(book))
    train_cols = to_columns(book[:cut])
    valid_cols = to_columns(book[cut:])
    print("train bands:", band_summary(train_cols))

    spec = ModelSpec()
    model = SeverityBandNet(spec)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(3):
        running, n_seen = 0.0, 0
        for batch in iter_batches(train_cols, 128):
            logits = model(batch["numeric"], batch["region"])
            loss = F.cross_entropy(logits, batch["band"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * batch["band"].shape[0]
            n_seen += batch["band"].shape[0]
        acc = evaluate(model, valid_cols)
        print(f"epoch {epoch}: train loss {running / n_seen:.4f}  valid acc {acc:.3f}")
