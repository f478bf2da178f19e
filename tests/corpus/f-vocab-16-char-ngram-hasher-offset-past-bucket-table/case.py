"""Language identification for short support messages with hashed character trigrams (no vocabulary file)."""
import zlib

import torch
from torch import nn

torch.manual_seed(0)
LANGS = ["en", "de", "fr"]
NUM_BUCKETS = 96
PAD_ID, BOS_ID, EOS_ID, DIGIT_ID = 0, 1, 2, 3
SPECIAL_SLOTS = 8

MESSAGES = [
    ("my order has not arrived yet", "en"), ("please cancel my subscription", "en"),
    ("the invoice shows the wrong amount", "en"), ("meine bestellung ist noch nicht da", "de"),
    ("bitte kündigen sie mein abo", "de"), ("die rechnung zeigt den falschen betrag", "de"),
    ("ma commande n'est pas encore arrivée", "fr"), ("merci d'annuler mon abonnement", "fr"),
    ("la facture indique le mauvais montant", "fr"), ("order 4412 still missing", "en"),
]


class TrigramHasher:
    def __init__(self, buckets, n=3):
        self.buckets = buckets
        self.n = n

    def bucket(self, gram):
        return SPECIAL_SLOTS + zlib.crc32(gram.encode("utf-8")) % self.buckets

    def encode(self, text):
        ids = [BOS_ID]
        for word in text.lower().split():
            if word.isdigit():
                ids.append(DIGIT_ID)
                continue
            padded = f"<{word}>"
            ids.extend(self.bucket(padded[i:i + self.n]) for i in range(len(padded) - self.n + 1))
        ids.append(EOS_ID)
        return ids


class LangIdBag(nn.Module):
    def __init__(self, num_embeddings, dim, n_langs):
        super().__init__()
        self.bag = nn.EmbeddingBag(num_embeddings, dim, mode="mean")
        self.classify = nn.Linear(dim, n_langs)

    def forward(self, flat_ids, offsets):
        return self.classify(self.bag(flat_ids, offsets))


def make_batch(hasher, texts):
    seqs = [torch.tensor(hasher.encode(t)) for t in texts]
    offsets = torch.tensor([0] + [len(s) for s in seqs[:-1]]).cumsum(0)
    return torch.cat(seqs), offsets


hasher = TrigramHasher(NUM_BUCKETS)
model = LangIdBag(NUM_BUCKETS, 24, len(LANGS))
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
texts = [m for m, _ in MESSAGES]
targets = torch.tensor([LANGS.index(lang) for _, lang in MESSAGES])
flat_ids, offsets = make_batch(hasher, texts)

for epoch in range(30):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(flat_ids, offsets), targets)
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss {loss.item():.3f}")

probe = ["wo ist meine rechnung", "where is my invoice"]
print([LANGS[i] for i in model(*make_batch(hasher, probe)).argmax(-1).tolist()])
