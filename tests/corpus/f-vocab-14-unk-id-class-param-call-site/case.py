"""Product-category classifier over a word vocabulary built from the training titles; words never seen in
training get the next free id."""
import torch
from torch import nn

torch.manual_seed(0)
TRAIN = [("red cotton shirt", 0), ("steel kitchen knife", 1), ("blue denim jacket", 0), ("ceramic frying pan", 1)]
TEST = ["green wool shirt", "cast iron pan"]

word2id = {}
for title, _ in TRAIN:
    for w in title.split():
        word2id.setdefault(w, len(word2id))
UNK = len(word2id)


def to_ids(title):
    return torch.tensor([word2id.get(w, UNK) for w in title.split()])


class TitleClassifier(nn.Module):
    def __init__(self, vocab_size, dim, n_classes=2):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.out = nn.Linear(dim, n_classes)

    def forward(self, ids, offsets):
        return self.out(self.bag(ids, offsets))


def batch(titles):
    parts = [to_ids(t) for t in titles]
    offsets = torch.tensor([0] + [len(p) for p in parts[:-1]]).cumsum(0)
    return torch.cat(parts), offsets


model = TitleClassifier(len(word2id), 8)
opt = torch.optim.SGD(model.parameters(), lr=0.5)
ids, offsets = batch([t for t, _ in TRAIN])
loss = nn.functional.cross_entropy(model(ids, offsets), torch.tensor([y for _, y in TRAIN]))
loss.backward()
opt.step()
print(model(*batch(TEST)).argmax(-1).tolist())
