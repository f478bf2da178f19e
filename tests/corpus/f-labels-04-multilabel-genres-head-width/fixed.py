"""Multi-label movie-genre tagging from plot keywords."""
import torch
import torch.nn as nn

GENRES = ("action", "comedy", "drama", "horror", "romance", "scifi")
plots = [
    {"words": [3, 17, 22], "tags": {"action", "scifi"}},
    {"words": [5, 9, 40], "tags": {"comedy", "romance"}},
    {"words": [12, 12, 7], "tags": {"horror"}},
    {"words": [30, 2, 18], "tags": {"drama", "romance"}},
]


class BagTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.bag = nn.EmbeddingBag(64, 24)
        self.head = nn.Linear(24, len(GENRES))

    def forward(self, words):
        return self.head(self.bag(words))


def train_epoch(model, data, optimizer):
    words = torch.tensor([d["words"] for d in data])
    multi_hot = torch.tensor([[float(g in d["tags"]) for g in GENRES] for d in data])
    loss = nn.BCEWithLogitsLoss()(model(words), multi_hot)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


torch.manual_seed(0)
tagger = BagTagger()
opt = torch.optim.Adam(tagger.parameters(), lr=1e-2)
for epoch in range(2):
    print(epoch, train_epoch(tagger, plots, opt))
