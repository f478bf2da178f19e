"""Spam filter for the community forum, trained with Lightning.  Validation keeps the loss of every message
so that the hardest ones can be shown to the moderators after each epoch.
"""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning.pytorch as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

POSTS = [
    ("buy cheap watches now", 1), ("how do i reset the router", 0), ("click here to win money", 1),
    ("the update fixed my wifi issue", 0), ("free pills no prescription", 1), ("anyone tried the new firmware", 0),
    ("earn money from home fast", 1), ("thanks that solved it", 0),
]
VOCAB = {w: i + 1 for i, w in enumerate(sorted({w for p, _ in POSTS for w in p.split()}))}


def collate(rows):
    ids = [torch.tensor([VOCAB[w] for w in text.split()]) for text, _ in rows]
    return pad_sequence(ids, batch_first=True), torch.tensor([label for _, label in rows])


class SpamFilter(pl.LightningModule):
    def __init__(self, vocab_size, dim=16):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab_size, dim, padding_idx=0)
        self.out = nn.Linear(dim, 2)
        self.hardest = []

    def forward(self, ids):
        return self.out(self.embed(ids))

    def training_step(self, batch, batch_idx):
        ids, labels = batch
        return F.cross_entropy(self(ids), labels)

    def validation_step(self, batch, batch_idx):
        ids, labels = batch
        per_post = F.cross_entropy(self(ids), labels, reduction="none")
        self.hardest.extend(zip(per_post.tolist(), ids.tolist()))
        self.log("val_loss", per_post, prog_bar=True)

    def on_validation_epoch_end(self):
        self.hardest = sorted(self.hardest, reverse=True)[:3]

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


if __name__ == "__main__":
    pl.seed_everything(0, verbose=False)
    train_loader = DataLoader(POSTS, batch_size=4, shuffle=True, collate_fn=collate)
    val_loader = DataLoader(POSTS[::2], batch_size=4, collate_fn=collate)
    model = SpamFilter(len(VOCAB) + 1)
    trainer = pl.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, train_loader, val_loader)
    print("val_loss", float(trainer.callback_metrics["val_loss"]), "hardest", model.hardest[:1])
