import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader, WeightedRandomSampler

SEED = 1187
LINES_OF_BUSINESS = ["motor", "home", "travel", "pet", "commercial"]

claims_dtype = np.dtype([
    ("claim_no", "U12"),
    ("lob", "i8"),
    ("claim_amount", "f8"),
    ("sum_insured", "f8"),
    ("days_since_inception", "i8"),
    ("days_to_notify", "i8"),
    ("n_prior_claims", "i8"),
    ("broker_channel", "i8"),
    ("siu_referral", "i8"),
])


def generate_claims(n, seed=SEED):
    rng = np.random.default_rng(seed)
    c = np.empty(n, dtype=claims_dtype)
    c["claim_no"] = [f"CLM{i:07d}" for i in range(n)]
    c["lob"] = rng.integers(0, len(LINES_OF_BUSINESS), n)
    c["sum_insured"] = rng.lognormal(10.5, 0.9, n)
    c["claim_amount"] = c["sum_insured"] * rng.beta(1.2, 6.0, n)
    c["days_since_inception"] = rng.integers(1, 1500, n)
    c["days_to_notify"] = rng.geometric(0.15, n)
    c["n_prior_claims"] = rng.poisson(0.7, n)
    c["broker_channel"] = rng.integers(0, 2, n)
    score = (-3.0 + 1.5 * (c["days_since_inception"] < 60) + 0.08 * c["days_to_notify"]
             + 0.5 * c["n_prior_claims"] + 2.0 * (c["claim_amount"] / c["sum_insured"]))
    c["siu_referral"] = rng.random(n) < 1.0 / (1.0 + np.exp(-score))
    return c


def engineer(c):
    feats = {
        "log_amount": np.log1p(c["claim_amount"]),
        "loss_ratio": c["claim_amount"] / c["sum_insured"],
        "early_claim": (c["days_since_inception"] < 60).astype(float),
        "notify_lag": np.log1p(c["days_to_notify"]),
        "priors": c["n_prior_claims"].astype(float),
        "broker": c["broker_channel"].astype(float),
    }
    lob_onehot = np.eye(len(LINES_OF_BUSINESS))[c["lob"]]
    for j, name in enumerate(LINES_OF_BUSINESS):
        feats[f"lob_{name}"] = lob_onehot[:, j]
    return feats


def to_tensors(feats, claims, stats=None):
    names = list(feats)
    X = np.column_stack([feats[k] for k in names])
    if stats is None:
        stats = (X.mean(0), X.std(0) + 1e-8)
    X = (X - stats[0]) / stats[1]
    X = torch.as_tensor(X, dtype=torch.float32)
    y = torch.as_tensor(claims["siu_referral"])
    return X, y, stats


class ReferralScorer(nn.Module):
    def __init__(self, n_in, width=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, width), nn.BatchNorm1d(width), nn.SiLU(),
            nn.Linear(width, width // 2), nn.SiLU(),
            nn.Linear(width // 2, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(1)


def balanced_loader(X, y, batch_size):
    n_pos = float(y.sum())
    n_neg = len(y) - n_pos
    w = torch.where(y > 0, 1.0 / n_pos, 1.0 / n_neg)
    sampler = WeightedRandomSampler(w, num_samples=len(y), replacement=True,
                                    generator=torch.Generator().manual_seed(SEED))
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, sampler=sampler, drop_last=True)


def lift_at(scores, y, top_frac=0.1):
    k = max(1, int(top_frac * len(scores)))
    top = torch.topk(scores, k).indices
    return y[top].float().mean().item() / max(y.float().mean().item(), 1e-8)


if __name__ == "__main__":
    torch.manual_seed(SEED)
    claims = generate_claims(5000)
    rng = np.random.default_rng(SEED + 1)
    is_train = rng.random(len(claims)) < 0.75
    tr, te = claims[is_train], claims[~is_train]

    X_tr, y_tr, stats = to_tensors(engineer(tr), tr)
    X_te, y_te, _ = to_tensors(engineer(te), te, stats)
    print(f"train {len(y_tr)} claims, referral rate {y_tr.float().mean():.3f}")

    model = ReferralScorer(X_tr.shape[1])
    criterion = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-5)
    loader = balanced_loader(X_tr, y_tr, batch_size=256)

    for epoch in range(4):
        model.train()
        epoch_loss = []
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            epoch_loss.append(loss.item())
        model.eval()
        with torch.no_grad():
            s = model(X_te)
        print(f"epoch {epoch}  loss {np.mean(epoch_loss):.4f}  lift@10% {lift_at(s, y_te):.2f}")
