import csv
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
CSV_PATH = os.path.join(HERE, "store_item_weeks.csv")
N_WEEKS = 8
STATUS = ["ok", "low", "stockout"]
BATCH_SIZE = 128
EPOCHS = 3
LR = 3e-3

rng = np.random.default_rng(2024)
torch.manual_seed(2024)


def write_synthetic_csv(path, n_stores=20, n_items=90):
    header = ["store_id", "item_id", "on_hand", "lead_time_days", "promo_next_week"]
    header += [f"units_w{k}" for k in range(1, N_WEEKS + 1)] + ["next_week_status"]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for s in range(n_stores):
            for i in range(n_items):
                if rng.random() < 0.2:
                    continue
                base = rng.gamma(2.0, 4.0)
                launch = rng.integers(0, N_WEEKS + 3)  # some SKUs not on shelf yet
                weekly = [int(rng.poisson(base)) if k >= launch else 0 for k in range(N_WEEKS)]
                promo = int(rng.random() < 0.15)
                on_hand = int(rng.poisson(base * rng.uniform(0.5, 2.5)))
                lead = int(rng.choice([2, 3, 5, 7, 10]))
                expected = base * (1.6 if promo else 1.0) * lead / 7.0
                cover = on_hand / max(expected, 1e-3)
                status = 2 if cover < 0.8 else (1 if cover < 1.3 else 0)
                w.writerow([f"S{s:03d}", f"SKU{i:05d}", on_hand, lead, promo, *weekly, status])


def read_rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def build_vocab(values):
    return {v: k for k, v in enumerate(sorted(set(values)))}


def featurize(rows, store_vocab, item_vocab):
    hist = np.array([[float(r[f"units_w{k}"]) for k in range(1, N_WEEKS + 1)] for r in rows], dtype=np.float32)
    on_hand = np.array([float(r["on_hand"]) for r in rows], dtype=np.float32)
    lead = np.array([float(r["lead_time_days"]) for r in rows], dtype=np.float32)
    promo = np.array([float(r["promo_next_week"]) for r in rows], dtype=np.float32)
    avg4 = hist[:, -4:].mean(1)
    weeks_cover = on_hand / np.maximum(avg4, 0.5)
    feats = np.concatenate([
        np.log1p(hist),
        np.stack([np.log1p(on_hand), lead / 7.0, promo, np.log1p(weeks_cover)], axis=1),
    ], axis=1)
    store_idx = np.array([store_vocab[r["store_id"]] for r in rows])
    item_idx = np.array([item_vocab[r["item_id"]] for r in rows])
    return feats, store_idx, item_idx


def encode_labels(rows):
    return np.array([int(r["next_week_status"]) for r in rows], dtype=np.int64)


def make_model(n_stores, n_items, n_num):
    store_emb = nn.Embedding(n_stores, 6)
    item_emb = nn.Embedding(n_items, 12)
    mlp = nn.Sequential(
        nn.Linear(6 + 12 + n_num, 64), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(64, 32), nn.ReLU(),
        nn.Linear(32, len(STATUS)),
    )
    return nn.ModuleDict({"store": store_emb, "item": item_emb, "mlp": mlp})


def forward(model, s, i, x):
    return model["mlp"](torch.cat([model["store"](s), model["item"](i), x], dim=1))


write_synthetic_csv(CSV_PATH)
rows = read_rows(CSV_PATH)
store_vocab = build_vocab(r["store_id"] for r in rows)
item_vocab = build_vocab(r["item_id"] for r in rows)

feats, store_idx, item_idx = featurize(rows, store_vocab, item_vocab)
labels = encode_labels(rows)

# cold-start SKUs (no sales in the lookback) are handled by the rules engine
active = feats[:, :N_WEEKS].sum(1) > 0
feats, store_idx, item_idx = feats[active], store_idx[active], item_idx[active]
print(f"{len(rows)} store-SKU rows, {active.sum()} with sales history")

mu, sd = feats.mean(0), feats.std(0) + 1e-6
X = torch.from_numpy((feats - mu) / sd)
S = torch.from_numpy(store_idx)
I = torch.from_numpy(item_idx)
Y = torch.from_numpy(labels)

# rows are ordered by store, so the tail is a held-out group of stores
n_train = int(0.8 * len(X))
X_tr, S_tr, I_tr, Y_tr = X[:n_train], S[:n_train], I[:n_train], Y[:n_train]
X_va, S_va, I_va, Y_va = X[n_train:], S[n_train:], I[n_train:], Y[n_train:]

class_counts = torch.bincount(Y_tr, minlength=len(STATUS)).float()
class_w = class_counts.sum() / (len(STATUS) * class_counts.clamp(min=1))

model = make_model(len(store_vocab), len(item_vocab), X.shape[1])
opt = torch.optim.Adam(model.parameters(), lr=LR)

for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(n_train)
    tot = 0.0
    for b in range(0, n_train, BATCH_SIZE):
        idx = order[b:b + BATCH_SIZE]
        logits = forward(model, S_tr[idx], I_tr[idx], X_tr[idx])
        loss = F.cross_entropy(logits, Y_tr[idx], weight=class_w)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(idx)

    model.eval()
    with torch.no_grad():
        val_logits = forward(model, S_va, I_va, X_va)
        val_loss = F.cross_entropy(val_logits, Y_va, weight=class_w).item()
        val_acc = (val_logits.argmax(1) == Y_va).float().mean().item()
    print(f"epoch {epoch}: train_ce={tot / n_train:.4f} val_ce={val_loss:.4f} val_acc={val_acc:.3f}")
