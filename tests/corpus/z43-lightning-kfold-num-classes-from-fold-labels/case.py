"""Emotion classification of short messages, 3-fold cross-validation with PyTorch Lightning.

A fresh model is trained per fold and the out-of-fold accuracy is averaged (small data, so no fixed split).
"""
import re

import lightning as L
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

L.seed_everything(7, verbose=False)

MESSAGES = [
    ("i am so happy with the new flat", "joy"), ("this traffic makes me furious", "anger"),
    ("i miss my grandmother every day", "sadness"), ("what a lovely surprise party", "joy"),
    ("they cancelled my flight again unbelievable", "anger"), ("feeling lonely tonight", "sadness"),
    ("best weekend ever with friends", "joy"), ("i hate waiting on hold for hours", "anger"),
    ("the house is quiet since the dog died", "sadness"), ("walking home alone in the dark scares me", "fear"),
    ("we won the match today", "joy"), ("my landlord ignored me again", "anger"),
]

texts = [t for t, _ in MESSAGES]
emotions = sorted({e for _, e in MESSAGES})                 # anger, fear, joy, sadness
y = np.array([emotions.index(e) for _, e in MESSAGES])

itos = ["<pad>", "<unk>"] + sorted({w for t in texts for w in re.findall(r"\w+", t)})
stoi = {w: i for i, w in enumerate(itos)}


def to_ids(text):
    return torch.tensor([stoi.get(w, 1) for w in re.findall(r"\w+", text)])


def collate(items):
    ids = [to_ids(texts[i]) for i, _ in items]
    offsets = torch.tensor([0] + [len(x) for x in ids[:-1]]).cumsum(0)
    return torch.cat(ids), offsets, torch.tensor([label for _, label in items])


class BagOfWords(L.LightningModule):
    def __init__(self, vocab_size, num_classes, dim=24, lr=0.05):
        super().__init__()
        self.save_hyperparameters()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.out = nn.Linear(dim, num_classes)

    def forward(self, ids, offsets):
        return self.out(self.bag(ids, offsets))

    def training_step(self, batch, batch_idx):
        ids, offsets, labels = batch
        return F.cross_entropy(self(ids, offsets), labels)

    def validation_step(self, batch, batch_idx):
        ids, offsets, labels = batch
        logits = self(ids, offsets)
        self.log("val_loss", F.cross_entropy(logits, labels))
        self.log("val_acc", (logits.argmax(-1) == labels).float().mean())

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)


K = 3
order = np.random.default_rng(0).permutation(len(texts))
folds = np.array_split(order, K)
scores = []
for k in range(K):
    val_idx = folds[k]
    train_idx = np.concatenate([folds[j] for j in range(K) if j != k])
    y_train, y_val = y[train_idx], y[val_idx]
    model = BagOfWords(vocab_size=len(itos), num_classes=len(np.unique(y_train)))
    train_dl = DataLoader(list(zip(train_idx, y_train)), batch_size=4, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(list(zip(val_idx, y_val)), batch_size=4, collate_fn=collate)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, train_dl, val_dl)
    scores.append(trainer.validate(model, val_dl, verbose=False)[0]["val_acc"])
    print(f"fold {k}: val_acc={scores[-1]:.3f}")
print("cv accuracy", float(np.mean(scores)))
