"""Hive inspection notes -> colony condition, with a varroa-risk report at the end."""
import os
import tempfile
from itertools import tee

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, IterableDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(11, verbose=False)

CONDITIONS = ["healthy", "queenless", "varroa", "swarming"]
TRAIN_ROWS = [
    ("brood pattern solid eggs seen queen marked calm colony", "healthy"),
    ("no eggs no young larvae colony roaring emergency cells", "queenless"),
    ("mites on drones deformed wings sticky board count high", "varroa"),
    ("queen cells on frame bottoms bees bearding packed brood nest", "swarming"),
    ("capped stores good pollen coming in calm on frames", "healthy"),
    ("laying workers multiple eggs per cell drone brood in worker cells", "queenless"),
    ("sugar roll twelve mites crawling brood spotty", "varroa"),
    ("supers full bees hanging outside charged queen cells", "swarming"),
] * 3
VAL_ROWS = [
    ("queen seen eggs and larvae good temper", "healthy"),
    ("deformed wings on workers mite drop high", "varroa"),
    ("no queen no eggs emergency cells drawn", "queenless"),
    ("swarm cells capped colony crowded", "swarming"),
    ("mites seen on bees after sugar roll", "varroa"),
    ("steady brood calm colony stores fine", "healthy"),
]


def read_records(rows):
    for hive_no, (note, cond) in enumerate(rows):
        yield {"hive": hive_no, "note": note, "cond": CONDITIONS.index(cond)}


def tokenize_stream(records, tok, max_len=24):
    for rec in records:
        enc = tok(rec["note"], truncation=True, max_length=max_len)
        yield rec["hive"], enc["input_ids"], rec["cond"]


def batch_stream(items, batch_size, pad_id=0):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == batch_size:
            yield collate(chunk, pad_id)
            chunk = []
    if chunk:
        yield collate(chunk, pad_id)


def collate(chunk, pad_id):
    width = max(len(ids) for _, ids, _ in chunk)
    ids = torch.full((len(chunk), width), pad_id, dtype=torch.long)
    for row, (_, seq, _) in enumerate(chunk):
        ids[row, :len(seq)] = torch.tensor(seq)
    return {"hive": torch.tensor([h for h, _, _ in chunk]), "input_ids": ids,
            "attention_mask": (ids != pad_id).long(),
            "labels": torch.tensor([c for _, _, c in chunk])}


class StreamDataset(IterableDataset):
    def __init__(self, source):
        self.source = source

    def __iter__(self):
        return iter(self.source)


class HiveModule(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=len(CONDITIONS))
        self.net = BertForSequenceClassification(cfg)

    def _run(self, batch):
        return self.net(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                        labels=batch["labels"])

    def training_step(self, batch, batch_idx):
        return self._run(batch).loss

    def validation_step(self, batch, batch_idx):
        self.log("val_loss", self._run(batch).loss, batch_size=batch["labels"].size(0))

    def predict_step(self, batch, batch_idx):
        logits = self._run(batch).logits
        return F.softmax(logits, dim=-1)[:, CONDITIONS.index("varroa")]

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-4)


def build_tokenizer():
    words = sorted({w for note, _ in TRAIN_ROWS + VAL_ROWS for w in note.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    tok = build_tokenizer()
    train_batches = batch_stream(tokenize_stream(read_records(TRAIN_ROWS), tok), 4)
    val_for_trainer, val_for_report = tee(
        batch_stream(tokenize_stream(read_records(VAL_ROWS), tok), 2))

    module = HiveModule(len(tok))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, num_sanity_val_steps=0,
                        enable_model_summary=False)
    trainer.fit(module, DataLoader(StreamDataset(train_batches), batch_size=None),
                DataLoader(StreamDataset(val_for_trainer), batch_size=None))
    print("val_loss", float(trainer.callback_metrics["val_loss"]))

    report_loader = DataLoader(StreamDataset(val_for_trainer), batch_size=None)
    outputs = trainer.predict(module, report_loader)
    risk = torch.tensor([p for out in outputs for p in out.tolist()])
    ranked = torch.argsort(risk, descending=True)
    worst = ranked[0].item()
    print(f"highest varroa risk: hive {worst} ({VAL_ROWS[worst][0]!r}) p={risk[worst]:.3f}")
    print("inspection order:", ranked.tolist())


if __name__ == "__main__":
    main()
