"""Travel search: map a traveller's free-text request to a hotel listing.
Bag-of-words towers (EmbeddingBag) trained with an InfoNCE loss over in-batch
negatives. Several requests share the same hotel, so when two of them land in
one batch the other copy of the gold hotel is masked out of the denominator."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(21)
torch.manual_seed(21)

HOTELS = [
    "beachfront resort with pool spa and kids club",
    "budget hostel near the central train station shared dorms",
    "mountain lodge with ski storage fireplace and sauna",
    "boutique city hotel rooftop bar walking distance to museums",
    "airport hotel free shuttle late checkout quiet rooms",
    "farm stay cottage with breakfast vineyard views and bikes",
]
# (request, hotel row)
REQUESTS = [
    ("family trip with kids near the beach and a pool", 0),
    ("relaxing spa weekend by the sea", 0),
    ("cheap bed close to the train station", 1),
    ("backpacker dorm in the city centre", 1),
    ("ski trip somewhere with a sauna", 2),
    ("cosy cabin with a fireplace in the mountains", 2),
    ("stay near museums with a rooftop bar", 3),
    ("stylish hotel downtown walking to galleries", 3),
    ("early flight need a shuttle to the airport", 4),
    ("quiet room near the airport with late checkout", 4),
    ("countryside breakfast and wine tasting", 5),
    ("cycling holiday in the vineyards", 5),
]

vocab = {"<unk>": 0}
for text in HOTELS + [r for r, _ in REQUESTS]:
    for w in text.split():
        vocab.setdefault(w, len(vocab))


def bag(texts):
    flat, offsets = [], []
    for t in texts:
        offsets.append(len(flat))
        flat.extend(vocab.get(w, 0) for w in t.split())
    return torch.tensor(flat), torch.tensor(offsets)


class Tower(nn.Module):
    def __init__(self, n_words, dim=48, out=32):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_words, dim, mode="mean")
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, out))

    def forward(self, texts):
        words, offsets = bag(texts)
        return F.normalize(self.head(self.bag(words, offsets)), dim=-1)


def info_nce(req_vecs, hotel_vecs, hotel_rows, tau=0.1):
    sims = (req_vecs @ hotel_vecs.T / tau).exp()
    same_hotel = hotel_rows[:, None] == hotel_rows[None, :]
    off_diag = ~torch.eye(len(hotel_rows), dtype=torch.bool)
    sims.masked_fill_(same_hotel & off_diag, 0.0)
    return -(sims.diagonal() / sims.sum(dim=1)).log().mean()


def train(req_tower, hotel_tower, epochs=5, bs=6):
    params = list(req_tower.parameters()) + list(hotel_tower.parameters())
    opt = torch.optim.Adam(params, lr=1e-2)
    for ep in range(epochs):
        order = list(range(len(REQUESTS)))
        random.shuffle(order)
        running = []
        for start in range(0, len(order), bs):
            chunk = [REQUESTS[i] for i in order[start:start + bs]]
            hotel_rows = torch.tensor([h for _, h in chunk])
            req_vecs = req_tower([r for r, _ in chunk])
            hotel_vecs = hotel_tower([HOTELS[h] for h in hotel_rows.tolist()])
            loss = info_nce(req_vecs, hotel_vecs, hotel_rows)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        print(f"epoch {ep} info_nce {sum(running) / len(running):.4f}")


@torch.no_grad()
def recommend(req_tower, hotel_tower, request, k=2):
    catalogue = hotel_tower(HOTELS)
    scores = (req_tower([request]) @ catalogue.T)[0]
    best = scores.topk(k)
    return [(HOTELS[i], round(s, 3)) for s, i in zip(best.values.tolist(), best.indices.tolist())]


def main():
    req_tower, hotel_tower = Tower(len(vocab)), Tower(len(vocab))
    train(req_tower, hotel_tower)
    for listing, score in recommend(req_tower, hotel_tower, "weekend with the kids at a pool by the beach"):
        print(f"{score:.3f}  {listing}")


if __name__ == "__main__":
    main()
