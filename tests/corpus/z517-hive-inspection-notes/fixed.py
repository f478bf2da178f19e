"""Queen-status classifier for apiary inspection notes, trained with Accelerate.

The beekeepers' association logs free-text notes after every hive inspection;
we want to flag colonies that need attention (queenless / laying workers).
"""
import logging
import os
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("hive")

STATUS = {"queenright": 0, "queenless": 1, "laying_workers": 2}

NOTES = [
    ("eggs and young larvae seen on four frames, calm colony", "queenright"),
    ("no eggs, several emergency cells along the bottom bar", "queenless"),
    ("multiple eggs per cell, drone brood in worker cells", "laying_workers"),
    ("marked queen spotted, capped brood pattern solid", "queenright"),
    ("roaring when opened, no brood at all", "queenless"),
    ("scattered drone brood, eggs on cell walls", "laying_workers"),
    ("new queen mated and laying well", "queenright"),
    ("colony defensive, no eggs, queen cells torn down", "queenless"),
]


def make_vocab(tmp_dir):
    words = sorted({w.strip(",.") for text, _ in NOTES for w in text.lower().split()})
    path = os.path.join(tmp_dir, "vocab.txt")
    with open(path, "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ","] + words:
            f.write(tok + "\n")
    return path


class InspectionNotes(Dataset):
    def __init__(self, rows, tokenizer, max_length=32):
        self.rows = rows
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, status = self.rows[i]
        enc = self.tokenizer(
            text,
            padding="max_length",
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        return {
            "input_ids": enc["input_ids"][0],
            "attention_mask": enc["attention_mask"][0],
            "labels": torch.tensor(STATUS[status]),
        }


def epochs(loader, n):
    for ep in range(n):
        for step, batch in enumerate(loader):
            yield ep, step, batch


def main():
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)

    tmp_dir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(make_vocab(tmp_dir))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(STATUS),
    )
    model = BertForSequenceClassification(config)
    log.info("model params: %d", sum(p.numel() for p in model.parameters()))

    train_set = InspectionNotes(NOTES, tokenizer)
    loader = DataLoader(train_set, batch_size=4, shuffle=True)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model, optim, loader = accelerator.prepare(model, optim, loader)
    model.train()

    running = 0.0
    for ep, step, batch in epochs(loader, 2):
        out = model(**batch)
        accelerator.backward(out.loss)
        optim.step()
        optim.zero_grad()
        running += out.loss.item()
        log.info("epoch %d step %d loss %.4f", ep, step, out.loss.item())

    accelerator.print(f"mean loss {running / (2 * len(loader)):.4f}")


if __name__ == "__main__":
    main()
