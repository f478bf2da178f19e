# topic classifier: vocabulary built on the fly with a defaultdict, evaluated on held-out headlines
from collections import defaultdict

import torch
import torch.nn as nn

torch.manual_seed(0)
vocab = defaultdict(lambda: len(vocab))
PAD, UNK = vocab["<pad>"], vocab["<unk>"]

train = [("stocks rally as rates fall", 0), ("team wins the cup final", 1), ("bank cuts rates again", 0),
         ("striker scores twice in final", 1)]
test = [("rates rise as stocks slide", 0), ("goalkeeper saves penalty in cup final", 1)]


def numericalize(rows):
    ids = [[vocab[w] for w in text.split()] for text, _ in rows]
    width = max(map(len, ids))
    return torch.tensor([r + [PAD] * (width - len(r)) for r in ids]), torch.tensor([y for _, y in rows])


class MeanEmbed(nn.Module):
    def __init__(self, n_words, dim=16, n_classes=2):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=PAD)
        self.out = nn.Linear(dim, n_classes)

    def forward(self, x):
        keep = (x != PAD).unsqueeze(-1).float()
        return self.out((self.emb(x) * keep).sum(1) / keep.sum(1))


x_train, y_train = numericalize(train)
model = MeanEmbed(len(vocab))
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for _ in range(30):
    loss = nn.functional.cross_entropy(model(x_train), y_train)
    opt.zero_grad()
    loss.backward()
    opt.step()

x_test, y_test = numericalize(test)
with torch.no_grad():
    acc = (model(x_test).argmax(-1) == y_test).float().mean().item()
print(f"test accuracy {acc:.2f}")
