"""Self-training for review polarity: a small labelled set plus pseudo-labelled reviews the previous model was
confident about, trained together with a GRU classifier over word pieces."""
import os
import tempfile

import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertTokenizer

torch.manual_seed(0)
SEQ = 16
LABELLED = [("great food and friendly staff", 1), ("cold soup and rude waiter", 0),
            ("would come back again", 1), ("never again", 0)]
PSEUDO = [("lovely terrace", 1), ("the waiter forgot our order twice and the soup was cold", 0)]

vocab = sorted({w for t, _ in LABELLED + PSEUDO for w in t.split()})
path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + vocab) + "\n")
tok = BertTokenizer(path)


def encode_labelled(pairs):
    out = []
    for text, y in pairs:
        e = tok(text, max_length=SEQ, padding="max_length", truncation=True)
        out.append({"ids": e["input_ids"], "y": y})
    return out


def encode_pseudo(pairs, threshold=0.9):
    kept = []
    for text, y in pairs:
        e = tok(text, truncation=True, max_length=SEQ)
        kept.append({"ids": e["input_ids"], "y": y})
    return kept


class GRUClassifier(nn.Module):
    def __init__(self, vocab_size, dim=16):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.head = nn.Linear(dim, 2)

    def forward(self, ids):
        _, h = self.gru(self.emb(ids))
        return self.head(h[-1])


train = encode_labelled(LABELLED) + encode_pseudo(PSEUDO)
model = GRUClassifier(len(tok))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(2):
    for batch in DataLoader(train, batch_size=3, shuffle=True):
        ids = torch.stack(batch["ids"], dim=1)
        loss = nn.functional.cross_entropy(model(ids), batch["y"])
        opt.zero_grad()
        loss.backward()
        opt.step()
print("loss", round(loss.item(), 3))
