"""Star-rating prediction (1-3 stars) for app reviews with Lightning; the reviews come from a CSV export."""
import csv
import io

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

L.seed_everything(0, verbose=False)
EXPORT = """review,stars
crashes every time,1
works fine mostly,2
love this app,3
too many ads,1
decent but slow,2
perfect for me,3
"""


class Reviews(Dataset):
    def __init__(self, text):
        self.rows = list(csv.DictReader(io.StringIO(text)))
        self.vocab = {w: i + 1 for i, w in enumerate(sorted({w for r in self.rows for w in r["review"].split()}))}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        ids = [self.vocab[w] for w in row["review"].split()][:3]
        ids = torch.tensor(ids + [0] * (3 - len(ids)))
        stars = torch.tensor(float(row["stars"]) - 1)
        return ids, stars


class StarModel(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        self.emb = nn.EmbeddingBag(vocab_size, 8)
        self.out = nn.Linear(8, 3)
        self.loss = nn.CrossEntropyLoss()

    def training_step(self, batch, batch_idx):
        ids, stars = batch
        return self.loss(self.out(self.emb(ids)), stars)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


data = Reviews(EXPORT)
trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_progress_bar=False, enable_model_summary=False)
trainer.fit(StarModel(len(data.vocab) + 1), DataLoader(data, batch_size=3))
print("steps", trainer.global_step)
