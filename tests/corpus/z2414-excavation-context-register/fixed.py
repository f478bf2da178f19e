# Predict the phase/period of an excavated context from the context register.
# Stage 1 encodes the single-context recording sheets into a numeric table,
# stage 2 trains a small entity-embedding MLP on it.
import csv
import math

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

RAW_CSV = "context_register.csv"
ENC_CSV = "context_register_encoded.csv"

SITES = ["BRK22", "HLW19", "STN21", "MDF23"]
CONTEXT_TYPES = ["cut", "fill", "layer", "deposit", "masonry", "posthole"]
TRENCHES = ["T1", "T2", "T3", "T4", "T5"]
PERIODS = ["Iron Age", "Roman", "Early Medieval", "Medieval", "Post-medieval"]

CAT_COLS = ["site", "trench", "context_type"]
NUM_COLS = ["depth_m", "volume_l", "sherd_count", "bone_g", "charcoal_pct"]
EMB_DIM = 4
HIDDEN = 32


def write_recording_sheets(path, n=400):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["context_no"] + CAT_COLS + NUM_COLS + ["period"])
        for ctx in range(1000, 1000 + n):
            period = int(rng.integers(len(PERIODS)))
            depth = max(0.05, rng.normal(2.4 - 0.45 * period, 0.3))
            w.writerow([
                ctx,
                SITES[rng.integers(len(SITES))],
                TRENCHES[rng.integers(len(TRENCHES))],
                CONTEXT_TYPES[rng.integers(len(CONTEXT_TYPES))],
                round(depth, 2),
                round(float(rng.gamma(2.0, 30.0)), 1),
                int(rng.poisson(3 + 4 * period)),
                round(float(rng.gamma(1.5, 40.0)), 1),
                round(float(rng.uniform(0, 12)), 1),
                PERIODS[period],
            ])


def encode_register(raw_path, out_path):
    vocabs = {"site": SITES, "trench": TRENCHES, "context_type": CONTEXT_TYPES, "period": PERIODS}
    rows = []
    with open(raw_path) as fh:
        for rec in csv.DictReader(fh):
            row = [vocabs[c].index(rec[c]) for c in CAT_COLS]
            row += [float(rec[c]) for c in NUM_COLS]
            row.append(vocabs["period"].index(rec["period"]))
            rows.append(row)
    table = np.array(rows)
    np.savetxt(out_path, table, delimiter=",", header=",".join(CAT_COLS + NUM_COLS + ["period"]))
    return {c: len(vocabs[c]) for c in CAT_COLS}


def load_tensors(path):
    enc = np.loadtxt(path, delimiter=",", skiprows=1)
    n_cat = len(CAT_COLS)
    cat_ids = torch.tensor(enc[:, :n_cat], dtype=torch.long)
    nums = torch.tensor(enc[:, n_cat:-1], dtype=torch.float32)
    nums = (nums - nums.mean(0)) / nums.std(0)
    period = torch.tensor(enc[:, -1], dtype=torch.long)
    return cat_ids, nums, period


def init_params(cardinalities):
    params = {}
    for col, card in cardinalities.items():
        params[f"emb_{col}"] = (torch.randn(card, EMB_DIM) * 0.1).requires_grad_()
    in_dim = EMB_DIM * len(cardinalities) + len(NUM_COLS)
    params["w1"] = (torch.randn(in_dim, HIDDEN) / math.sqrt(in_dim)).requires_grad_()
    params["b1"] = torch.zeros(HIDDEN, requires_grad=True)
    params["w2"] = (torch.randn(HIDDEN, len(PERIODS)) / math.sqrt(HIDDEN)).requires_grad_()
    params["b2"] = torch.zeros(len(PERIODS), requires_grad=True)
    return params


def forward(params, cat_ids, nums):
    embedded = [F.embedding(cat_ids[:, j], params[f"emb_{col}"]) for j, col in enumerate(CAT_COLS)]
    h = torch.cat(embedded + [nums], dim=1)
    h = F.relu(h @ params["w1"] + params["b1"])
    return h @ params["w2"] + params["b2"]


write_recording_sheets(RAW_CSV)
cardinalities = encode_register(RAW_CSV, ENC_CSV)
cat_ids, nums, period = load_tensors(ENC_CSV)

perm = torch.randperm(len(period))
train_idx, val_idx = perm[:320], perm[320:]
params = init_params(cardinalities)
opt = torch.optim.Adam(params.values(), lr=1e-2)

for epoch in range(30):
    for batch in train_idx.split(64):
        logits = forward(params, cat_ids[batch], nums[batch])
        loss = F.cross_entropy(logits, period[batch])
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 10 == 0:
        with torch.no_grad():
            acc = (forward(params, cat_ids[val_idx], nums[val_idx]).argmax(1) == period[val_idx]).float().mean()
        print(f"epoch {epoch:2d} loss {loss.item():.3f} val acc {acc:.3f}")
