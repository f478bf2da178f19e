import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)

# (reader, book, stars) exported from the club's spreadsheet
ratings_log = [
    (0, 0, 4.5), (0, 2, 3.0), (0, 5, 5.0), (0, 7, 2.0),
    (1, 1, 4.0), (1, 2, 3.5), (1, 3, 1.5), (1, 6, 4.0),
    (2, 0, 5.0), (2, 4, 4.5), (2, 5, 4.0), (2, 8, 2.5),
    (3, 1, 2.0), (3, 3, 3.0), (3, 6, 5.0), (3, 9, 4.5),
    (4, 0, 3.5), (4, 2, 4.0), (4, 7, 1.0), (4, 9, 3.0),
    (5, 4, 5.0), (5, 5, 4.5), (5, 8, 3.5), (5, 1, 2.5),
    (6, 3, 4.0), (6, 6, 3.5), (6, 7, 2.5), (6, 0, 4.0),
    (7, 2, 1.5), (7, 4, 3.0), (7, 8, 4.5), (7, 9, 5.0),
]
n_readers = 1 + max(r for r, _, _ in ratings_log)
n_books = 1 + max(b for _, b, _ in ratings_log)

table = torch.tensor(ratings_log)
dataset = TensorDataset(table[:, 0].long(), table[:, 1].long(), table[:, 2])
train_set, test_set = random_split(dataset, [26, len(dataset) - 26])


class TasteModel(nn.Module):
    def __init__(self, readers, books, k=8):
        super().__init__()
        self.reader_vec = nn.Embedding(readers, k)
        self.book_vec = nn.Embedding(books, k)
        self.reader_bias = nn.Embedding(readers, 1)
        self.book_bias = nn.Embedding(books, 1)
        self.global_mean = nn.Parameter(torch.tensor(3.5))

    def forward(self, who, what):
        dot = (self.reader_vec(who) * self.book_vec(what)).sum(-1)
        bias = self.reader_bias(who).squeeze(-1) + self.book_bias(what).squeeze(-1)
        return self.global_mean + dot + bias


def evaluate(model, loader):
    model.eval()
    sq_err, n = 0.0, 0
    with torch.no_grad():
        for who, what, stars in loader:
            sq_err += ((model(who, what) - stars) ** 2).sum().item()
            n += len(stars)
    return (sq_err / n) ** 0.5


model = TasteModel(n_readers, n_books)
optimizer = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=1e-4)
train_loader = DataLoader(train_set, batch_size=8, shuffle=True)
test_loader = DataLoader(test_set, batch_size=8)

for epoch in range(30):
    model.train()
    for who, what, stars in train_loader:
        loss = nn.functional.mse_loss(model(who, what), stars)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1}: test rmse {evaluate(model, test_loader):.3f}")

with tempfile.NamedTemporaryFile(suffix=".pt") as fh:
    torch.save(model.state_dict(), fh.name)
