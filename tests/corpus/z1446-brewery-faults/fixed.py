"""Brewhouse QA: classify fermentation log entries into off-flavour faults.

Tiny BERT in a LightningModule; validation tracks cross-entropy and the multi-class Brier score.
"""
import os
import tempfile

import lightning as L
import numpy as np
import torch
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer, LabelEncoder
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(21, verbose=False)

LOG = [
    ("buttery slick taste after primary rest skipped", "diacetyl"),
    ("butterscotch aroma in lager tank three", "diacetyl"),
    ("popcorn butter note at packaging check", "diacetyl"),
    ("diacetyl test positive after warm force", "diacetyl"),
    ("slick mouthfeel and butter aroma in pils", "diacetyl"),
    ("butter note persists after crash cooling", "diacetyl"),
    ("green apple aroma beer pulled too early", "acetaldehyde"),
    ("fresh cut apple note in young ale", "acetaldehyde"),
    ("apple skin flavour after short conditioning", "acetaldehyde"),
    ("green apple in kegs filled day five", "acetaldehyde"),
    ("pumpkin and apple note after cold crash early", "acetaldehyde"),
    ("cidery apple aroma in wheat beer", "acetaldehyde"),
    ("rotten egg smell from lager fermenter", "sulfur"),
    ("struck match aroma in tank seven", "sulfur"),
    ("egg sulfur note during lager fermentation", "sulfur"),
    ("sulfur aroma fading after lagering week two", "sulfur"),
    ("burnt match smell at transfer", "sulfur"),
    ("sulfur smell high at vent of tank two", "sulfur"),
    ("gravity stuck at high reading day nine", "stuck"),
    ("no airlock activity gravity unchanged", "stuck"),
    ("fermentation stalled yeast dropped early", "stuck"),
    ("gravity flat three days after pitch", "stuck"),
    ("stalled ferment cold cellar yeast flocculated", "stuck"),
    ("gravity unchanged after rousing yeast", "stuck"),
    ("sour vinegar note and film on surface", "infection"),
    ("ropy texture and sour smell in cask", "infection"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


class LogEntries(Dataset):
    def __init__(self, enc, class_ids, onehot=None):
        self.enc, self.class_ids, self.onehot = enc, class_ids, onehot

    def __len__(self):
        return len(self.class_ids)

    def __getitem__(self, i):
        row = {k: torch.as_tensor(v[i]) for k, v in self.enc.items()}
        row["labels"] = torch.as_tensor(self.class_ids[i], dtype=torch.long)
        if self.onehot is not None:
            row["onehot"] = torch.as_tensor(self.onehot[i], dtype=torch.float)
        return row


class FaultClassifier(L.LightningModule):
    def __init__(self, config, lr=1e-3):
        super().__init__()
        self.net = BertForSequenceClassification(config)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.net(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                       labels=batch["labels"])
        self.log("train_loss", out.loss)
        return out.loss

    def validation_step(self, batch, batch_idx):
        out = self.net(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                       labels=batch["labels"])
        proba = out.logits.softmax(dim=-1)
        brier = ((proba - batch["onehot"]) ** 2).sum(dim=-1).mean()
        self.log_dict({"val_loss": out.loss, "val_brier": brier})

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    notes, faults = map(list, zip(*LOG))
    tr_notes, va_notes, tr_faults, va_faults = train_test_split(
        notes, faults, test_size=0.25, stratify=faults, random_state=21)

    le = LabelEncoder().fit(tr_faults)
    onehot_va = LabelBinarizer().fit(le.classes_).transform(va_faults)
    print(f"train {len(tr_notes)} / val {len(va_notes)}; faults: {', '.join(le.classes_)}")

    tok = BertTokenizer(write_vocab(notes))
    enc = lambda xs: tok(xs, padding="max_length", truncation=True, max_length=16)
    train_ds = LogEntries(enc(tr_notes), le.transform(tr_faults))
    val_ds = LogEntries(enc(va_notes), le.transform(va_faults), onehot_va)

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                     num_labels=len(le.classes_))
    model = FaultClassifier(cfg)
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, log_every_n_steps=1)
    trainer.fit(model, DataLoader(train_ds, batch_size=8, shuffle=True),
                DataLoader(val_ds, batch_size=8))
    print({k: round(float(v), 4) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
