"""Triage of apiary inspection notes: healthy / queenless / swarm prep / varroa.

Tiny BERT classifier in Lightning. Notes are tokenized once to a fixed width; to save compute the
module trims the all-padding tail of each batch before it is moved to the device.
"""
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3, verbose=False)

STATUS = ["healthy", "queenless", "swarm_prep", "varroa"]

NOTES = [
    ("brood pattern solid eggs seen queen marked and laying", 0),
    ("no eggs no young larvae emergency cells on frame four", 1),
    ("several capped queen cells along bottom bars colony crowded", 2),
    ("mite drop high deformed wings on emerging bees", 3),
    ("calm colony good stores capped brood on six frames", 0),
    ("roaring when opened no queen seen no eggs", 1),
    ("drone brood heavy queen cups charged with royal jelly", 2),
    ("sugar roll count twelve mites per hundred bees", 3),
    ("new comb drawn on two frames queen seen", 0),
    ("laying workers multiple eggs per cell", 1),
    ("bees bearding at entrance queen cells started", 2),
    ("spotty brood and crawling bees with stubby wings", 3),
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for text, _ in NOTES for w in text.split()})


@dataclass
class NoteBatchConfig:
    fixed_width: int = 32
    batch_size: int = 4


class NotesDataset(Dataset):
    def __init__(self, rows, tokenizer, width):
        texts = [t for t, _ in rows]
        self.enc = tokenizer(texts, padding="max_length", max_length=width, truncation=True, return_tensors="pt")
        self.status = torch.tensor([s for _, s in rows])

    def __len__(self):
        return self.status.size(0)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["status"] = self.status[i]
        return item


class HiveClassifier(L.LightningModule):
    def __init__(self, vocab_size, lr=5e-4):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64, num_labels=len(STATUS))
        self.bert = BertForSequenceClassification(cfg)
        self.lr = lr
        self.trim_keys = ("input_ids", "token_type_ids")

    def on_before_batch_transfer(self, batch, dataloader_idx):
        # drop the columns that are padding for every note in the batch
        used = int(batch["attention_mask"].sum(dim=1).max())
        for key in self.trim_keys:
            batch[key] = batch[key][:, :used]
        return batch

    def _step(self, batch):
        target = batch.pop("status")
        out = self.bert(**batch, labels=target)
        return out.loss, out.logits.argmax(-1), target

    def training_step(self, batch, batch_idx):
        loss, _, _ = self._step(batch)
        return loss

    def validation_step(self, batch, batch_idx):
        loss, pred, target = self._step(batch)
        acc = (pred == target).float().mean()
        print(f"  val batch {batch_idx}: loss={loss.item():.3f} acc={acc.item():.2f}")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def build_tokenizer():
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


def main():
    bc = NoteBatchConfig()
    tok = build_tokenizer()
    train_ds = NotesDataset(NOTES[:8], tok, bc.fixed_width)
    val_ds = NotesDataset(NOTES[8:], tok, bc.fixed_width)
    print(f"{len(train_ds)} train notes, {len(val_ds)} val notes, width {bc.fixed_width}")

    model = HiveClassifier(vocab_size=len(VOCAB))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False, num_sanity_val_steps=0)
    trainer.fit(model, DataLoader(train_ds, batch_size=bc.batch_size, shuffle=True),
                DataLoader(val_ds, batch_size=bc.batch_size))
    print("done")


if __name__ == "__main__":
    main()
