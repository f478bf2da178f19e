from dataclasses import dataclass, field
from typing import Dict, List

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

CATEGORICAL_CARDINALITY: Dict[str, int] = {
    "line_of_business": 5,
    "loss_cause": 12,
    "policy_state": 50,
    "repair_shop_id": 300,
    "agent_channel": 4,
    "adjuster_id": 80,
}
NUMERIC_COLUMNS = ["claim_amount", "days_to_report", "policy_tenure_months", "prior_claims", "insured_age"]

# adjuster assignment happens after the SIU flag, so it leaks the target
LEAKY_COLUMNS = {"adjuster_id"}


@dataclass
class FraudModelConfig:
    cat_cardinalities: List[int] = field(default_factory=list)
    n_numeric: int = len(NUMERIC_COLUMNS)
    emb_dim: int = 8
    hidden: int = 64
    dropout: float = 0.1
    lr: float = 1e-3
    epochs: int = 3
    batch_size: int = 128


def make_claims_frame(n_claims):
    cat = {c: rng.integers(0, k, size=n_claims) for c, k in CATEGORICAL_CARDINALITY.items()}
    num = {
        "claim_amount": rng.lognormal(8.0, 1.2, size=n_claims),
        "days_to_report": rng.exponential(6.0, size=n_claims),
        "policy_tenure_months": rng.integers(0, 240, size=n_claims).astype(float),
        "prior_claims": rng.poisson(0.4, size=n_claims).astype(float),
        "insured_age": rng.integers(18, 90, size=n_claims).astype(float),
    }
    logit = (
        0.9 * (num["days_to_report"] > 14)
        + 0.6 * (num["policy_tenure_months"] < 6)
        + 0.5 * num["prior_claims"]
        + 0.3 * (np.log(num["claim_amount"]) > 9.5)
        - 2.5
    )
    is_fraud = (rng.random(n_claims) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    return cat, num, is_fraud


def to_tensors(cat, num, is_fraud):
    cat_cols = [c for c in CATEGORICAL_CARDINALITY if c not in LEAKY_COLUMNS]
    x_cat = np.stack([cat[c] for c in cat_cols], axis=1)
    x_num = np.stack([num[c] for c in NUMERIC_COLUMNS], axis=1)
    x_num[:, 0] = np.log1p(x_num[:, 0])
    x_num = (x_num - x_num.mean(0)) / (x_num.std(0) + 1e-6)
    return (
        torch.as_tensor(x_cat, dtype=torch.long),
        torch.as_tensor(x_num, dtype=torch.float32),
        torch.as_tensor(is_fraud),
    )


class ClaimFraudNet(nn.Module):
    def __init__(self, cfg: FraudModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embeddings = nn.ModuleList(
            [nn.Embedding(card, cfg.emb_dim) for card in cfg.cat_cardinalities]
        )
        in_dim = cfg.emb_dim * len(cfg.cat_cardinalities) + cfg.n_numeric
        self.mlp = nn.Sequential(
            nn.Linear(in_dim, cfg.hidden),
            nn.ReLU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden, cfg.hidden // 2),
            nn.ReLU(),
            nn.Linear(cfg.hidden // 2, 1),
        )

    def forward(self, x_cat, x_num):
        parts = []
        for i in range(len(self.embeddings)):
            parts.append(self.embeddings[i](x_cat[:, i]))
        parts.append(x_num)
        return self.mlp(torch.cat(parts, dim=1)).squeeze(1)


def train(model, loader, cfg):
    pos_rate = loader.dataset.tensors[2].mean().item()
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - pos_rate) / max(pos_rate, 1e-3)))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        model.train()
        running, n = 0.0, 0
        for x_cat, x_num, y in loader:
            logits = model(x_cat, x_num)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * y.size(0)
            n += y.size(0)
        print(f"epoch {epoch + 1}/{cfg.epochs}  bce {running / n:.4f}")


def main():
    cat, num, is_fraud = make_claims_frame(4000)
    x_cat, x_num, y = to_tensors(cat, num, is_fraud)
    print(f"claims: {len(y)}  fraud rate: {y.mean().item():.3f}  cat features: {x_cat.shape[1]}")

    cfg = FraudModelConfig(
        cat_cardinalities=[k for c, k in CATEGORICAL_CARDINALITY.items() if c not in LEAKY_COLUMNS]
    )
    loader = DataLoader(TensorDataset(x_cat, x_num, y), batch_size=cfg.batch_size, shuffle=True)

    model = ClaimFraudNet(cfg)
    train(model, loader, cfg)

    model.eval()
    with torch.no_grad():
        scores = torch.sigmoid(model(x_cat[:10], x_num[:10]))
    print("top referral scores:", [round(s, 3) for s in scores.tolist()])


if __name__ == "__main__":
    main()
