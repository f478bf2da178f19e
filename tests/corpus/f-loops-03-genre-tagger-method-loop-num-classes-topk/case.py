"""Suggest music genres for song lyrics with a bag-of-words classifier and show the best guesses."""
import torch
from torch import nn

GENRES = ["rock", "pop", "hip hop", "country", "jazz", "metal", "folk", "electronic"]
NUM_CLASSES = len(GENRES)
TOP_K = 3

TRAIN = [
    ("guitar scream loud night fire", 0), ("baby love dance tonight", 1), ("street rhyme money flow", 2),
    ("truck road whiskey home", 3), ("smoke blue saxophone night", 4), ("scream fire darkness steel", 5),
    ("river home old song", 6), ("bass drop dance lights", 7),
]
WORDS = sorted({w for text, _ in TRAIN for w in text.split()})
WORD_IDS = {w: i + 1 for i, w in enumerate(WORDS)}  # 0 = unknown


class LyricsClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes, dim=24):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.out = nn.Linear(dim, num_classes)

    def forward(self, ids, offsets):
        return self.out(self.bag(ids, offsets))


def encode(texts):
    rows = [torch.tensor([WORD_IDS.get(w, 0) for w in t.split()]) for t in texts]
    offsets = torch.tensor([0] + [len(r) for r in rows[:-1]]).cumsum(0)
    return torch.cat(rows), offsets


class GenreSuggester:
    def __init__(self, model, label_names, k=TOP_K):
        self.model = model.eval()
        self.label_names = label_names
        self.k = k

    @torch.no_grad()
    def suggest(self, lyrics):
        ids, offsets = encode([lyrics])
        probs = self.model(ids, offsets).softmax(-1)[0]
        top_scores, top_ids = probs.topk(self.k)
        lines = [f"lyrics: {lyrics}"]
        for i in range(NUM_CLASSES):
            lines.append(f"  {i + 1}. {self.label_names[top_ids[i]]:<11} {top_scores[i]:.2f}")
        return "\n".join(lines)


torch.manual_seed(0)
model = LyricsClassifier(len(WORD_IDS) + 1, NUM_CLASSES)
opt = torch.optim.Adam(model.parameters(), lr=0.05)
ids, offsets = encode([t for t, _ in TRAIN])
targets = torch.tensor([y for _, y in TRAIN])
for step in range(2):
    loss = nn.functional.cross_entropy(model(ids, offsets), targets)
    opt.zero_grad()
    loss.backward()
    opt.step()

suggester = GenreSuggester(model, GENRES)
print(suggester.suggest("loud guitar night fire on the road"))
