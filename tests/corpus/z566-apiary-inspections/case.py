"""Predict what a beehive needs from the inspector's notes.

Field sheets use short codes (<brood>, <varroa>, ...) for the boxes the
inspector ticks; we keep them as whole tokens instead of letting WordPiece
chop them into pieces.
"""
import os
import tempfile

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(21, verbose=False)

SHEET_CODES = ["<brood>", "<varroa>", "<swarmcell>", "<queenless>", "<stores>"]
OUTCOMES = {"ok": 0, "treat": 1, "requeen": 2}

NOTES = [
    ("<brood> solid pattern eggs seen <stores> good", "ok"),
    ("<varroa> high count on sticky board deformed wings", "treat"),
    ("<queenless> no eggs no larvae bees roaring", "requeen"),
    ("<brood> patchy <varroa> mites on drones", "treat"),
    ("<swarmcell> capped cells on frame bottom <brood> ok", "ok"),
    ("<queenless> laying workers multiple eggs per cell", "requeen"),
    ("<stores> heavy colony calm <brood> good", "ok"),
    ("<varroa> wash count twelve per hundred", "treat"),
    ("old queen failing <brood> spotty", "requeen"),
    ("<stores> light feed syrup colony strong", "ok"),
]


def build_tokenizer(folder):
    words = set()
    for text, _ in NOTES:
        words.update(w for w in text.split() if w not in SHEET_CODES)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    tok = BertTokenizer(path)
    added = tok.add_tokens(SHEET_CODES)
    print(f"base vocab {tok.vocab_size}, added {added} sheet codes")
    return tok


def note_batches(tokenizer, rows, batch_size):
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        enc = tokenizer([t for t, _ in chunk], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([OUTCOMES[o] for _, o in chunk])
        yield dict(enc)


class HiveClassifier(L.LightningModule):
    def __init__(self, vocab_size, n_outcomes, lr=5e-4):
        super().__init__()
        self.lr = lr
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=n_outcomes,
        )
        self.bert = BertForSequenceClassification(cfg)

    def forward(self, **batch):
        return self.bert(**batch)

    def training_step(self, batch, batch_idx):
        out = self(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    folder = tempfile.mkdtemp(prefix="apiary_")
    tokenizer = build_tokenizer(folder)

    batches = list(note_batches(tokenizer, NOTES, batch_size=4))
    loader = DataLoader(batches, batch_size=None, shuffle=True)
    print(f"{len(batches)} batches of inspection notes")

    model = HiveClassifier(vocab_size=tokenizer.vocab_size, n_outcomes=len(OUTCOMES))
    trainer = L.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
    )
    trainer.fit(model, train_dataloaders=loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
