"""Matrix-factorisation rating model for a library's book-club app.

ratings.csv: member_id,book_no,stars,read_minutes
member ids are the app's account numbers (sparse), book_no is the catalogue
position 0..N_BOOKS-1 assigned by the library system.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(1)
rng = np.random.default_rng(21)

N_MEMBERS, N_BOOKS, N_RATINGS = 60, 45, 900

workdir = tempfile.mkdtemp(prefix="bookclub_")
ratings_csv = os.path.join(workdir, "ratings.csv")
account_numbers = rng.choice(np.arange(10_000, 99_999), size=N_MEMBERS, replace=False)
taste = rng.normal(size=(N_MEMBERS, 4))
book_style = rng.normal(size=(N_BOOKS, 4))
with open(ratings_csv, "w") as fh:
    fh.write("member_id,book_no,stars,read_minutes\n")
    for _ in range(N_RATINGS):
        m, b = rng.integers(N_MEMBERS), rng.integers(N_BOOKS)
        score = taste[m] @ book_style[b]
        stars = int(np.clip(np.round(3 + score), 1, 5))
        minutes = max(5, int(rng.normal(240 + 40 * score, 60)))
        fh.write(f"{account_numbers[m]},{b},{stars},{minutes}\n")

raw = np.loadtxt(ratings_csv, delimiter=",", skiprows=1)
member_ids, member_idx = np.unique(raw[:, 0], return_inverse=True)
book_idx = raw[:, 1].astype(np.int64)
stars = raw[:, 2].astype(np.float32)
engagement = StandardScaler().fit_transform(np.log(raw[:, 3:4])).astype(np.float32)
n_members, n_books = len(member_ids), int(book_idx.max()) + 1
print(f"{len(raw)} ratings, {n_members} members, {n_books} books")

tr, te = train_test_split(np.arange(len(raw)), test_size=0.2, random_state=0)
global_mean = float(stars[tr].mean())


def to_tensors(rows):
    return (torch.from_numpy(member_idx[rows]), torch.from_numpy(book_idx[rows]),
            torch.from_numpy(engagement[rows]), torch.from_numpy(stars[rows]))


class BookFactors(nn.Module):
    def __init__(self, n_members, n_books, dim=8):
        super().__init__()
        self.member_vec = nn.Embedding(n_members, dim)
        self.book_vec = nn.Embedding(n_books, dim)
        self.member_bias = nn.Embedding(n_members, 1)
        self.book_bias = nn.Embedding(n_books, 1)
        self.engage_w = nn.Linear(1, 1)
        for emb in (self.member_vec, self.book_vec):
            nn.init.normal_(emb.weight, std=0.1)
        nn.init.zeros_(self.member_bias.weight)
        nn.init.zeros_(self.book_bias.weight)

    def forward(self, member, book, engage):
        dot = (self.member_vec(member) * self.book_vec(book)).sum(-1)
        bias = self.member_bias(member).squeeze(-1) + self.book_bias(book).squeeze(-1)
        return global_mean + dot + bias + self.engage_w(engage).squeeze(-1)


model = BookFactors(n_members, n_books)
opt = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=1e-5)
loss_fn = nn.MSELoss()
train_m, train_b, train_e, train_s = to_tensors(tr)

for epoch in range(20):
    model.train()
    perm = torch.randperm(len(train_s))
    epoch_loss = 0.0
    for chunk in perm.split(128):
        pred = model(train_m[chunk], train_b[chunk], train_e[chunk])
        loss = loss_fn(pred, train_s[chunk])
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss += loss.item() * len(chunk)
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1}: train mse {epoch_loss / len(train_s):.3f}")

model.eval()
test_m, test_b, test_e, test_s = to_tensors(te)
with torch.no_grad():
    test_pred = model(test_m, test_b, test_e).clamp(1, 5)
rmse = torch.sqrt(((test_pred - test_s) ** 2).mean()).item()
baseline = float(np.sqrt(((stars[te] - global_mean) ** 2).mean()))
print(f"test rmse {rmse:.3f} (global-mean baseline {baseline:.3f})")
