import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

N_REVIEWS = 1200
N_FEATURES = 2 ** 12
HIDDEN = 128
BATCH = 64
EPOCHS = 3
LR = 1e-3

# helpfulness ratio buckets: unhelpful / meh / useful / very useful
HELPFULNESS_EDGES = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
BUCKET_NAMES = ["unhelpful", "somewhat", "useful", "very_useful"]

ASPECTS = ["battery life", "fit", "sound quality", "stitching", "assembly", "packaging", "color", "zipper"]
OPINIONS = ["great", "terrible", "ok", "surprisingly good", "cheap feeling", "exactly as pictured"]
DETAILS = ["after two weeks", "compared to my old one", "for the price", "out of the box",
           "after washing", "on a long flight", ""]


def fake_review(quality):
    n_sent = 1 + int(quality * 5) + rng.integers(0, 2)
    sents = []
    for _ in range(n_sent):
        sents.append(f"{rng.choice(ASPECTS)} is {rng.choice(OPINIONS)} {rng.choice(DETAILS)}".strip())
    stars = int(rng.integers(1, 6))
    return f"{stars} stars. " + ". ".join(sents)


def make_review_table(n):
    quality = rng.beta(2, 2, size=n)
    texts = [fake_review(q) for q in quality]
    total_votes = rng.integers(1, 25, size=n)
    helpful_votes = rng.binomial(total_votes, np.clip(quality + 0.15, 0, 1))
    return texts, helpful_votes, total_votes


def helpfulness_bucket(helpful_votes, total_votes):
    ratio = helpful_votes / np.maximum(total_votes, 1)
    return np.digitize(ratio, HELPFULNESS_EDGES) - 1


def featurize(texts, vectorizer):
    X = vectorizer.transform(texts).astype(np.float32).toarray()
    return torch.from_numpy(X)


def init_params(n_in, n_hidden, n_out):
    w1 = nn.Parameter(torch.randn(n_in, n_hidden) * (2.0 / n_in) ** 0.5)
    b1 = nn.Parameter(torch.zeros(n_hidden))
    w2 = nn.Parameter(torch.randn(n_hidden, n_out) * (1.0 / n_hidden) ** 0.5)
    b2 = nn.Parameter(torch.zeros(n_out))
    return [w1, b1, w2, b2]


def forward(params, x, train=True):
    w1, b1, w2, b2 = params
    h = F.relu(x @ w1 + b1)
    h = F.dropout(h, p=0.2, training=train)
    return h @ w2 + b2


def iterate_minibatches(X, y, batch_size, shuffle=True):
    idx = torch.randperm(len(X)) if shuffle else torch.arange(len(X))
    for start in range(0, len(X), batch_size):
        sel = idx[start:start + batch_size]
        yield X[sel], y[sel]


def evaluate(params, X, y):
    with torch.no_grad():
        logits = forward(params, X, train=False)
        loss = F.cross_entropy(logits, y).item()
        acc = (logits.argmax(1) == y).float().mean().item()
    return loss, acc


texts, helpful, total = make_review_table(N_REVIEWS)
labels = helpfulness_bucket(helpful, total)
n_buckets = len(HELPFULNESS_EDGES) - 1

tr_texts, va_texts, tr_y, va_y = train_test_split(texts, labels, test_size=0.2, random_state=0)
vectorizer = HashingVectorizer(n_features=N_FEATURES, ngram_range=(1, 2), alternate_sign=False, norm="l2")
X_tr, X_va = featurize(tr_texts, vectorizer), featurize(va_texts, vectorizer)
y_tr = torch.as_tensor(tr_y, dtype=torch.long)
y_va = torch.as_tensor(va_y, dtype=torch.long)

print(f"train={len(X_tr)} val={len(X_va)} buckets={n_buckets}")

params = init_params(N_FEATURES, HIDDEN, n_buckets)
optimizer = torch.optim.Adam(params, lr=LR, weight_decay=1e-5)

for epoch in range(EPOCHS):
    running = 0.0
    for xb, yb in iterate_minibatches(X_tr, y_tr, BATCH):
        logits = forward(params, xb)
        loss = F.cross_entropy(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)
    va_loss, va_acc = evaluate(params, X_va, y_va)
    print(f"epoch {epoch}: train_loss={running / len(X_tr):.4f} val_loss={va_loss:.4f} val_acc={va_acc:.3f}")

for name, count in zip(BUCKET_NAMES, np.bincount(va_y, minlength=n_buckets)):
    print(f"  {name:>12s}: {count}")
