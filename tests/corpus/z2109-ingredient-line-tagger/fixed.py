"""Ingredient-line parser: tags each word of a shopping-list style ingredient
line as QTY / UNIT / NAME / PREP / O with a small BiLSTM tagger."""
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

random.seed(0)
torch.manual_seed(0)

TAGSET = ["O", "QTY", "UNIT", "NAME", "PREP"]
PAD_TAG = -100

LINES = [
    ("2 cups plain flour , sifted", "QTY UNIT NAME NAME O PREP"),
    ("1 tbsp olive oil", "QTY UNIT NAME NAME"),
    ("3 cloves garlic , minced", "QTY UNIT NAME O PREP"),
    ("200 g unsalted butter , softened", "QTY UNIT NAME NAME O PREP"),
    ("1 large onion , finely chopped", "QTY O NAME O PREP PREP"),
    ("half tsp ground cumin", "QTY UNIT NAME NAME"),
    ("4 ripe tomatoes , diced", "QTY O NAME O PREP"),
    ("1 pinch sea salt", "QTY UNIT NAME NAME"),
    ("250 ml whole milk , warmed", "QTY UNIT NAME NAME O PREP"),
    ("2 eggs , lightly beaten", "QTY NAME O PREP PREP"),
    ("1 bunch fresh coriander , roughly chopped", "QTY UNIT NAME NAME O PREP PREP"),
    ("3 tbsp soy sauce", "QTY UNIT NAME NAME"),
    ("500 g chicken thighs , skin removed", "QTY UNIT NAME NAME O PREP PREP"),
    ("1 can chickpeas , drained and rinsed", "QTY UNIT NAME O PREP O PREP"),
]


class WordIndex:
    def __init__(self, lines):
        self.itos = ["<pad>", "<unk>"]
        for text, _ in lines:
            for w in text.split():
                if w not in self.itos:
                    self.itos.append(w)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text):
        return [self.stoi.get(w, 1) for w in text.split()]

    def __len__(self):
        return len(self.itos)


class IngredientLines(Dataset):
    def __init__(self, lines, words):
        self.items = []
        for text, tags in lines:
            word_ids = torch.tensor(words.encode(text))
            tag_ids = torch.tensor([TAGSET.index(t) for t in tags.split()])
            assert len(word_ids) == len(tag_ids)
            self.items.append((word_ids, tag_ids))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def pad_lines(batch):
    words, tags = zip(*batch)
    return (pad_sequence(words, batch_first=True, padding_value=0),
            pad_sequence(tags, batch_first=True, padding_value=PAD_TAG))


class LineTagger(nn.Module):
    def __init__(self, n_words, n_tags, emb=24, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(n_words, emb, padding_idx=0)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_tags)

    def forward(self, word_ids):
        states, _ = self.lstm(self.embed(word_ids))
        return self.head(states)


def run_epoch(tagger, loader, criterion, optimizer):
    tagger.train()
    total = 0.0
    for word_ids, tag_ids in loader:
        tag_scores = tagger(word_ids)
        loss = criterion(tag_scores.transpose(1, 2), tag_ids)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(loader)


@torch.no_grad()
def tag_line(tagger, words, text):
    tagger.eval()
    ids = torch.tensor([words.encode(text)])
    pred = tagger(ids).argmax(-1)[0]
    return list(zip(text.split(), [TAGSET[p] for p in pred.tolist()]))


def main():
    words = WordIndex(LINES)
    data = IngredientLines(LINES, words)
    loader = DataLoader(data, batch_size=4, shuffle=True, collate_fn=pad_lines)

    tagger = LineTagger(len(words), len(TAGSET))
    criterion = nn.CrossEntropyLoss(ignore_index=PAD_TAG)
    optimizer = torch.optim.Adam(tagger.parameters(), lr=1e-2)

    for epoch in range(15):
        loss = run_epoch(tagger, loader, criterion, optimizer)
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d}  loss {loss:.4f}")

    for word, tag in tag_line(tagger, words, "2 cloves garlic , chopped"):
        print(f"{word:>10s}  {tag}")


if __name__ == "__main__":
    main()
