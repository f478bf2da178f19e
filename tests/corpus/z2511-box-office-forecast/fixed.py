import csv
import os

import numpy as np
import torch
import torch.nn as nn

SEED = 21
HERE = os.path.dirname(os.path.abspath(__file__))
CSV_PATH = os.path.join(HERE, "box_office.csv")

GENRES = ["drama", "comedy", "action", "horror", "animation", "documentary", "musical"]
RATINGS = ["G", "PG", "PG-13", "R"]
NUMERIC = ["budget_musd", "screens_opening", "runtime_min", "star_power", "release_week"]


def write_fake_table(path, n=400):
    rng = np.random.default_rng(SEED)
    genre_bump = {"drama": 0.0, "comedy": 0.2, "action": 0.6, "horror": 0.3,
                  "animation": 0.7, "documentary": -0.8, "musical": 0.1}
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["title"] + NUMERIC + ["genre", "mpaa", "gross_musd"])
        for i in range(n):
            g = GENRES[rng.integers(len(GENRES))]
            r = RATINGS[rng.integers(len(RATINGS))]
            budget = float(np.exp(rng.normal(3.0, 1.0)))
            screens = int(rng.integers(50, 4300))
            runtime = int(rng.integers(80, 180))
            star = float(rng.uniform(0, 10))
            week = int(rng.integers(1, 53))
            log_gross = (0.8 * np.log(budget) + 0.35 * np.log(screens) + 0.05 * star
                         + genre_bump[g] + 0.3 * np.sin(week / 52 * 2 * np.pi)
                         + rng.normal(0, 0.4))
            w.writerow([f"film_{i:04d}", f"{budget:.2f}", screens, runtime,
                        f"{star:.2f}", week, g, r, f"{np.exp(log_gross):.2f}"])


def load_table(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    num = np.array([[float(r[c]) for c in NUMERIC] for r in rows], dtype=np.float32)
    num[:, 0] = np.log1p(num[:, 0])
    num[:, 1] = np.log1p(num[:, 1])
    genre = np.array([GENRES.index(r["genre"]) for r in rows], dtype=np.int64)
    mpaa = np.array([RATINGS.index(r["mpaa"]) for r in rows], dtype=np.int64)
    y = np.log1p(np.array([float(r["gross_musd"]) for r in rows], dtype=np.float32))
    return num, genre, mpaa, y


def standardize(train, other):
    mu, sd = train.mean(0, keepdims=True), train.std(0, keepdims=True) + 1e-6
    return (train - mu) / sd, (other - mu) / sd


def split(n, frac=0.8):
    idx = np.random.default_rng(SEED).permutation(n)
    cut = int(n * frac)
    return idx[:cut], idx[cut:]


def build_model(n_num, genre_dim=4, mpaa_dim=2, hidden=32):
    genre_emb = nn.Embedding(len(GENRES), genre_dim)
    mpaa_emb = nn.Embedding(len(RATINGS), mpaa_dim)
    mlp = nn.Sequential(
        nn.Linear(n_num + genre_dim + mpaa_dim, hidden), nn.ReLU(),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, 1),
    )
    return genre_emb, mpaa_emb, mlp


def rmse_musd(pred_log, true_log):
    return torch.sqrt(((torch.expm1(pred_log) - torch.expm1(true_log)) ** 2).mean()).item()


def main():
    torch.manual_seed(SEED)
    write_fake_table(CSV_PATH)
    num, genre, mpaa, y = load_table(CSV_PATH)
    tr, va = split(len(y))
    num_tr, num_va = standardize(num[tr], num[va])

    x_tr = torch.from_numpy(num_tr)
    x_va = torch.from_numpy(num_va)
    g_tr, g_va = torch.from_numpy(genre[tr]), torch.from_numpy(genre[va])
    m_tr, m_va = torch.from_numpy(mpaa[tr]), torch.from_numpy(mpaa[va])
    y_tr, y_va = torch.from_numpy(y[tr]), torch.from_numpy(y[va])

    genre_emb, mpaa_emb, mlp = build_model(x_tr.shape[1])
    params = list(genre_emb.parameters()) + list(mpaa_emb.parameters()) + list(mlp.parameters())
    opt = torch.optim.Adam(params, lr=5e-3, weight_decay=1e-4)
    loss_fn = nn.HuberLoss(delta=1.0)

    for step in range(300):
        cat_tr = torch.cat([genre_emb(g_tr), mpaa_emb(m_tr)], dim=1)
        pred = mlp(torch.cat([x_tr, cat_tr], dim=1)).squeeze(1)
        loss = loss_fn(pred, y_tr)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0:
            with torch.no_grad():
                cat_va = torch.cat([genre_emb(g_va), mpaa_emb(m_va)], dim=1)
                pv = mlp(torch.cat([x_va, cat_va], dim=1)).squeeze(1)
                print(f"step {step:3d} train huber {loss.item():.4f} "
                      f"val rmse ${rmse_musd(pv, y_va):.1f}M")

    with torch.no_grad():
        gi = GENRES.index("animation")
        print("animation genre vector:", genre_emb.weight[gi].numpy().round(3))


if __name__ == "__main__":
    main()
