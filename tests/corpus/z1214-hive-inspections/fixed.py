"""Classify apiary inspection notes into colony status so the association's
mentors can prioritise visits. Notes are stored in sqlite with their token
ids pre-encoded; training runs through a Lightning DataModule/Module pair."""
import os
import re
import sqlite3
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
import lightning as L
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(21, verbose=False)

STATUSES = ["queenright", "queenless", "swarm_prep", "brood_disease"]
INSPECTIONS = [
    ("train", "eggs and young larvae seen queen marked and laying well", "queenright"),
    ("train", "calm colony good brood pattern on six frames", "queenright"),
    ("train", "no eggs no young brood roaring when opened", "queenless"),
    ("train", "laying workers suspected multiple eggs per cell", "queenless"),
    ("train", "charged queen cells along bottom bars colony very crowded", "swarm_prep"),
    ("train", "play cups with eggs and backfilled brood nest", "swarm_prep"),
    ("train", "sunken perforated cappings ropey test positive", "brood_disease"),
    ("train", "spotty brood and chalky mummies at entrance", "brood_disease"),
    ("val", "queen seen eggs present", "queenright"),
    ("val", "emergency cells drawn on frame centre no eggs", "queenless"),
    ("val", "crowded brood box with sealed queen cells", "swarm_prep"),
    ("val", "greasy scale in cells and patchy brood", "brood_disease"),
]


class InspectionData(L.LightningDataModule):
    def __init__(self, tokenizer, batch_size=4):
        super().__init__()
        self.tokenizer = tokenizer
        self.batch_size = batch_size

    def _load_db(self):
        self.con = sqlite3.connect(":memory:")
        self.con.execute("CREATE TABLE status (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
        self.con.execute("CREATE TABLE inspections (split TEXT, note TEXT, status TEXT, token_ids TEXT, n_tokens INT)")
        self.con.executemany("INSERT INTO status VALUES (?, ?)", list(enumerate(STATUSES)))
        rows = []
        for split, note, status in INSPECTIONS:
            ids = self.tokenizer.encode(note)
            rows.append((split, note, status, " ".join(map(str, ids)), len(ids)))
        self.con.executemany("INSERT INTO inspections VALUES (?, ?, ?, ?, ?)", rows)

    def setup(self, stage=None):
        self._load_db()
        self.max_tokens = self.con.execute("SELECT MAX(n_tokens) FROM inspections").fetchone()[0]
        query = ("SELECT i.token_ids, s.id FROM inspections i JOIN status s ON s.name = i.status "
                 "WHERE i.split = ? ORDER BY i.rowid")
        self.splits = {
            split: [(torch.tensor([int(t) for t in ids.split()]), sid) for ids, sid in self.con.execute(query, (split,))]
            for split in ("train", "val")
        }

    def collate(self, rows):
        seqs = [ids for ids, _ in rows]
        lengths = torch.tensor([len(s) for s in seqs])
        padded = pad_sequence(seqs, batch_first=True, padding_value=self.tokenizer.pad_token_id)
        return {
            "input_ids": padded,
            "attention_mask": (torch.arange(padded.size(1))[None, :] < lengths[:, None]).long(),
            "labels": torch.tensor([sid for _, sid in rows]),
        }

    def train_dataloader(self):
        return DataLoader(self.splits["train"], batch_size=self.batch_size, shuffle=True, collate_fn=self.collate)

    def val_dataloader(self):
        return DataLoader(self.splits["val"], batch_size=self.batch_size, collate_fn=self.collate)


class StatusClassifier(L.LightningModule):
    def __init__(self, config, lr=5e-4):
        super().__init__()
        self.bert = BertForSequenceClassification(config)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        return self.bert(**batch).loss

    def validation_step(self, batch, batch_idx):
        out = self.bert(**batch)
        acc = (out.logits.argmax(-1) == batch["labels"]).float().mean()
        self.log_dict({"val_loss": out.loss, "val_acc": acc}, batch_size=len(batch["labels"]))

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def make_tokenizer():
    words = sorted({w for _, note, _ in INSPECTIONS for w in re.findall(r"\w+", note.lower())})
    path = os.path.join(tempfile.mkdtemp(prefix="hives_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


if __name__ == "__main__":
    tok = make_tokenizer()
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32, num_labels=len(STATUSES))
    data = InspectionData(tok)
    print(f"vocab={tok.vocab_size} classes={len(STATUSES)}")
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False, num_sanity_val_steps=0)
    trainer.fit(StatusClassifier(cfg), datamodule=data)
    print("validation:", {k: round(float(v), 4) for k, v in trainer.callback_metrics.items()})
