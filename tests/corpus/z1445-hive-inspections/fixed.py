# Cross-validated colony-status classifier for apiary inspection notes.
# Small transformer encoder written in plain torch; 4-fold stratified CV.
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import LabelEncoder

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

RECORDS = [
    ("brood pattern solid eggs seen queen spotted calm bees", "healthy"),
    ("capped brood even good stores calm temper", "healthy"),
    ("queen marked seen laying well frames full", "healthy"),
    ("strong colony plenty pollen eggs and larvae present", "healthy"),
    ("calm hive good honey flow brood frames solid", "healthy"),
    ("healthy brood queen seen", "healthy"),
    ("no eggs no larvae roaring colony queen cells emergency", "queenless"),
    ("no queen seen no eggs laying workers suspected", "queenless"),
    ("multiple eggs per cell drone brood in worker cells", "queenless"),
    ("no eggs found colony agitated roaring sound", "queenless"),
    ("emergency queen cells on frame center no eggs", "queenless"),
    ("queenless", "queenless"),
    ("mites seen on drone brood deformed wings on workers", "varroa"),
    ("sugar roll count high mites many deformed wings", "varroa"),
    ("spotty brood mites on bees crawling workers", "varroa"),
    ("mite drop board heavy count treat soon", "varroa"),
    ("deformed wings many workers mites in capped cells", "varroa"),
    ("mites", "varroa"),
    ("swarm cells along bottom bars crowded boxes", "swarming"),
    ("queen cups charged crowded brood nest add super", "swarming"),
    ("bees bearding heavily swarm cells capped", "swarming"),
    ("many swarm cells colony very crowded split needed", "swarming"),
    ("capped swarm cells old queen still present", "swarming"),
    ("swarm", "swarming"),
    ("brood pattern solid eggs seen queen spotted calm bees", "healthy"),
    ("no eggs no larvae roaring colony queen cells emergency", "queenless"),
    ("sugar roll count high mites many deformed wings", "varroa"),
    ("bees bearding heavily swarm cells capped", "swarming"),
    ("good stores eggs present calm colony strong", "healthy"),
    ("drone layer suspected no worker brood no queen", "queenless"),
    ("mites seen phoretic on nurse bees spotty brood", "varroa"),
    ("queen cells on frame edges colony boiling over", "swarming"),
]

MIN_TOKENS = 3


def make_folds(labels, n_splits=4):
    skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=SEED)
    return list(skf.split(np.zeros(len(labels)), labels))


def build_vocab(texts):
    counts = Counter(w for t in texts for w in t.split())
    itos = ["<pad>", "<unk>", "<cls>"] + sorted(counts)
    return {w: i for i, w in enumerate(itos)}


def encode(texts, vocab, max_len=14):
    rows = []
    for t in texts:
        ids = [vocab["<cls>"]] + [vocab.get(w, 1) for w in t.split()][: max_len - 1]
        rows.append(ids + [0] * (max_len - len(ids)))
    return torch.tensor(rows, dtype=torch.long)


class NoteEncoder(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=32, max_len=14):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, ids):
        positions = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        h = self.body(h, src_key_padding_mask=ids.eq(0))
        return self.head(h[:, 0])


def run_fold(k, X, y, tr_idx, va_idx, vocab_size, n_classes, epochs=6):
    model = NoteEncoder(vocab_size, n_classes)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    xb, yb = X[tr_idx], y[tr_idx]
    for _ in range(epochs):
        model.train()
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(X[va_idx]).argmax(-1) == y[va_idx]).float().mean().item()
    print(f"fold {k}: train loss {loss.item():.3f}  val acc {acc:.3f}")
    return acc


def main():
    texts = [t for t, _ in RECORDS]
    status = [s for _, s in RECORDS]
    le = LabelEncoder()
    y_all = le.fit_transform(status)
    print(f"{len(texts)} inspection notes, classes: {', '.join(le.classes_)}")

    # drop duplicate notes (copied between hives) and one-word stubs
    seen, keep = set(), []
    for i, t in enumerate(texts):
        if t in seen or len(t.split()) < MIN_TOKENS:
            continue
        seen.add(t)
        keep.append(i)
    texts = [texts[i] for i in keep]
    y_np = y_all[keep]
    print(f"kept {len(texts)} notes after cleaning")
    folds = make_folds(y_np)

    vocab = build_vocab(texts)
    X = encode(texts, vocab)
    y = torch.from_numpy(y_np).long()

    scores = [run_fold(k, X, y, tr, va, len(vocab), len(le.classes_))
              for k, (tr, va) in enumerate(folds)]
    print(f"mean CV accuracy: {np.mean(scores):.3f}")


if __name__ == "__main__":
    main()
