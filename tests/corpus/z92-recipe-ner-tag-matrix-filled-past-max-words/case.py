"""Ingredient-line tagger for the recipe importer: QTY / UNIT / NAME / O per word, BiGRU + softmax."""
import torch
import torch.nn as nn
import torch.nn.functional as F

TAG2ID = {"O": 0, "QTY": 1, "UNIT": 2, "NAME": 3}
MAX_WORDS = 12
LINES = [
    ("2 cups flour", "QTY UNIT NAME"),
    ("1 tsp salt", "QTY UNIT NAME"),
    ("3 large eggs beaten", "QTY O NAME O"),
    ("200 g dark chocolate chopped", "QTY UNIT O NAME O"),
    ("half a cup of warm milk", "QTY O UNIT O O NAME"),
    ("1 pinch of freshly ground black pepper or to taste if you like it spicy",
     "QTY UNIT O O O O NAME O O O O O O O O"),
    ("4 tbsp olive oil", "QTY UNIT NAME NAME"),
    ("a handful of fresh basil leaves", "O UNIT O O NAME NAME"),
]


def build_vocab(lines):
    vocab = {"<pad>": 0, "<unk>": 1}
    for text, _ in lines:
        for w in text.split():
            vocab.setdefault(w, len(vocab))
    return vocab


def tensorize(lines, vocab):
    word_ids = torch.zeros(len(lines), MAX_WORDS, dtype=torch.long)
    tag_ids = torch.full((len(lines), MAX_WORDS), -100, dtype=torch.long)
    for i, (text, tags) in enumerate(lines):
        ids = [vocab.get(w, 1) for w in text.split()[:MAX_WORDS]]
        word_ids[i, :len(ids)] = torch.tensor(ids)
        for j, tag in enumerate(tags.split()):
            tag_ids[i, j] = TAG2ID[tag]
    return word_ids, tag_ids


class IngredientTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, word_ids):
        states, _ = self.rnn(self.embed(word_ids))
        return self.out(states)


def main():
    torch.manual_seed(0)
    vocab = build_vocab(LINES)
    words, tags = tensorize(LINES, vocab)
    model = IngredientTagger(len(vocab), len(TAG2ID))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for step in range(20):
        logits = model(words)
        loss = F.cross_entropy(logits.reshape(-1, len(TAG2ID)), tags.reshape(-1), ignore_index=-100)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"final loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
