"""Sarcasm detector for product reviews: word-level GRU with masked mean pooling, trained from scratch."""
import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence

REVIEWS = [
    ("oh great another charger that stops working after a day", 1),
    ("solid build and the battery lasts all week", 0),
    ("wow love waiting three weeks for a broken lamp", 1),
    ("fits perfectly and looks nice", 0),
    ("best purchase ever if you enjoy returning things", 1),
    ("quiet fan and easy to clean", 0),
]
SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]
VOCAB = {w: i for i, w in enumerate(SPECIALS + sorted({w for r, _ in REVIEWS for w in r.split()}))}
PAD_ID, BOS_ID, EOS_ID, UNK_ID = (VOCAB[s] for s in SPECIALS)


def encode(text):
    """Token ids framed by <bos>/<eos>, and a 1-for-real-token mask."""
    word_ids = [VOCAB.get(w, UNK_ID) for w in text.lower().split()]
    ids = [BOS_ID] + word_ids + [EOS_ID]
    keep = torch.ones(len(word_ids))
    return torch.tensor(ids), keep


class SarcasmGRU(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=PAD_ID)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.cls = nn.Linear(dim, 2)

    def forward(self, ids, keep):
        states, _ = self.gru(self.embed(ids))
        pooled = (states * keep.unsqueeze(-1)).sum(1) / keep.sum(1, keepdim=True)
        return self.cls(pooled)


torch.manual_seed(0)
model = SarcasmGRU(len(VOCAB))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
encoded = [encode(text) for text, _ in REVIEWS]
targets = torch.tensor([y for _, y in REVIEWS])

for step in range(2):
    for start in range(0, len(encoded), 3):
        rows = encoded[start:start + 3]
        ids = pad_sequence([r[0] for r in rows], batch_first=True, padding_value=PAD_ID)
        keep = pad_sequence([r[1] for r in rows], batch_first=True)
        loss = nn.functional.cross_entropy(model(ids, keep), targets[start:start + 3])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
print("final loss", round(loss.item(), 4))
