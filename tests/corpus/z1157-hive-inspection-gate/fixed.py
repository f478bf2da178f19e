"""Classify apiary inspection notes (healthy / queenless / varroa / swarm prep).

Tiny BERT + gated residual pooling, trained with Lightning on the notes the
bee inspectors typed into the field app last season.
"""
import os
import tempfile
import warnings

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

warnings.filterwarnings("ignore")
L.seed_everything(3, verbose=False)

LABELS = ["healthy", "queenless", "varroa", "swarm_prep"]
NOTES = [
    ("eggs and young larvae seen, brood pattern solid, calm colony", 0),
    ("no eggs, no queen seen, bees roaring, laying workers suspected", 1),
    ("mite drop high on sticky board, deformed wings on emerging bees", 2),
    ("several capped queen cells on bottom bars, colony crowded", 3),
    ("good stores, queen marked and seen, brood on six frames", 0),
    ("emergency queen cells only, no young brood anywhere", 1),
    ("varroa count above threshold after sugar roll, spotty brood", 2),
    ("backfilled brood nest, play cups charged, drones flying", 3),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.replace(",", " ,").split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


class BaseModel(L.LightningModule):
    MAX_LEN = 64
    HIDDEN = 32
    NUM_CLASSES = 2
    LR = 2e-3

    def __init__(self, tokenizer, **kwargs):
        super().__init__()
        self.tokenizer = tokenizer
        self.build_model(**kwargs)

    def build_model(self, **kwargs):
        cfg = BertConfig(vocab_size=self.tokenizer.vocab_size, hidden_size=self.HIDDEN,
                         num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=self.MAX_LEN)
        self.bert = BertModel(cfg)
        self.classifier = nn.Linear(self.HIDDEN, self.NUM_CLASSES)

    def make_batch(self, examples):
        enc = self.tokenizer([text for text, _ in examples], padding="max_length", truncation=True,
                             max_length=self.MAX_LEN, return_tensors="pt")
        batch = dict(enc)
        batch["target"] = torch.tensor([y for _, y in examples])
        return batch

    def encode(self, batch):
        out = self.bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        return out.last_hidden_state[:, 0]

    def compute_loss(self, batch):
        logits = self.classifier(self.encode(batch))
        return F.cross_entropy(logits, batch["target"]), logits

    def training_step(self, batch, batch_idx):
        loss, _ = self.compute_loss(batch)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.LR)


class GatedPoolingMixin:
    """Adds a note-level summary back onto every token, weighted by a learned per-token gate."""

    def build_model(self, **kwargs):
        super().build_model(**kwargs)
        self.gate = nn.Linear(self.HIDDEN, 1)
        self.mix = nn.Linear(self.HIDDEN, self.HIDDEN)

    def encode(self, batch):
        states = self.bert(input_ids=batch["input_ids"],
                           attention_mask=batch["attention_mask"]).last_hidden_state
        keep = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
        summary = (states * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1.0)
        gate = torch.sigmoid(self.gate(states)).squeeze(-1)
        fused = states + self.mix(summary).unsqueeze(1) * gate.unsqueeze(-1)
        return fused[:, 0]


class HiveNoteClassifier(GatedPoolingMixin, BaseModel):
    MAX_LEN = 40
    NUM_CLASSES = len(LABELS)


def main():
    tokenizer = BertTokenizer(write_vocab([n for n, _ in NOTES]))
    model = HiveNoteClassifier(tokenizer)
    loader = DataLoader(NOTES, batch_size=4, shuffle=True, collate_fn=model.make_batch)
    print(f"{len(NOTES)} notes, vocab {tokenizer.vocab_size}, max_len {model.MAX_LEN}")

    trainer = L.Trainer(max_epochs=3, accelerator="cpu", devices=1, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False)
    trainer.fit(model, train_dataloaders=loader)

    model.eval()
    with torch.no_grad():
        batch = model.make_batch([("queen cells capped, hive packed with bees", 3)])
        _, logits = model.compute_loss(batch)
    print("prediction:", LABELS[int(logits.argmax(-1))])


if __name__ == "__main__":
    main()
