"""Churn scoring for a regional telecom: tabular MLP over the monthly usage export."""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler

torch.manual_seed(0)
rng = np.random.default_rng(8)

PLANS = ["prepaid", "basic", "family", "unlimited"]
NUMERIC = ["tenure_months", "monthly_fee", "data_gb", "dropped_calls", "support_tickets"]
N_CUSTOMERS = 205
TRAIN_BATCH, EVAL_BATCH = 16, 20

workdir = tempfile.mkdtemp(prefix="churn_")
export_csv = os.path.join(workdir, "usage_export.csv")
with open(export_csv, "w") as fh:
    fh.write("customer," + ",".join(NUMERIC) + ",plan,churned\n")
    for cid in range(N_CUSTOMERS):
        tenure = rng.integers(1, 72)
        fee = rng.uniform(10, 90)
        data = rng.gamma(2.0, 4.0)
        drops = rng.poisson(2)
        tickets = rng.poisson(1)
        plan = PLANS[rng.integers(len(PLANS))]
        risk = -0.04 * tenure + 0.02 * fee + 0.4 * drops + 0.6 * tickets - 1.0
        churned = "yes" if rng.random() < 1 / (1 + np.exp(-risk)) else "no"
        fh.write(f"C{cid:05d},{tenure},{fee:.2f},{data:.2f},{drops},{tickets},{plan},{churned}\n")

numeric = np.genfromtxt(export_csv, delimiter=",", skip_header=1, usecols=range(1, 6))
plan_col = np.genfromtxt(export_csv, delimiter=",", skip_header=1, usecols=6, dtype=str)
churn_col = np.genfromtxt(export_csv, delimiter=",", skip_header=1, usecols=7, dtype=str)

plan_names, plan_code = np.unique(plan_col, return_inverse=True)
plan_onehot = np.eye(len(plan_names))[plan_code]
churn_enc = LabelEncoder().fit(churn_col)
churned = churn_enc.transform(churn_col).astype(np.float32)
print("churn classes:", churn_enc.classes_.tolist(), "rate", round(churned.mean(), 3))

x_tr, x_va, num_tr, num_va, y_tr, y_va = train_test_split(
    plan_onehot, numeric, churned, test_size=0.2, random_state=4)
scaler = StandardScaler().fit(num_tr)
feat_tr = np.hstack([scaler.transform(num_tr), x_tr]).astype(np.float32)
feat_va = np.hstack([scaler.transform(num_va), x_va]).astype(np.float32)
print(f"train {len(feat_tr)} / validation {len(feat_va)} customers")


class ChurnMLP(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(),
                                 nn.Linear(16, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1)


model = ChurnMLP(feat_tr.shape[1])
pos_weight = torch.tensor([(1 - y_tr.mean()) / max(y_tr.mean(), 1e-6)])
criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
train_ds = torch.utils.data.TensorDataset(torch.from_numpy(feat_tr), torch.from_numpy(y_tr))
val_ds = torch.utils.data.TensorDataset(torch.from_numpy(feat_va), torch.from_numpy(y_va))
train_dl = torch.utils.data.DataLoader(train_ds, batch_size=TRAIN_BATCH, shuffle=True)
val_dl = torch.utils.data.DataLoader(val_ds, batch_size=EVAL_BATCH)


def evaluate():
    model.eval()
    scores, truth = [], []
    with torch.no_grad():
        for xb, yb in val_dl:
            scores.append(model(xb))
            truth.append(yb)
    scores, truth = torch.cat(scores), torch.cat(truth)
    flagged = torch.sigmoid(scores) > 0.5
    tp = (flagged & (truth == 1)).sum().item()
    precision = tp / max(flagged.sum().item(), 1)
    recall = tp / max((truth == 1).sum().item(), 1)
    return criterion(scores, truth).item(), precision, recall


for epoch in range(8):
    model.train()
    for xb, yb in train_dl:
        loss = criterion(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    val_loss, prec, rec = evaluate()
    print(f"epoch {epoch}: val loss {val_loss:.3f} precision {prec:.2f} recall {rec:.2f}")
