import random

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

random.seed(0)
torch.manual_seed(0)

TAGS = ["O", "QTY", "UNIT", "SIZE", "ING", "PREP"]
RAW = [
    ("2 cups flour sifted", "QTY UNIT ING PREP"),
    ("1 tbsp butter melted", "QTY UNIT ING PREP"),
    ("3 cloves garlic minced", "QTY UNIT ING PREP"),
    ("half cup sugar", "QTY UNIT ING"),
    ("4 eggs beaten", "QTY ING PREP"),
    ("salt to taste", "ING O O"),
    ("1 onion finely chopped", "QTY ING O PREP"),
    ("200 g chicken breast diced", "QTY UNIT ING ING PREP"),
    ("2 tsp olive oil", "QTY UNIT ING ING"),
    ("a pinch of pepper", "O UNIT O ING"),
    ("3 carrots peeled and sliced", "QTY ING PREP O PREP"),
    ("1 can tomatoes drained", "QTY UNIT ING PREP"),
    ("fresh basil leaves torn", "O ING ING PREP"),
    ("500 ml milk warmed", "QTY UNIT ING PREP"),
    ("2 cups rice rinsed", "QTY UNIT ING PREP"),
    ("1 lemon zested", "QTY ING PREP"),
    ("1 large bunch of fresh flat leaf parsley roughly chopped", "QTY SIZE UNIT O O O ING ING O PREP"),
    ("2 cups of cold unsalted butter cut into small cubes", "QTY UNIT O O O ING PREP O SIZE PREP"),
]


def build_vocab(rows):
    words = sorted({w for text, _ in rows for w in text.split()})
    return {w: i + 1 for i, w in enumerate(words)}  # 0 is padding


class IngredientLines(Dataset):
    def __init__(self, rows, vocab):
        self.items = []
        for text, tags in rows:
            ids = torch.tensor([vocab[w] for w in text.split()])
            tgt = torch.tensor([TAGS.index(t) for t in tags.split()])
            self.items.append((ids, tgt))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def pad_batch(batch):
    words, tags = zip(*batch)
    return pad_sequence(words, batch_first=True), pad_sequence(tags, batch_first=True, padding_value=-100)


class RecipeTagger(L.LightningModule):
    def __init__(self, n_words, n_tags, dim=32):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, tok):
        h, _ = self.rnn(self.emb(tok))
        return self.out(h)

    def training_step(self, batch, batch_idx):
        tok, gold = batch
        scores = self(tok)
        loss = F.cross_entropy(scores, gold, ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=3e-3)


if __name__ == "__main__":
    vocab = build_vocab(RAW)
    ds = IngredientLines(RAW, vocab)
    loader = DataLoader(ds, batch_size=6, shuffle=True, collate_fn=pad_batch)
    tagger = RecipeTagger(len(vocab) + 1, len(TAGS))
    trainer = L.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(tagger, loader)
    print("done")
