"""Fine-tune a small BERT to assign customs tariff chapters to invoice line descriptions.

Broker team wants a first-pass suggester for the HS chapter (2-digit) so the
declarants only have to confirm or pick the heading by hand.
"""
import logging
import os
import re
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("tariff")

INVOICE_LINES = [
    {"desc": "mens knitted cotton t-shirts, crew neck", "chapter": "61", "heading": "6109"},
    {"desc": "womens knitted pullovers of wool", "chapter": "61", "heading": "6110"},
    {"desc": "woven denim trousers for men", "chapter": "62", "heading": "6203"},
    {"desc": "woven silk blouses for women", "chapter": "62", "heading": "6206"},
    {"desc": "centrifugal pumps for liquids, electric", "chapter": "84", "heading": "8413"},
    {"desc": "laptop computers, portable, under 10 kg", "chapter": "84", "heading": "8471"},
    {"desc": "lithium ion accumulators for vehicles", "chapter": "85", "heading": "8507"},
    {"desc": "mobile telephones for cellular networks", "chapter": "85", "heading": "8517"},
    {"desc": "cotton t-shirts printed, knitted, kids", "chapter": "61", "heading": "6109"},
    {"desc": "industrial air compressors, rotary", "chapter": "84", "heading": "8414"},
    {"desc": "electric insulated copper cable", "chapter": "85", "heading": "8544"},
    {"desc": "woven cotton shirts for men", "chapter": "62", "heading": "6205"},
]


@dataclass
class RunSettings:
    target_field: str = "chapter"
    max_len: int = 24
    epochs: int = 1
    batch_size: int = 4
    seed: int = 13


class LabelIndex:
    """String label <-> integer id, keeps insertion order."""

    def __init__(self):
        self.to_id: dict[str, int] = {}

    def fit(self, values):
        for v in values:
            self.to_id.setdefault(v, len(self.to_id))
        return self

    def __call__(self, value: str) -> int:
        # unseen codes get a fresh id instead of crashing the pipeline
        return self.to_id.setdefault(value, len(self.to_id))

    def __len__(self):
        return len(self.to_id)


def words(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", text.lower())


def write_vocab(texts: list[str]) -> str:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    seen = sorted({w for t in texts for w in words(t)})
    folder = tempfile.mkdtemp(prefix="tariff_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(specials + seen) + "\n")
    return path


class InvoiceLineDataset(Dataset):
    def __init__(self, rows, tokenizer, label_index: LabelIndex, settings: RunSettings):
        self.rows = rows
        self.tok = tokenizer
        self.label_index = label_index
        self.settings = settings

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        enc = self.tok(row["desc"], max_length=self.settings.max_len, truncation=True,
                       padding="max_length", return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.label_index(row[self.settings.target_field]))
        return item


def main():
    settings = RunSettings()
    torch.manual_seed(settings.seed)

    vocab_path = write_vocab([r["desc"] for r in INVOICE_LINES])
    tokenizer = BertTokenizer(vocab_path)

    chapters = LabelIndex().fit(r["chapter"] for r in INVOICE_LINES)
    log.info("chapters: %s", chapters.to_id)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(chapters))
    model = BertForSequenceClassification(config)

    train_ds = InvoiceLineDataset(INVOICE_LINES, tokenizer, chapters, settings)
    log.info("training on %d invoice lines, %d classes", len(train_ds), config.num_labels)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="tariff_run_"),
        num_train_epochs=settings.epochs,
        per_device_train_batch_size=settings.batch_size,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        seed=settings.seed,
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    log.info("final train loss %.4f", result.training_loss)

    model.eval()
    probe = tokenizer("knitted wool pullovers for women", return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    id_to_chapter = {v: k for k, v in chapters.to_id.items()}
    print("suggested chapter:", id_to_chapter[pred])


if __name__ == "__main__":
    main()
