# Content-based reading suggestions for a small branch library.
# Patron and item vectors are built from genre embeddings; we check how often
# a loan from the circulation log lands in the patron's top-k suggestions.
import torch
import torch.nn as nn

torch.manual_seed(3)

GENRES = ["mystery", "scifi", "history", "poetry", "cooking", "travel", "biography", "fantasy"]
G = {g: i for i, g in enumerate(GENRES)}

CATALOG = [  # item_id is the position in this list
    ("The Glass Key", ["mystery"]), ("Solaris", ["scifi"]), ("SPQR", ["history"]),
    ("Leaves of Grass", ["poetry"]), ("Salt Fat Acid Heat", ["cooking"]),
    ("In Patagonia", ["travel"]), ("Steve Jobs", ["biography"]), ("Earthsea", ["fantasy"]),
    ("Dune", ["scifi", "fantasy"]), ("The Silk Roads", ["history", "travel"]),
    ("Kitchen Confidential", ["cooking", "biography"]), ("Gone Girl", ["mystery"]),
]
PATRONS = [  # patron_id is the position in this list
    ["mystery", "history"], ["scifi", "fantasy"], ["cooking", "travel"],
    ["poetry", "biography"], ["history", "travel"],
]

LOANS_TSV = """item_id\tpatron_id\tdays
11\t0\t14
8\t1\t21
9\t4\t10
4\t2\t7
2\t0\t18
7\t1\t12
3\t3\t9
10\t2\t16
5\t4\t21
6\t3\t5
"""


def read_loans(text, min_days=7):
    lines = text.strip().splitlines()
    pairs = []
    for line in lines[1:]:
        patron, item, days = map(int, line.split("\t"))
        if days >= min_days:
            pairs.append((patron, item))
    return pairs


class GenreSpace(nn.Module):
    def __init__(self, n_genres, dim=12):
        super().__init__()
        self.genre = nn.Embedding(n_genres, dim)

    def embed(self, tag_lists):
        vecs = []
        for tags in tag_lists:
            ids = torch.tensor([G[t] for t in tags])
            vecs.append(self.genre(ids).mean(0))
        return nn.functional.normalize(torch.stack(vecs), dim=-1)


def hit_rate(scores, pairs, k=3):
    hits = 0
    for patron, item in pairs:
        s = scores[patron, item]
        rank = int((scores[patron] > s).sum())
        hits += rank < k
    return hits / max(len(pairs), 1)


space = GenreSpace(len(GENRES))
with torch.no_grad():
    patron_vecs = space.embed(PATRONS)
    item_vecs = space.embed([tags for _, tags in CATALOG])
    scores = patron_vecs @ item_vecs.T
print(f"score table: {tuple(scores.shape)} (patrons x items)")

pairs = read_loans(LOANS_TSV)
print(f"{len(pairs)} qualifying loans")
for k in (1, 3, 5):
    print(f"hit@{k}: {hit_rate(scores, pairs, k):.2f}")
