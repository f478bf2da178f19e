"""Colony status from apiary inspection notes (queenright / queenless / swarm prep)."""
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3, verbose=False)

STATUS = {"queenright": 0, "queenless": 1, "swarm_prep": 2}

NOTES = [
    ("eggs and young larvae seen on four frames calm colony", "queenright"),
    ("no eggs no young brood several emergency cells roaring sound", "queenless"),
    ("multiple capped queen cells along bottom bars crowded brood nest", "swarm_prep"),
    ("queen spotted laying pattern solid good stores", "queenright"),
    ("laying workers suspected multiple eggs per cell drone brood only", "queenless"),
    ("backfilled brood nest with nectar queen cups charged", "swarm_prep"),
    ("fresh eggs present temper fine", "queenright"),
    ("colony restless no queen found no eggs for ten days", "queenless"),
    ("bees bearding heavily capped swarm cells on two frames", "swarm_prep"),
    ("brood in all stages queen marked and seen", "queenright"),
]


def write_vocab(notes):
    words = sorted({w for text, _ in notes for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="apiary_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def tokenize_note(tokenizer, item):
    text, status = item
    ids = tokenizer.encode(text, add_special_tokens=True)
    return {"ids": ids, "n": len(ids), "y": STATUS[status]}


def round_up(n, multiple):
    return ((n + multiple - 1) // multiple) * multiple


def lengths_to_mask(lengths, max_len=None):
    max_len = max_len or int(lengths.max())
    return (torch.arange(max_len)[None, :] < lengths[:, None]).long()


class InspectionData(L.LightningDataModule):
    def __init__(self, notes, batch_size=4, pad_multiple=8):
        super().__init__()
        self.notes = notes
        self.batch_size = batch_size
        self.pad_multiple = pad_multiple
        self.tokenizer = BertTokenizer(write_vocab(notes))

    def setup(self, stage=None):
        with ThreadPoolExecutor(max_workers=4) as ex:
            rows = list(ex.map(partial(tokenize_note, self.tokenizer), self.notes))
        rows.sort(key=lambda r: r["n"], reverse=True)
        self.batches = [self._assemble(rows[i:i + self.batch_size])
                        for i in range(0, len(rows), self.batch_size)]
        print(f"{len(rows)} notes -> {len(self.batches)} batches, widths "
              f"{[b['input_ids'].shape[1] for b in self.batches]}")

    def _assemble(self, chunk):
        lengths = torch.tensor([r["n"] for r in chunk])
        width = round_up(int(lengths.max()), self.pad_multiple)
        token_grid = torch.full((len(chunk), width), self.tokenizer.pad_token_id, dtype=torch.long)
        for i, r in enumerate(chunk):
            token_grid[i, :r["n"]] = torch.tensor(r["ids"])
        return {"input_ids": token_grid,
                "attention_mask": lengths_to_mask(lengths, max_len=width),
                "labels": torch.tensor([r["y"] for r in chunk])}

    def train_dataloader(self):
        return DataLoader(self.batches, batch_size=None, shuffle=True)


class HiveStatusModel(L.LightningModule):
    def __init__(self, vocab_size, lr=5e-4):
        super().__init__()
        self.lr = lr
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=len(STATUS))
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


if __name__ == "__main__":
    data = InspectionData(NOTES)
    model = HiveStatusModel(vocab_size=data.tokenizer.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, datamodule=data)
    print("finished, last loss:", float(trainer.callback_metrics["train_loss"]))
