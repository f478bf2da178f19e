"""Review helpfulness: GRU over the review text + numeric metadata, trained with Lightning."""
import lightning.pytorch as pl
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

REVIEWS = [
    {"text": "battery lasts two days and the screen is sharp", "stars": 5, "photos": 2, "helpful": 1},
    {"text": "bad", "stars": 1, "photos": 0, "helpful": 0},
    {"text": "the strap broke after a week but support replaced it fast", "stars": 3, "photos": 1, "helpful": 1},
    {"text": "love it", "stars": 5, "photos": 0, "helpful": 0},
    {"text": "sizing runs small so order one size up", "stars": 4, "photos": 3, "helpful": 1},
    {"text": "meh", "stars": 2, "photos": 0, "helpful": 0},
    {"text": "setup took five minutes and the app is clear", "stars": 4, "photos": 0, "helpful": 1},
    {"text": "not worth it", "stars": 2, "photos": 0, "helpful": 0},
]
VOCAB = {"<pad>": 0}
for r in REVIEWS:
    for w in r["text"].split():
        VOCAB.setdefault(w, len(VOCAB))


def metadata_features(review):
    n_words = len(review["text"].split())
    return np.array([np.log1p(n_words), review["stars"] / 5.0, min(review["photos"], 3) / 3.0],
                    dtype=np.float32)


class ReviewSet(Dataset):
    def __len__(self):
        return len(REVIEWS)

    def __getitem__(self, i):
        r = REVIEWS[i]
        ids = torch.tensor([VOCAB[w] for w in r["text"].split()])
        return ids, torch.from_numpy(metadata_features(r)), r["helpful"]


def collate(batch):
    ids, meta, y = zip(*batch)
    return pad_sequence(ids, batch_first=True), torch.stack(meta), torch.tensor(y)


class HelpfulnessModel(pl.LightningModule):
    def __init__(self, vocab_size, n_meta=3, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.head = nn.Sequential(nn.Linear(dim + n_meta, 16), nn.ReLU(), nn.Linear(16, 2))

    def forward(self, ids, meta):
        _, h = self.gru(self.emb(ids))
        return self.head(torch.cat([h[-1], meta], dim=1))

    def training_step(self, batch, batch_idx):
        ids, meta, y = batch
        loss = nn.functional.cross_entropy(self(ids, meta), y)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=5e-3)


if __name__ == "__main__":
    pl.seed_everything(7)
    trainer = pl.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(HelpfulnessModel(len(VOCAB)), DataLoader(ReviewSet(), batch_size=4, collate_fn=collate))
    print("loss", round(float(trainer.callback_metrics["train_loss"]), 4))
