"""Classify city-transit rider complaints by department, with a time-of-day embedding
added to the [CLS] vector (night-time reports skew heavily towards safety)."""
import os
import tempfile
from datetime import datetime, timezone

import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

DEPARTMENTS = ["operations", "safety", "fares", "facilities"]

# (reported_at ISO timestamp, complaint text, department)
REPORTS = [
    ("2024-03-04T07:42:00", "bus 14 was twenty minutes late again", 0),
    ("2024-03-04T23:15:00", "man harassing passengers on the night tram", 1),
    ("2024-03-05T08:05:00", "ticket machine charged me twice", 2),
    ("2024-03-05T12:30:00", "escalator at central station broken", 3),
    ("2024-03-06T01:50:00", "fight broke out on platform two", 1),
    ("2024-03-06T17:20:00", "train skipped my stop without announcement", 0),
    ("2024-03-07T09:10:00", "monthly pass not accepted at the gate", 2),
    ("2024-03-07T22:45:00", "no lights in the underpass at night", 1),
    ("2024-03-08T14:00:00", "toilets at the bus depot are filthy", 3),
    ("2024-03-08T18:35:00", "overcrowded rush hour tram doors would not close", 0),
]


def hour_of_day(iso_ts):
    epoch_s = int(datetime.fromisoformat(iso_ts).replace(tzinfo=timezone.utc).timestamp())
    return (epoch_s % 86400) // 3600


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.lower().split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_collate(tokenizer):
    def collate(rows):
        texts = [r["text"] for r in rows]
        enc = tokenizer(texts, padding=True, truncation=True, max_length=24, return_tensors="pt")
        enc["hour"] = torch.tensor([r["hour"] for r in rows], dtype=torch.long)
        enc["dept"] = torch.tensor([r["dept"] for r in rows], dtype=torch.long)
        return dict(enc)
    return collate


class ComplaintRouter(L.LightningModule):
    def __init__(self, vocab_size, n_classes, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.encoder = BertModel(cfg)
        self.hour_emb = nn.Embedding(24, cfg.hidden_size)
        self.head = nn.Linear(cfg.hidden_size, n_classes)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask, token_type_ids, hour):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids)
        cls_vec = out.last_hidden_state[:, 0]
        return self.head(cls_vec + self.hour_emb(hour))

    def training_step(self, batch, batch_idx):
        dept = batch.pop("dept")
        logits = self(**batch)
        loss = self.loss_fn(logits, dept)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    rows = [{"text": t, "hour": hour_of_day(ts), "dept": d} for ts, t, d in REPORTS]
    print("first rows:", [(r["hour"], DEPARTMENTS[r["dept"]]) for r in rows[:3]])

    tokenizer = BertTokenizer(write_vocab([r["text"] for r in rows]))
    loader = DataLoader(rows, batch_size=4, shuffle=True, collate_fn=make_collate(tokenizer))

    model = ComplaintRouter(tokenizer.vocab_size, len(DEPARTMENTS))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("final train loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
