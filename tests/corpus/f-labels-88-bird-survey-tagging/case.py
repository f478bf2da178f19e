import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

random.seed(0)
torch.manual_seed(0)

PAD = 0
MAX_TAGS = 12
TAGS = ["O", "SPECIES", "COUNT", "HABITAT"]

NOTES = [
    ("three wrens in hedgerow", "COUNT SPECIES O HABITAT"),
    ("pair of kestrels over meadow", "COUNT O SPECIES O HABITAT"),
    ("single heron at reedbed edge", "COUNT SPECIES O HABITAT HABITAT"),
    ("flock of starlings", "O O SPECIES"),
    ("two buzzards circling woodland", "COUNT SPECIES O HABITAT"),
    ("five lapwings on wet meadow", "COUNT SPECIES O HABITAT HABITAT"),
    ("one kingfisher by stream", "COUNT SPECIES O HABITAT"),
    ("several wrens in scrub", "COUNT SPECIES O HABITAT"),
]


def build_vocab(notes):
    vocab = {"<pad>": PAD, "<unk>": 1}
    for text, _ in notes:
        for word in text.split():
            vocab.setdefault(word, len(vocab))
    return vocab


def encode(notes, vocab):
    examples = []
    for text, tags in notes:
        examples.append({
            "ids": [vocab.get(w, 1) for w in text.split()],
            "tags": [TAGS.index(t) for t in tags.split()],
        })
    return examples


def collate(batch):
    longest = max(len(ex["ids"]) for ex in batch)
    ids, tags = [], []
    for ex in batch:
        n = len(ex["ids"])
        ids.append(ex["ids"] + [PAD] * (longest - n))
        tags.append(ex["tags"] + [-100] * (MAX_TAGS - len(ex["tags"])))
    return torch.tensor(ids), torch.tensor(tags)


class Tagger(nn.Module):
    def __init__(self, vocab_size, dim=32, n_tags=len(TAGS)):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, ids):
        h, _ = self.rnn(self.emb(ids))
        return self.out(h)


def main():
    vocab = build_vocab(NOTES)
    data = encode(NOTES, vocab)
    print(f"{len(data)} survey notes, vocab size {len(vocab)}")
    loader = DataLoader(data, batch_size=4, shuffle=True, collate_fn=collate)
    model = Tagger(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    for epoch in range(5):
        total = 0.0
        for ids, tags in loader:
            logits = model(ids)
            loss = loss_fn(logits.reshape(-1, logits.size(-1)), tags.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
