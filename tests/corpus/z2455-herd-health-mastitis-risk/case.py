import csv
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "seed": 21,
    "n_herds": 12,
    "cows_per_herd": 60,
    "tests_per_cow": 6,
    "herd_dim": 8,
    "hidden": 32,
    "batch_size": 128,
    "epochs": 3,
    "lr": 2e-3,
    "csv_path": os.path.join(os.path.dirname(os.path.abspath(__file__)), "herd_tests.csv"),
}

COW_FEATURES = ["parity", "dim", "milk_kg", "fat_pct", "protein_pct", "log_scc", "prev_mastitis"]
HERD_FEATURES = ["herd_size", "bulk_tank_scc", "free_stall", "pct_automatic_milking"]


def write_test_day_export(cfg, rng):
    herds = []
    for h in range(cfg["n_herds"]):
        herds.append({
            "herd_size": rng.integers(80, 600),
            "bulk_tank_scc": rng.uniform(120, 350),
            "free_stall": int(rng.random() < 0.6),
            "pct_automatic_milking": rng.uniform(0, 1),
        })
    with open(cfg["csv_path"], "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["herd_id"] + COW_FEATURES + ["mastitis_30d"])
        for h, herd in enumerate(herds):
            herd_risk = (herd["bulk_tank_scc"] - 200) / 100 + 0.4 * herd["free_stall"]
            for _ in range(cfg["cows_per_herd"]):
                parity = int(rng.integers(1, 7))
                prev = int(rng.random() < 0.1 * parity)
                for _ in range(cfg["tests_per_cow"]):
                    dim = int(rng.integers(5, 320))
                    log_scc = rng.normal(4.3 + 0.2 * parity + 0.8 * prev, 0.6)
                    milk = max(5.0, rng.normal(38 - 0.04 * dim + 2 * min(parity, 3), 5))
                    logit = -3.0 + 0.9 * (log_scc - 4.5) + 0.6 * prev + herd_risk + 0.15 * parity
                    y = int(rng.random() < 1 / (1 + np.exp(-logit)))
                    w.writerow([h, parity, dim, round(milk, 1), round(rng.normal(4.0, 0.3), 2),
                                round(rng.normal(3.3, 0.2), 2), round(log_scc, 3), prev, y])
    return herds


def load_records(path):
    herd_ids, feats, labels = [], [], []
    with open(path) as fh:
        for row in csv.DictReader(fh):
            herd_ids.append(int(row["herd_id"]))
            feats.append([float(row[c]) for c in COW_FEATURES])
            labels.append(float(row["mastitis_30d"]))
    x = torch.tensor(feats)
    x = (x - x.mean(0)) / x.std(0)
    return torch.tensor(herd_ids), x, torch.tensor(labels)


def herd_table(herds):
    t = torch.tensor([[float(h[c]) for c in HERD_FEATURES] for h in herds])
    return (t - t.mean(0)) / (t.std(0) + 1e-6)


def build_model(cfg):
    return nn.ModuleDict({
        "herd_encoder": nn.Sequential(nn.Linear(len(HERD_FEATURES), cfg["herd_dim"]), nn.Tanh()),
        "cow_mlp": nn.Sequential(
            nn.Linear(len(COW_FEATURES) + cfg["herd_dim"], cfg["hidden"]),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(cfg["hidden"], 1),
        ),
    })


def risk_logits(model, herd_ctx, herd_ids, cow_x):
    z = torch.cat([cow_x, herd_ctx[herd_ids]], dim=1)
    return model["cow_mlp"](z).squeeze(1)


def train(cfg):
    rng = np.random.default_rng(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    herds = write_test_day_export(cfg, rng)
    herd_ids, cow_x, y = load_records(cfg["csv_path"])
    herd_x = herd_table(herds)
    print(f"{len(y)} test-day records, {int(y.sum())} mastitis cases within 30 d")

    model = build_model(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    pos_weight = (len(y) - y.sum()) / y.sum()

    herd_ctx = model["herd_encoder"](herd_x)

    for epoch in range(cfg["epochs"]):
        model.train()
        perm = torch.randperm(len(y))
        epoch_loss = 0.0
        for start in range(0, len(y), cfg["batch_size"]):
            idx = perm[start:start + cfg["batch_size"]]
            logits = risk_logits(model, herd_ctx, herd_ids[idx], cow_x[idx])
            loss = F.binary_cross_entropy_with_logits(logits, y[idx], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(idx)
        print(f"epoch {epoch}: weighted bce {epoch_loss / len(y):.4f}")
    return model


if __name__ == "__main__":
    train(CFG)
