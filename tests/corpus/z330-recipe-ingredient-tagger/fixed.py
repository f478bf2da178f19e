"""Tag ingredient lines from scraped recipes (QTY / UNIT / NAME / PREP / O).

Small BiGRU tagger trained with Accelerate so the same script runs on the
laptop and on the shared box.
"""
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from accelerate import Accelerator

TAGS = ["O", "QTY", "UNIT", "NAME", "PREP"]
QTYS = ["1", "2", "3", "1/2", "1/4", "250", "100", "a", "two"]
UNITS = ["cup", "cups", "tbsp", "tsp", "g", "ml", "pinch", "clove", "cloves"]
NAMES = ["flour", "sugar", "butter", "garlic", "onion", "milk", "salt",
         "olive oil", "brown sugar", "chicken stock", "parsley"]
PREPS = ["chopped", "minced", "softened", "sifted", "finely diced", "melted"]
MAX_LEN = 16


def make_line(rng):
    words, tags = [], []
    for pool, tag in ((QTYS, "QTY"), (UNITS, "UNIT"), (NAMES, "NAME")):
        for w in rng.choice(pool).split():
            words.append(w)
            tags.append(tag)
    if rng.random() < 0.5:
        words.append(",")
        tags.append("O")
        for w in rng.choice(PREPS).split():
            words.append(w)
            tags.append("PREP")
    return words, tags


def build_vocab(lines):
    vocab = {"<pad>": 0, "<unk>": 1}
    for words, _ in lines:
        for w in words:
            vocab.setdefault(w, len(vocab))
    return vocab


class IngredientLines(Dataset):
    def __init__(self, lines, vocab):
        self.items = []
        for words, tags in lines:
            ids = [vocab.get(w, 1) for w in words][:MAX_LEN]
            tag_ids = [TAGS.index(t) for t in tags][:MAX_LEN]
            pad = MAX_LEN - len(ids)
            self.items.append((
                torch.tensor(ids + [0] * pad),
                torch.tensor(tag_ids + [-100] * pad),
            ))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        ids, tags = self.items[i]
        return {"token_ids": ids, "tag_ids": tags}


class GruTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, emb_dim=32, hidden=48):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, n_tags)

    def forward(self, token_ids):
        h, _ = self.rnn(self.embed(token_ids))
        return self.proj(h)


def train(epochs=1, batch_size=8, lr=3e-3, seed=7):
    rng = random.Random(seed)
    torch.manual_seed(seed)
    lines = [make_line(rng) for _ in range(40)]
    vocab = build_vocab(lines)

    accelerator = Accelerator(cpu=True)
    loader = DataLoader(IngredientLines(lines, vocab), batch_size=batch_size, shuffle=True)
    model = GruTagger(len(vocab), len(TAGS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    criterion = nn.CrossEntropyLoss(ignore_index=-100)

    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    for epoch in range(epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            tag_scores = model(batch["token_ids"])
            loss = criterion(tag_scores.view(-1, tag_scores.size(-1)), batch["tag_ids"].view(-1))
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}: loss {running / (step + 1):.4f}")

    return accelerator.unwrap_model(model), vocab


if __name__ == "__main__":
    tagger, vocab = train()
    print("trained tagger with", sum(p.numel() for p in tagger.parameters()), "params")
