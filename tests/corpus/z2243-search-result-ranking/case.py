# Pairwise (RankNet-style) re-ranker for product search results.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 3
N_QUERIES = 120
RESULTS_PER_QUERY = 20
FEATURES = ["bm25_title", "bm25_desc", "price_log", "ctr_30d", "cvr_30d", "avg_rating",
            "n_reviews_log", "in_stock", "is_sponsored", "days_since_listed"]
EPOCHS = 3
LR = 5e-3

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def simulate_feature_job():
    n = N_QUERIES * RESULTS_PER_QUERY
    qid = np.repeat(np.arange(N_QUERIES), RESULTS_PER_QUERY)
    X = np.column_stack([
        rng.gamma(2.0, 3.0, n),                 # bm25_title
        rng.gamma(1.5, 2.0, n),                 # bm25_desc
        np.log1p(rng.lognormal(3.0, 1.0, n)),   # price_log
        rng.beta(2, 40, n),                     # ctr_30d
        rng.beta(1, 80, n),                     # cvr_30d
        np.clip(rng.normal(4.1, 0.6, n), 1, 5), # avg_rating
        np.log1p(rng.poisson(40, n)),           # n_reviews_log
        (rng.random(n) < 0.9).astype(int),      # in_stock
        (rng.random(n) < 0.1).astype(int),      # is_sponsored
        rng.integers(0, 900, n),                # days_since_listed
    ])
    true_w = np.array([0.5, 0.2, -0.1, 8.0, 15.0, 0.3, 0.2, 1.0, 0.0, -0.001])
    rel = X @ true_w + rng.normal(0, 0.5, n)
    grades = np.digitize(rel, np.quantile(rel, [0.5, 0.8, 0.95]))  # 0..3
    return qid, X, grades


def standardize(X, stats=None):
    if stats is None:
        stats = (X.mean(axis=0), X.std(axis=0) + 1e-6)
    mu, sd = stats
    return (X - mu) / sd, stats


def split_by_query(qid, X, y, train_frac=0.8):
    qs = rng.permutation(np.unique(qid))
    cut = int(len(qs) * train_frac)
    tr = np.isin(qid, qs[:cut])
    return (qid[tr], X[tr], y[tr]), (qid[~tr], X[~tr], y[~tr])


def make_scorer(n_features):
    return nn.Sequential(
        nn.Linear(n_features, 32),
        nn.ReLU(),
        nn.Linear(32, 1),
    )


def ranknet_loss(scores, grades):
    diff = scores.unsqueeze(1) - scores.unsqueeze(0)
    target = (grades.unsqueeze(1) > grades.unsqueeze(0)).float()
    valid = grades.unsqueeze(1) != grades.unsqueeze(0)
    if valid.sum() == 0:
        return scores.sum() * 0.0
    return F.binary_cross_entropy_with_logits(diff[valid], target[valid])


def ndcg_at_k(scores, grades, k=10):
    order = np.argsort(-scores)[:k]
    gains = (2 ** grades[order] - 1) / np.log2(np.arange(2, len(order) + 2))
    ideal = np.sort(grades)[::-1][:k]
    ideal_gains = (2 ** ideal - 1) / np.log2(np.arange(2, len(ideal) + 2))
    return gains.sum() / ideal_gains.sum() if ideal_gains.sum() > 0 else 0.0


def query_groups(qid, X, y):
    for q in np.unique(qid):
        m = qid == q
        yield torch.from_numpy(X[m]), torch.from_numpy(y[m])


def main():
    qid, X, grades = simulate_feature_job()
    (q_tr, X_tr, y_tr), (q_va, X_va, y_va) = split_by_query(qid, X, grades)
    X_tr, stats = standardize(X_tr)
    X_va, _ = standardize(X_va, stats)

    scorer = make_scorer(len(FEATURES))
    opt = torch.optim.Adam(scorer.parameters(), lr=LR)

    for epoch in range(EPOCHS):
        scorer.train()
        losses = []
        for feats, g in query_groups(q_tr, X_tr, y_tr):
            s = scorer(feats).squeeze(-1)
            loss = ranknet_loss(s, g)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())

        scorer.eval()
        ndcgs = []
        with torch.no_grad():
            for feats, g in query_groups(q_va, X_va, y_va):
                ndcgs.append(ndcg_at_k(scorer(feats).squeeze(-1).numpy(), g.numpy()))
        print(f"epoch {epoch}: pairwise loss {np.mean(losses):.4f}  val NDCG@10 {np.mean(ndcgs):.4f}")


if __name__ == "__main__":
    main()
