from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

REASONS = ["spam", "harassment", "hate_speech", "nudity", "self_harm", "misinformation", "other"]
PRIORITIES = ["P0_immediate", "P1_same_hour", "P2_same_day", "P3_backlog"]

BASE_FEATURES = [
    "reporter_reputation",
    "reporter_past_accuracy",
    "reports_on_item",
    "reports_on_author_30d",
    "author_account_age_days",
    "item_views",
    "hours_since_post",
]


@dataclass
class TriageConfig:
    n_reports: int = 600
    reason_dim: int = 8
    hidden: int = 64
    batch_size: int = 64
    epochs: int = 4
    lr: float = 2e-3
    seed: int = 2024
    priorities: list = field(default_factory=lambda: list(PRIORITIES))


def simulate_reports(cfg):
    rng = np.random.default_rng(cfg.seed)
    n = cfg.n_reports
    cols = {
        "reporter_reputation": rng.gamma(2.0, 50.0, n),
        "reporter_past_accuracy": rng.beta(4, 2, n),
        "reports_on_item": rng.poisson(3, n) + 1,
        "reports_on_author_30d": rng.poisson(2, n),
        "author_account_age_days": rng.exponential(400, n),
        "item_views": rng.lognormal(6, 1.5, n),
        "hours_since_post": rng.exponential(20, n),
    }
    reason = rng.integers(0, len(REASONS), n)
    urgency = (
        2.0 * np.isin(reason, [REASONS.index("self_harm"), REASONS.index("hate_speech")])
        + 0.8 * np.log1p(cols["reports_on_item"])
        + 1.5 * cols["reporter_past_accuracy"]
        - 0.002 * cols["author_account_age_days"]
        + rng.normal(0, 0.5, n)
    )
    priority = np.digitize(urgency, np.quantile(urgency, [0.75, 0.5, 0.25])[::-1])
    priority = (len(PRIORITIES) - 1) - priority
    return cols, reason, priority


class ReportFeaturizer:
    def __init__(self, feature_names):
        self.feature_names = list(feature_names)
        self.mean = None
        self.std = None

    def _base_matrix(self, cols):
        X = np.stack([np.asarray(cols[name], dtype=np.float32) for name in self.feature_names], axis=1)
        return np.log1p(X)

    def _add_velocity(self, cols, X):
        hours = np.asarray(cols["hours_since_post"], dtype=np.float32) + 1.0
        reports_per_hour = np.asarray(cols["reports_on_item"], dtype=np.float32) / hours
        views_per_report = np.asarray(cols["item_views"], dtype=np.float32) / np.asarray(cols["reports_on_item"], dtype=np.float32)
        return np.concatenate([X, reports_per_hour[:, None], np.log1p(views_per_report)[:, None]], axis=1)

    def fit(self, cols):
        X = self._base_matrix(cols)
        self.mean = torch.from_numpy(X.mean(axis=0))
        self.std = torch.from_numpy(X.std(axis=0) + 1e-6)
        return self

    def transform(self, cols):
        X = self._add_velocity(cols, self._base_matrix(cols))
        return torch.from_numpy(X.astype(np.float32))


class TriageNet(nn.Module):
    def __init__(self, cfg, n_numeric, feat_mean, feat_std):
        super().__init__()
        self.register_buffer("feat_mean", feat_mean)
        self.register_buffer("feat_std", feat_std)
        self.reason_emb = nn.Embedding(len(REASONS), cfg.reason_dim)
        self.mlp = nn.Sequential(
            nn.Linear(n_numeric + cfg.reason_dim, cfg.hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(cfg.hidden, len(cfg.priorities)),
        )

    def forward(self, numeric, reason):
        z = (numeric - self.feat_mean) / self.feat_std
        return self.mlp(torch.cat([z, self.reason_emb(reason)], dim=-1))


def run(cfg):
    torch.manual_seed(cfg.seed)
    cols, reason, priority = simulate_reports(cfg)

    featurizer = ReportFeaturizer(BASE_FEATURES).fit(cols)
    numeric = featurizer.transform(cols)
    ds = TensorDataset(numeric, torch.from_numpy(reason).long(), torch.from_numpy(priority).long())
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    model = TriageNet(cfg, numeric.shape[1], featurizer.mean, featurizer.std)
    counts = torch.bincount(torch.from_numpy(priority).long(), minlength=len(cfg.priorities)).float()
    loss_fn = nn.CrossEntropyLoss(weight=counts.sum() / (counts * len(counts)))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        tot, correct = 0.0, 0
        for x_num, x_reason, y in loader:
            logits = model(x_num, x_reason)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * y.size(0)
            correct += (logits.argmax(-1) == y).sum().item()
        print(f"epoch {epoch}: loss={tot / len(ds):.4f} acc={correct / len(ds):.3f}")
    return model


if __name__ == "__main__":
    run(TriageConfig())
