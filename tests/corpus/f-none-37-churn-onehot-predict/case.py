import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(7)

PLANS_TRAIN = ["basic", "plus", "family", "student", "senior",
               "business", "prepaid", "annual", "trial", "legacy"]
PLANS_NEW = PLANS_TRAIN + ["promo", "partner", "intl"]


def make_customers(n, plans):
    tenure = rng.integers(1, 72, size=n).astype(np.float32)
    monthly = rng.uniform(15, 120, size=n).astype(np.float32)
    total = tenure * monthly
    calls = rng.poisson(2.0, size=n).astype(np.float32)
    plan = rng.choice(plans, size=n)
    churn = ((calls > 3) | (tenure < 6)).astype(np.float32)
    numeric = np.stack([tenure, monthly, total, calls], axis=1)
    return numeric, plan, churn


def one_hot(values, categories):
    out = np.zeros((len(values), len(categories)), dtype=np.float32)
    index = {c: i for i, c in enumerate(categories)}
    for row, v in enumerate(values):
        col = index.get(v)
        if col is not None:
            out[row, col] = 1.0
    return out


def standardize(x, mean, std):
    return (x - mean) / (std + 1e-6)


class ChurnNet(nn.Module):
    def __init__(self, n_features, hidden=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden // 2),
            nn.ReLU(),
            nn.Linear(hidden // 2, 1),
        )

    def forward(self, x):
        return self.body(x).squeeze(-1)


num_tr, plan_tr, y_tr = make_customers(512, PLANS_TRAIN)
mu, sigma = num_tr.mean(axis=0), num_tr.std(axis=0)
train_plans = sorted(set(plan_tr))
X_train = np.concatenate(
    [standardize(num_tr, mu, sigma), one_hot(plan_tr, train_plans)], axis=1
)

model = ChurnNet(X_train.shape[1])
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.BCEWithLogitsLoss()

xt = torch.from_numpy(X_train)
yt = torch.from_numpy(y_tr)
for epoch in range(20):
    perm = torch.randperm(len(xt))
    for start in range(0, len(xt), 64):
        idx = perm[start:start + 64]
        opt.zero_grad()
        loss = loss_fn(model(xt[idx]), yt[idx])
        loss.backward()
        opt.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch} loss {loss.item():.4f}")

num_new, plan_new, _ = make_customers(200, PLANS_NEW)
new_plans = sorted(set(plan_new))
X_new = np.concatenate(
    [standardize(num_new, mu, sigma), one_hot(plan_new, new_plans)], axis=1
)

model.eval()
with torch.no_grad():
    probs = torch.sigmoid(model(torch.from_numpy(X_new)))

at_risk = (probs > 0.5).sum().item()
print(f"{at_risk} of {len(probs)} new customers flagged as churn risk")
