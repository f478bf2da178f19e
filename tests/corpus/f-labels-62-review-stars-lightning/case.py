import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
import lightning.pytorch as pl

NUM_STARS = 5
VOCAB = ["great", "awful", "fine", "broken", "love", "hate", "ok", "slow",
         "fast", "cheap", "solid", "meh", "perfect", "junk", "decent", "late"]
WORD2ID = {w: i + 1 for i, w in enumerate(VOCAB)}
MAX_LEN = 12


def make_reviews(n, seed=0):
    rng = random.Random(seed)
    reviews = []
    for i in range(n):
        stars = (i % NUM_STARS) + 1
        words = [rng.choice(VOCAB) for _ in range(rng.randint(3, MAX_LEN))]
        reviews.append({"id": f"r{i:04d}", "text": " ".join(words), "stars": stars})
    return reviews


class ReviewDataset(Dataset):
    def __init__(self, records):
        self.records = records

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        rec = self.records[idx]
        ids = [WORD2ID.get(w, 0) for w in rec["text"].split()][:MAX_LEN]
        ids = ids + [0] * (MAX_LEN - len(ids))
        return {
            "input_ids": torch.tensor(ids, dtype=torch.long),
            "label": torch.tensor(rec["stars"], dtype=torch.long),
        }


class StarRater(pl.LightningModule):
    def __init__(self, vocab_size, emb_dim=24, n_classes=NUM_STARS, lr=1e-2):
        super().__init__()
        self.save_hyperparameters()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.hidden = nn.Linear(emb_dim, 32)
        self.out = nn.Linear(32, n_classes)

    def forward(self, input_ids):
        mask = (input_ids != 0).unsqueeze(-1).float()
        emb = self.embed(input_ids) * mask
        pooled = emb.sum(1) / mask.sum(1).clamp(min=1.0)
        return self.out(torch.relu(self.hidden(pooled)))

    def training_step(self, batch, batch_idx):
        x = batch["input_ids"]
        y = batch["label"]
        logits = self(x)
        loss = F.cross_entropy(logits, y)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def main():
    torch.manual_seed(0)
    train_ds = ReviewDataset(make_reviews(64))
    loader = DataLoader(train_ds, batch_size=8, shuffle=True)
    model = StarRater(vocab_size=len(VOCAB) + 1)
    trainer = pl.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
    )
    trainer.fit(model, loader)
    print("finished, final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
