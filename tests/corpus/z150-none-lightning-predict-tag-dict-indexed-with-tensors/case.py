"""Ingredient NER with a small LSTM tagger in Lightning: fit briefly, then tag new recipe lines."""
import lightning as L
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

TAGS = ["O", "QTY", "UNIT", "FOOD"]
ID2TAG = {i: tag for i, tag in enumerate(TAGS)}
TRAIN = [
    ("2 cups flour", "QTY UNIT FOOD"),
    ("1 tsp salt", "QTY UNIT FOOD"),
    ("add 3 eggs", "O QTY FOOD"),
    ("stir in 200 g sugar", "O O QTY UNIT FOOD"),
]
NEW_LINES = ["4 cups sugar", "add 2 tsp salt"]
WORDS = sorted({w for t, _ in TRAIN for w in t.split()} | {w for t in NEW_LINES for w in t.split()})
VOCAB = {w: i + 1 for i, w in enumerate(WORDS)}  # 0 is padding


def to_ids(text):
    return torch.tensor([VOCAB[w] for w in text.split()])


def train_collate(rows):
    ids = pad_sequence([to_ids(t) for t, _ in rows], batch_first=True)
    tags = pad_sequence([torch.tensor([TAGS.index(x) for x in s.split()]) for _, s in rows], batch_first=True,
                        padding_value=-100)
    return ids, tags


def predict_collate(texts):
    return pad_sequence([to_ids(t) for t in texts], batch_first=True), [len(t.split()) for t in texts]


class IngredientTagger(L.LightningModule):
    def __init__(self, vocab_size, num_tags):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, 16, padding_idx=0)
        self.lstm = nn.LSTM(16, 24, batch_first=True)
        self.out = nn.Linear(24, num_tags)

    def forward(self, ids):
        return self.out(self.lstm(self.embed(ids))[0])

    def training_step(self, batch, batch_idx):
        ids, tags = batch
        logits = self(ids)
        return nn.functional.cross_entropy(logits.flatten(0, 1), tags.flatten(), ignore_index=-100)

    def predict_step(self, batch, batch_idx):
        ids, lengths = batch
        best = self(ids).argmax(dim=-1)
        return [[ID2TAG[tag_id] for tag_id in row[:n]] for row, n in zip(best, lengths)]

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


if __name__ == "__main__":
    L.seed_everything(0, verbose=False)
    tagger = IngredientTagger(len(VOCAB) + 1, len(TAGS))
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(tagger, DataLoader(TRAIN, batch_size=2, collate_fn=train_collate))
    predictions = trainer.predict(tagger, DataLoader(NEW_LINES, batch_size=2, collate_fn=predict_collate))
    for line, tags in zip(NEW_LINES, predictions[0]):
        print(line, "->", tags)
