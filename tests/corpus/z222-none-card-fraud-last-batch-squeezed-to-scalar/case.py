import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

random.seed(11)
torch.manual_seed(11)

MERCHANTS = ["grocery", "fuel", "electronics", "travel", "online_gaming", "pharmacy"]


def fake_transaction(i):
    merchant = random.choice(MERCHANTS)
    amount = round(random.lognormvariate(3.5, 1.0), 2)
    hour = random.randint(0, 23)
    foreign = random.random() < 0.15
    risky = merchant in ("electronics", "online_gaming") and (amount > 120 or hour < 5)
    return {"txn_id": f"T{i:05d}", "merchant": merchant, "amount": amount, "hour": hour,
            "foreign": foreign, "is_fraud": int(risky or (foreign and amount > 300))}


TRANSACTIONS = [fake_transaction(i) for i in range(41)]


def featurize(txn):
    one_hot = [1.0 if txn["merchant"] == m else 0.0 for m in MERCHANTS]
    return torch.tensor([torch.log1p(torch.tensor(txn["amount"])).item() / 8.0,
                         txn["hour"] / 23.0, float(txn["foreign"])] + one_hot)


def collate(rows):
    feats = torch.stack([featurize(r) for r in rows])
    flags = torch.tensor([float(r["is_fraud"]) for r in rows])
    return feats, flags


def focal_bce(logits, target, gamma=2.0, pos_weight=3.0):
    logits = logits.squeeze()
    bce = F.binary_cross_entropy_with_logits(logits, target, reduction="none",
                                             pos_weight=torch.tensor(pos_weight))
    p = torch.sigmoid(logits)
    p_t = p * target + (1 - p) * (1 - target)
    return ((1 - p_t) ** gamma * bce).mean()


scorer = nn.Sequential(nn.Linear(3 + len(MERCHANTS), 32), nn.ReLU(), nn.Linear(32, 1))
opt = torch.optim.Adam(scorer.parameters(), lr=1e-2)
loader = DataLoader(TRANSACTIONS, batch_size=8, shuffle=True, collate_fn=collate)

for epoch in range(5):
    epoch_loss, seen = 0.0, 0
    for feats, flags in loader:
        loss = focal_bce(scorer(feats), flags)
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss += loss.item() * len(flags)
        seen += len(flags)
    print(f"epoch {epoch}: focal loss {epoch_loss / seen:.4f}")

with torch.no_grad():
    feats, flags = collate(TRANSACTIONS)
    preds = (torch.sigmoid(scorer(feats).squeeze(-1)) > 0.5).float()
    print("recall on fraud:", ((preds == 1) & (flags == 1)).sum().item() / max(flags.sum().item(), 1))
