"""App-store review sentiment (negative / mixed / positive) with a tiny BERT encoder in a LightningModule."""
import os
import tempfile

import lightning.pytorch as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizerFast

REVIEWS = [
    ("crashes every time I open the camera", 0),
    ("love the new dark mode", 2),
    ("sync is fast but the widgets are ugly", 1),
    ("lost all my notes after the update", 0),
    ("simple clean and does what it says", 2),
    ("good features but too many ads", 1),
    ("support never answered my refund request", 0),
    ("best habit tracker I have tried", 2),
]
SENTIMENTS = ["negative", "mixed", "positive"]


class ReviewSentiment(pl.LightningModule):
    def __init__(self, vocab_size, n_classes, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=32)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, input_ids, attention_mask):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        cls_state = states[:, 0:1]
        return self.classifier(self.dropout(cls_state))

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"])
        loss = F.cross_entropy(logits, batch["labels"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


workdir = tempfile.mkdtemp()
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    tokens = sorted({w.lower() for text, _ in REVIEWS for w in text.split()})
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens) + "\n")
tokenizer = BertTokenizerFast(vocab_path)


def collate(rows):
    enc = tokenizer([text for text, _ in rows], padding=True, return_tensors="pt")
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
            "labels": torch.tensor([label for _, label in rows])}


pl.seed_everything(0, verbose=False)
model = ReviewSentiment(len(tokenizer), len(SENTIMENTS))
trainer = pl.Trainer(accelerator="cpu", max_epochs=3, logger=False, enable_checkpointing=False,
                     enable_progress_bar=False, enable_model_summary=False, log_every_n_steps=1)
trainer.fit(model, DataLoader(REVIEWS, batch_size=4, shuffle=True, collate_fn=collate))
print("final train loss:", float(trainer.callback_metrics["train_loss"]))
