import csv
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
RESP_CSV = os.path.join(HERE, "quiz_responses.csv")

N_STUDENTS = 120
N_ITEMS = 60
FEATURE_COLS = ["n_choices", "word_count", "has_image", "bloom_level", "median_time_s", "prior_correct_rate"]
LABEL_COL = "correct"

torch.manual_seed(3)
np.random.seed(3)


def write_fake_export(path):
    ability = np.random.normal(0, 1, N_STUDENTS)
    items = {
        "n_choices": np.random.choice([2, 4, 5], N_ITEMS),
        "word_count": np.random.randint(8, 90, N_ITEMS),
        "has_image": np.random.binomial(1, 0.3, N_ITEMS),
        "bloom_level": np.random.randint(1, 7, N_ITEMS),
        "median_time_s": np.random.gamma(3.0, 15.0, N_ITEMS).round(1),
    }
    difficulty = 0.4 * items["bloom_level"] + 0.01 * items["word_count"] - 0.5 * items["has_image"] - 1.5
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "item_id"] + FEATURE_COLS + [LABEL_COL])
        for s in range(N_STUDENTS):
            seen = np.random.choice(N_ITEMS, size=25, replace=False)
            hist = []
            for i in seen:
                p = 1 / (1 + np.exp(-(ability[s] - difficulty[i])))
                y = int(np.random.rand() < p)
                prior = np.mean(hist) if hist else 0.5
                w.writerow([s, i, items["n_choices"][i], items["word_count"][i], items["has_image"][i],
                            items["bloom_level"][i], items["median_time_s"][i], round(prior, 3), y])
                hist.append(y)


def load_export(path):
    with open(path) as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [[float(v) for v in r] for r in reader]
    return header, np.asarray(rows, dtype=np.float32)


def split_by_student(data, header, frac=0.8):
    sid = data[:, header.index("student_id")].astype(int)
    cut = int(N_STUDENTS * frac)
    return data[sid < cut], data[sid >= cut]


def norm_stats(block):
    mean = torch.from_numpy(block.mean(axis=0))
    std = torch.from_numpy(block.std(axis=0)).clamp_min(1e-6)
    return mean, std


def to_tensors(data, header):
    cols = [header.index(c) for c in FEATURE_COLS]
    x = torch.from_numpy(data[:, cols])
    sid = torch.from_numpy(data[:, header.index("student_id")]).long()
    y = torch.from_numpy(data[:, header.index(LABEL_COL)])
    return x, sid, y


def init_params(n_feats, hidden=16):
    return {
        "theta": nn.Parameter(torch.zeros(N_STUDENTS)),
        "w1": nn.Parameter(torch.randn(n_feats, hidden) * 0.1),
        "b1": nn.Parameter(torch.zeros(hidden)),
        "w2": nn.Parameter(torch.randn(hidden) * 0.1),
        "b2": nn.Parameter(torch.zeros(())),
    }


def predict_logit(params, x, sid, mean, std):
    z = (x - mean) / std
    item_difficulty = torch.tanh(z @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]
    return params["theta"][sid] - item_difficulty


def train(params, x, sid, y, mean, std, epochs=200, lr=0.05):
    opt = torch.optim.Adam(params.values(), lr=lr)
    for ep in range(epochs):
        logit = predict_logit(params, x, sid, mean, std)
        loss = F.binary_cross_entropy_with_logits(logit, y) + 1e-3 * params["theta"].pow(2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if ep % 50 == 0:
            print(f"ep {ep:3d} loss {loss.item():.4f}")
    return params


def auc(scores, labels):
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / max(n_pos * n_neg, 1)


write_fake_export(RESP_CSV)
header, data = load_export(RESP_CSV)
train_data, test_data = split_by_student(data, header)

first_feat = header.index("student_id") + 1
last_feat = header.index(LABEL_COL)
feat_mean, feat_std = norm_stats(train_data[:, first_feat:last_feat])

x_tr, sid_tr, y_tr = to_tensors(train_data, header)
x_te, sid_te, y_te = to_tensors(test_data, header)

params = init_params(len(FEATURE_COLS))
params = train(params, x_tr, sid_tr, y_tr, feat_mean, feat_std)

with torch.no_grad():
    test_scores = predict_logit(params, x_te, sid_te, feat_mean, feat_std).numpy()
print("held-out students AUC (item part only):", round(auc(test_scores, y_te.numpy().astype(int)), 3))
