"""Classify apiary inspection notes into colony status with a small BERT.

Inspectors type short free-text notes on a tablet at each hive; we want a
first-pass status so the regional bee inspector can prioritise visits.
"""
import os
import tempfile
from functools import partial

import torch
from torch.utils.data import DataLoader, Dataset
import lightning as L
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

STATUSES = ("healthy", "queenless", "swarm_prep", "brood_disease")

NOTES = [
    ("brood pattern solid eggs seen queen marked", "healthy"),
    ("no eggs no young larvae emergency cells on frame four", "queenless"),
    ("several capped queen cells along bottom bars bees crowded", "swarm_prep"),
    ("sunken perforated cappings ropey test positive", "brood_disease"),
    ("calm colony stores good", "healthy"),
    ("laying workers multiple eggs per cell drone brood in worker cells", "queenless"),
    ("queen cups charged supers full", "swarm_prep"),
    ("patchy brood discoloured larvae sour smell", "brood_disease"),
    ("strong colony eggs and open brood on six frames", "healthy"),
    ("roaring colony no queen found no eggs", "queenless"),
    ("swarm cells capped old queen still present", "swarm_prep"),
    ("twisted larvae melted appearance sample sent to lab", "brood_disease"),
]


def vocab_from_notes(notes):
    words = sorted({w for text, _ in notes for w in text.split()})
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words


class InspectionNotes(Dataset):
    def __init__(self, notes, tokenizer, max_length):
        self.notes = notes
        self.encode = partial(tokenizer, truncation=True, max_length=max_length, return_tensors="pt")
        self.status_idx = {s: i for i, s in enumerate(STATUSES)}

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, i):
        text, status = self.notes[i]
        enc = self.encode(text)
        sample = {name: t.squeeze(0) for name, t in enc.items()}
        sample["labels"] = torch.tensor(self.status_idx[status])
        return sample


class HiveStatusModel(L.LightningModule):
    def __init__(self, vocab_size, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=len(STATUSES),
        )
        self.bert = BertForSequenceClassification(cfg)
        self.seen_batches = 0

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        self.seen_batches += 1
        if batch_idx % 2 == 0:
            print(f"  batch {batch_idx}: loss={out.loss.item():.4f}")
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    L.seed_everything(3, verbose=False)

    tmp = tempfile.mkdtemp(prefix="apiary_")
    vocab_file = os.path.join(tmp, "vocab.txt")
    vocab = vocab_from_notes(NOTES)
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tokenizer = BertTokenizer(vocab_file)

    train_set = InspectionNotes(NOTES, tokenizer, max_length=32)
    loader = DataLoader(train_set, batch_size=4, shuffle=True)
    print(f"{len(train_set)} inspection notes, {len(vocab)} vocab entries")

    model = HiveStatusModel(vocab_size=len(vocab))
    trainer = L.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
    )
    trainer.fit(model, loader)
    print(f"trained on {model.seen_batches} batches")


if __name__ == "__main__":
    main()
