import csv
import io
import tempfile

import lightning.pytorch as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

pl.seed_everything(0, workers=True)

RAW_CSV = """text,intent
turn on the lights,lights
switch the lights off,lights
dim the kitchen lights,lights
play some jazz,music
next song please,music
turn the music up,music
what is the weather today,weather
will it rain tomorrow,weather
is it cold outside,weather
set an alarm for seven,alarm
wake me up at six,alarm
cancel my alarm,alarm
"""

INTENTS = ["lights", "music", "weather", "alarm"]
PAD_ID = 0


def load_rows():
    rows = list(csv.DictReader(io.StringIO(RAW_CSV)))
    return rows * 3


def build_vocab(rows):
    vocab = {"<pad>": PAD_ID, "<unk>": 1}
    for r in rows:
        for w in r["text"].split():
            vocab.setdefault(w, len(vocab))
    return vocab


class IntentDataset(Dataset):
    def __init__(self, rows, vocab):
        self.samples = [
            ([vocab.get(w, 1) for w in r["text"].split()], INTENTS.index(r["intent"]))
            for r in rows
        ]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        ids, label = self.samples[idx]
        return {"ids": ids, "label": label}


def pad_collate(batch):
    max_len = max(len(b["ids"]) for b in batch)
    ids = torch.full((len(batch), max_len), PAD_ID, dtype=torch.long)
    for i, b in enumerate(batch):
        ids[i, : len(b["ids"])] = torch.tensor(b["ids"])
    labels = torch.tensor([b["label"] for b in batch], dtype=torch.long)
    return ids, labels


class IntentClassifier(pl.LightningModule):
    def __init__(self, vocab_size, num_classes, emb_dim=32, lr=1e-2):
        super().__init__()
        self.save_hyperparameters()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=PAD_ID)
        self.encoder = nn.GRU(emb_dim, emb_dim, batch_first=True)
        self.head = nn.Linear(emb_dim, num_classes)

    def forward(self, ids):
        h, _ = self.encoder(self.embed(ids))
        mask = (ids != PAD_ID).unsqueeze(-1).float()
        pooled = (h * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(pooled)

    def training_step(self, batch, batch_idx):
        ids, labels = batch
        logits = self(ids)
        loss = F.cross_entropy(logits, labels)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


if __name__ == "__main__":
    rows = load_rows()
    vocab = build_vocab(rows)
    train_loader = DataLoader(IntentDataset(rows, vocab), batch_size=6, shuffle=True, collate_fn=pad_collate)

    model = IntentClassifier(vocab_size=len(vocab), num_classes=len(INTENTS))
    trainer = pl.Trainer(
        accelerator="cpu",
        max_epochs=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=tempfile.mkdtemp(prefix="intent_pl_"),
    )
    trainer.fit(model, train_loader)
    print("done, final loss", float(trainer.callback_metrics["train_loss"]))
