import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

torch.manual_seed(0)
random.seed(0)

TAGS = ["O", "AREA", "WIND_DIR", "WIND_FORCE", "SEA_STATE", "WEATHER", "VISIBILITY"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

BULLETINS = [
    ("dogger southwest 5 moderate rain good", ["AREA", "WIND_DIR", "WIND_FORCE", "SEA_STATE", "WEATHER", "VISIBILITY"]),
    ("fisher westerly 6 rough showers moderate", ["AREA", "WIND_DIR", "WIND_FORCE", "SEA_STATE", "WEATHER", "VISIBILITY"]),
    ("german bight north 4 slight fair good", ["AREA", "AREA", "WIND_DIR", "WIND_FORCE", "SEA_STATE", "WEATHER", "VISIBILITY"]),
    ("humber variable 3 smooth fog poor", ["AREA", "WIND_DIR", "WIND_FORCE", "SEA_STATE", "WEATHER", "VISIBILITY"]),
    ("thames easterly 5 moderate drizzle good", ["AREA", "WIND_DIR", "WIND_FORCE", "SEA_STATE", "WEATHER", "VISIBILITY"]),
    ("forties southeast 7 very rough rain poor", ["AREA", "WIND_DIR", "WIND_FORCE", "SEA_STATE", "SEA_STATE", "WEATHER", "VISIBILITY"]),
    ("viking later north 6 rough squally moderate", ["AREA", "O", "WIND_DIR", "WIND_FORCE", "SEA_STATE", "WEATHER", "VISIBILITY"]),
    ("tyne westerly 4 slight fair good", ["AREA", "WIND_DIR", "WIND_FORCE", "SEA_STATE", "WEATHER", "VISIBILITY"]),
]

PAD = 0
words = sorted({w for text, _ in BULLETINS for w in text.split()})
WORD2ID = {w: i + 1 for i, w in enumerate(words)}


def encode(text, tags):
    return [WORD2ID[w] for w in text.split()], [TAG2ID[t] for t in tags]


def collate_bulletins(batch):
    longest = max(len(ids) for ids, _ in batch)
    token_ids = torch.full((len(batch), longest), PAD, dtype=torch.long)
    tag_ids = torch.zeros((len(batch), longest), dtype=torch.long)
    for row, (ids, tags) in enumerate(batch):
        token_ids[row, : len(ids)] = torch.tensor(ids)
        tag_ids[row, : len(tags)] = torch.tensor(tags)
    keep_mask = token_ids != PAD
    return token_ids, keep_mask, tag_ids


class BulletinTagger(nn.Module):
    def __init__(self, vocab, n_tags, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.query = nn.Linear(dim, dim)
        self.key = nn.Linear(dim, dim)
        self.value = nn.Linear(dim, dim)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, token_ids, keep_mask):
        h = self.embed(token_ids)
        scores = self.query(h) @ self.key(h).transpose(1, 2) / h.size(-1) ** 0.5
        scores = scores.masked_fill(~keep_mask.unsqueeze(1), float("-inf"))
        context = scores.softmax(dim=-1) @ self.value(h)
        return self.out(torch.cat([h, context], dim=-1))


def train(epochs=15):
    examples = [encode(text, tags) for text, tags in BULLETINS]
    loader = DataLoader(examples, batch_size=4, shuffle=True, collate_fn=collate_bulletins)
    model = BulletinTagger(len(WORD2ID) + 1, len(TAGS))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(epochs):
        total = 0.0
        for token_ids, tag_ids, keep_mask in loader:
            logits = model(token_ids, keep_mask)
            loss = F.cross_entropy(logits[keep_mask], tag_ids[keep_mask])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        if epoch % 5 == 0:
            print(f"epoch {epoch}: loss {total / len(loader):.4f}")
    return model


def tag_bulletin(model, text):
    ids = torch.tensor([[WORD2ID[w] for w in text.split()]])
    with torch.no_grad():
        pred = model(ids, ids != PAD).argmax(-1)[0]
    return list(zip(text.split(), (TAGS[i] for i in pred.tolist())))


if __name__ == "__main__":
    print(f"{len(BULLETINS)} bulletins, {len(WORD2ID)} words, {len(TAGS)} tags")
    tagger = train()
    for word, tag in tag_bulletin(tagger, "dogger westerly 6 rough rain poor"):
        print(f"{word:>10} -> {tag}")
