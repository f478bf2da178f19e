# Public library loan recommender: score (patron, book, genre) triples with a
# factorisation model trained on implicit feedback (loan = 1, sampled negative = 0).
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "n_patrons": 300,
    "n_books": 800,
    "n_genres": 12,
    "n_loans": 600,
    "dim": 16,
    "batch_size": 256,
    "epochs": 3,
    "lr": 0.01,
    "seed": 11,
}

rng = np.random.default_rng(CFG["seed"])
torch.manual_seed(CFG["seed"])

# --- catalogue export: some books have no genre code (NaN in the export) ---
book_genre_raw = rng.integers(1, CFG["n_genres"], size=CFG["n_books"]).astype(np.float64)
book_genre_raw[rng.random(CFG["n_books"]) < 0.1] = np.nan
book_genre = np.where(np.isnan(book_genre_raw), 0, book_genre_raw).astype(np.int64)   # 0 = "unclassified"

# --- loan log ---
patron_taste = rng.integers(1, CFG["n_genres"], size=CFG["n_patrons"])
loan_patron = rng.integers(0, CFG["n_patrons"], size=CFG["n_loans"])
genre_pool = {g: np.flatnonzero(book_genre == g) for g in range(CFG["n_genres"])}
loan_book = np.array([
    rng.choice(genre_pool[patron_taste[p]]) if rng.random() < 0.7 and len(genre_pool[patron_taste[p]])
    else rng.integers(0, CFG["n_books"])
    for p in loan_patron
])

# negatives: random books for the same patrons
neg_book = rng.integers(0, CFG["n_books"], size=CFG["n_loans"])

columns = {
    "patron": np.concatenate([loan_patron, loan_patron]),
    "book": np.concatenate([loan_book, neg_book]),
    "label": np.concatenate([np.ones(CFG["n_loans"]), np.zeros(CFG["n_loans"])]).astype(np.float32),
}
columns["genre"] = book_genre[columns["book"]]

table = {name: torch.from_numpy(col) for name, col in columns.items()}
print({k: tuple(v.shape) for k, v in table.items()})


class LoanScorer(nn.Module):
    def __init__(self, n_patrons, n_books, n_genres, dim):
        super().__init__()
        self.patron = nn.Embedding(n_patrons, dim)
        self.book = nn.Embedding(n_books, dim)
        self.genre = nn.Embedding(n_genres, dim)
        self.patron_bias = nn.Embedding(n_patrons, 1)
        self.book_bias = nn.Embedding(n_books, 1)
        for emb in (self.patron, self.book, self.genre):
            nn.init.normal_(emb.weight, std=0.1)

    def forward(self, patron, book, genre):
        p = self.patron(patron)
        item = self.book(book) + self.genre(genre)
        score = (p * item).sum(-1)
        return score + self.patron_bias(patron).squeeze(-1) + self.book_bias(book).squeeze(-1)


model = LoanScorer(CFG["n_patrons"], CFG["n_books"], CFG["n_genres"], CFG["dim"])
opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
n_rows = table["label"].shape[0]

for epoch in range(CFG["epochs"]):
    perm = torch.randperm(n_rows)
    total = 0.0
    for i in range(0, n_rows, CFG["batch_size"]):
        idx = perm[i:i + CFG["batch_size"]]
        logits = model(table["patron"][idx], table["book"][idx], table["genre"][idx])
        loss = F.binary_cross_entropy_with_logits(logits, table["label"][idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    print(f"epoch {epoch}  bce {total / n_rows:.4f}")

with torch.no_grad():
    patron_id = torch.zeros(CFG["n_books"], dtype=torch.long)
    all_books = torch.arange(CFG["n_books"])
    scores = model(patron_id, all_books, table["genre"].new_tensor(book_genre))
    print("top-5 for patron 0:", scores.topk(5).indices.tolist())
