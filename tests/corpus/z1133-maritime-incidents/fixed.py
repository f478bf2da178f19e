"""Classify maritime casualty reports (collision / grounding / fire / machinery)
with a small BERT encoder trained through Lightning."""
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

INCIDENT_TYPES = ["collision", "grounding", "fire", "machinery"]

REPORTS = [
    ("vessel struck the pier while berthing in strong wind", 0),
    ("bulk carrier touched bottom outside the buoyed channel", 1),
    ("smoke reported from the engine room after a fuel leak", 2),
    ("main engine stopped due to a cooling water failure", 3),
    ("tug and barge made contact with a moored tanker", 0),
    ("ferry ran aground on a sandbar at low tide", 1),
    ("galley fire extinguished by the crew within minutes", 2),
    ("steering gear failure while leaving port", 3),
    ("fishing vessel struck by a container ship in fog", 0),
    ("yacht grounded on rocks after a navigation error", 1),
    ("electrical fire in the switchboard room", 2),
    ("generator breakdown caused a blackout at sea", 3),
    ("two coasters made contact in the anchorage", 0),
    ("cargo ship stranded on a reef overnight", 1),
    ("fire in a reefer container on deck", 2),
    ("propeller shaft seal failure caused flooding", 3),
    ("dredger collided with a channel marker", 0),
    ("tanker touched bottom in the approach channel", 1),
    ("engine room fire after a hot surface ignition", 2),
    ("loss of propulsion due to contaminated fuel", 3),
    ("pilot boat contact with the ship side", 0),
    ("ro ro vessel grounded at the harbour entrance", 1),
    ("accommodation fire started in a cabin", 2),
]


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="marine_tok_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


@dataclass
class ReportCollator:
    tokenizer: BertTokenizer
    max_length: int = 32

    def __call__(self, rows):
        texts, targets = zip(*rows)
        enc = self.tokenizer(list(texts), padding=True, truncation=True,
                             max_length=self.max_length, return_tensors="pt")
        return {"ids": enc["input_ids"], "attn": enc["attention_mask"],
                "y": torch.tensor(targets)}


class IncidentClassifier(L.LightningModule):
    def __init__(self, vocab_size, n_classes):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.cls = nn.Linear(cfg.hidden_size, n_classes)
        self.loss_fn = nn.CrossEntropyLoss()
        self._val_pred, self._val_true = [], []

    def forward(self, ids, attn):
        return self.cls(self.bert(input_ids=ids, attention_mask=attn).pooler_output)

    def training_step(self, batch, batch_idx):
        loss = self.loss_fn(self(batch["ids"], batch["attn"]), batch["y"])
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        logits = self(batch["ids"], batch["attn"])
        self._val_pred.append(logits.argmax(dim=-1))
        self._val_true.append(batch["y"])

    def on_validation_epoch_end(self):
        pred = torch.cat(self._val_pred)
        true = torch.cat(self._val_true)
        acc = (pred == true).float().mean()
        self.log("val_acc", acc)
        print(f"validation: {len(true)} reports, accuracy {acc.item():.3f}")
        self._val_pred.clear()
        self._val_true.clear()

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-4)


def main():
    tok = build_tokenizer([t for t, _ in REPORTS])
    collate = ReportCollator(tok)
    train_rows, val_rows = REPORTS[:12], REPORTS[12:]
    print(f"train {len(train_rows)} / val {len(val_rows)} reports, vocab {tok.vocab_size}")

    train_dl = DataLoader(train_rows, batch_size=4, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_rows, batch_size=4, shuffle=False, collate_fn=collate)

    model = IncidentClassifier(tok.vocab_size, len(INCIDENT_TYPES))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, train_dl, val_dl)
    print("done")


if __name__ == "__main__":
    main()
