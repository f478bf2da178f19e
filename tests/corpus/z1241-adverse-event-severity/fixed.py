"""Severity grading for adverse drug event reports (mild / moderate / severe)."""
import os
import tempfile
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

warnings.filterwarnings("ignore")
L.seed_everything(11, verbose=False)

ARCH = [
    {"type": "bert", "dim": 32, "layers": 1, "heads": 2},
    {"type": "dropout", "p": 0.1},
    {"type": "pool", "mode": "max"},
    {"type": "linear", "out": 3},
]
DATA = {"max_len": 32, "batch_size": 4, "lr": 2e-3, "epochs": 2}

GRADES = ["mild", "moderate", "severe"]
REPORTS = [
    ("patient reported mild nausea after first dose resolved same day", 0),
    ("transient headache no intervention needed", 0),
    ("rash on forearms treated with topical steroid", 1),
    ("dizziness led to dose reduction for one week", 1),
    ("anaphylaxis requiring epinephrine and hospital admission", 2),
    ("severe hepatotoxicity drug withdrawn permanently", 2),
    ("mild injection site redness", 0),
    ("vomiting with dehydration treated with oral fluids", 1),
]


def build_tokenizer():
    words = sorted({w for text, _ in REPORTS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def accuracy(logits, gold):
    _, preds = logits.max(dim=1)
    return (preds == gold).float().mean()


class Pool(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, hidden, att):
        if self.mode == "cls":
            return hidden[:, 0]
        keep = att.unsqueeze(-1).bool()
        if self.mode == "mean":
            return (hidden * keep).sum(1) / keep.sum(1)
        filled = hidden.masked_fill(~keep, torch.finfo(hidden.dtype).min)
        pooled, _ = filled.max(dim=1)
        return pooled


def build_layers(specs, vocab_size):
    layers, width = nn.ModuleList(), 768
    for spec in specs:
        if spec["type"] == "bert":
            width = spec.get("dim", width)
            cfg = BertConfig(vocab_size=vocab_size, hidden_size=width, num_hidden_layers=spec.get("layers", 2),
                             num_attention_heads=spec.get("heads", 2), intermediate_size=width * 2,
                             max_position_embeddings=64)
            layers.append(BertModel(cfg, add_pooling_layer=False))
        elif spec["type"] == "pool":
            layers.append(Pool(spec.get("mode", "cls")))
        elif spec["type"] == "dropout":
            layers.append(nn.Dropout(spec.get("p", 0.1)))
        elif spec["type"] == "linear":
            layers.append(nn.Linear(width, spec["out"]))
            width = spec["out"]
    return layers


class SeverityModel(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        self.layers = build_layers(ARCH, vocab_size)

    def forward(self, input_ids, attention_mask):
        x = None
        for layer in self.layers:
            if isinstance(layer, BertModel):
                x = layer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            elif isinstance(layer, Pool):
                x = layer(x, attention_mask)
            else:
                x = layer(x)
        return x

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"])
        loss = F.cross_entropy(logits, batch["grade"])
        self.log("train_acc", accuracy(logits, batch["grade"]))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=DATA["lr"])


def make_collate(tok):
    def collate(rows):
        enc = tok([r[0] for r in rows], padding=True, truncation=True,
                  max_length=DATA["max_len"], return_tensors="pt")
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                "grade": torch.tensor([r[1] for r in rows])}
    return collate


if __name__ == "__main__":
    tok = build_tokenizer()
    loader = DataLoader(REPORTS, batch_size=DATA["batch_size"], shuffle=True, collate_fn=make_collate(tok))
    model = SeverityModel(tok.vocab_size)
    print("layers:", [type(m).__name__ for m in model.layers])
    trainer = L.Trainer(max_epochs=DATA["epochs"], accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("final train acc:", float(trainer.callback_metrics.get("train_acc", float("nan"))))
