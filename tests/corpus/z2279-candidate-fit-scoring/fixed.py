"""Ranks applicants for a requisition from structured ATS fields + skill overlap."""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

FEATURE_COLUMNS = [
    "years_experience",
    "expected_salary_k",
    "education_level",
    "commute_km",
    "num_prior_jobs",
    "skill_overlap",
    "is_remote_ok",
]
BINARY_COLUMNS = {"is_remote_ok"}


@dataclass
class ScorerConfig:
    hidden: int = 32
    dropout: float = 0.1
    lr: float = 1e-2
    epochs: int = 30
    batch_size: int = 64
    seed: int = 11
    required_skills: list = field(default_factory=lambda: ["python", "sql", "airflow", "dbt", "looker"])


ALL_SKILLS = ["python", "sql", "airflow", "dbt", "looker", "excel", "java", "spark", "tableau", "go"]


def simulate_applicants(n, cfg, rng):
    rows, hired = [], []
    for _ in range(n):
        skills = set(rng.choice(ALL_SKILLS, size=rng.integers(2, 7), replace=False))
        rec = {
            "years_experience": float(rng.gamma(2.0, 2.5)),
            "expected_salary_k": float(rng.normal(95, 20)),
            "education_level": float(rng.integers(0, 4)),
            "commute_km": float(rng.exponential(15)),
            "num_prior_jobs": float(rng.poisson(2.5)),
            "skill_overlap": len(skills & set(cfg.required_skills)) / len(cfg.required_skills),
            "is_remote_ok": float(rng.random() < 0.4),
        }
        logit = (2.5 * rec["skill_overlap"] + 0.15 * rec["years_experience"]
                 - 0.02 * (rec["expected_salary_k"] - 95) - 0.03 * rec["commute_km"]
                 + 0.5 * rec["is_remote_ok"] - 1.5)
        rows.append(rec)
        hired.append(float(rng.random() < 1 / (1 + np.exp(-logit))))
    return rows, np.array(hired, dtype=np.float32)


def to_matrix(records):
    return np.array([[r[c] for c in FEATURE_COLUMNS] for r in records], dtype=np.float32)


def fit_standardizer(records):
    mat = to_matrix(records)
    mean = mat.mean(axis=0)
    std = mat.std(axis=0) + 1e-6
    binary = [i for i, c in enumerate(FEATURE_COLUMNS) if c in BINARY_COLUMNS]
    mean[binary], std[binary] = 0.0, 1.0
    return torch.from_numpy(mean), torch.from_numpy(std)


class CandidateFitScorer(nn.Module):
    def __init__(self, n_features, mean, std, cfg):
        super().__init__()
        self.register_buffer("feat_mean", mean)
        self.register_buffer("feat_std", std)
        self.mlp = nn.Sequential(
            nn.Linear(n_features, cfg.hidden),
            nn.ReLU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden, 1),
        )

    def forward(self, x):
        x = (x - self.feat_mean) / self.feat_std
        return self.mlp(x).squeeze(-1)


def train_scorer(model, X, y, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    gen = torch.Generator().manual_seed(cfg.seed)
    for epoch in range(cfg.epochs):
        perm = torch.randperm(len(X), generator=gen)
        epoch_loss = 0.0
        for start in range(0, len(X), cfg.batch_size):
            idx = perm[start:start + cfg.batch_size]
            loss = loss_fn(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(idx)
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d}  bce {epoch_loss / len(X):.4f}")


def main():
    cfg = ScorerConfig()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)

    train_recs, train_y = simulate_applicants(600, cfg, rng)
    req_recs, _ = simulate_applicants(25, cfg, rng)

    mean, std = fit_standardizer(train_recs)
    X = torch.from_numpy(to_matrix(train_recs))
    y = torch.from_numpy(train_y)

    model = CandidateFitScorer(len(FEATURE_COLUMNS), mean, std, cfg)
    train_scorer(model, X, y, cfg)

    model.eval()
    with torch.no_grad():
        scores = torch.sigmoid(model(torch.from_numpy(to_matrix(req_recs))))
    ranking = torch.argsort(scores, descending=True)[:5]
    for rank, i in enumerate(ranking.tolist(), 1):
        r = req_recs[i]
        print(f"#{rank} applicant {i:02d} fit={scores[i]:.3f} overlap={r['skill_overlap']:.2f} "
              f"yoe={r['years_experience']:.1f}")


if __name__ == "__main__":
    main()
