"""Triage ship engine-room log entries into routine / urgent / critical with a tiny
BERT classifier trained through Lightning."""
import os
import tempfile
import warnings
from functools import partial, reduce
from itertools import chain

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

warnings.filterwarnings("ignore", ".*does not have many workers.*")
L.seed_everything(11, verbose=False)

SEVERITY = ["routine", "urgent", "critical"]
TRAIN = [
    ("lube oil filter changed on auxiliary engine two", 0),
    ("bilge pump tested and running normally", 0),
    ("fuel purifier cleaned as per schedule", 0),
    ("cooling water temperature rising on main engine", 1),
    ("vibration noted on shaft bearing during watch", 1),
    ("starting air compressor tripping repeatedly", 1),
    ("fire detected in purifier room", 2),
    ("main engine crankcase oil mist alarm", 2),
    ("steering gear hydraulic failure reported", 2),
    ("sewage plant blower greased", 0),
    ("boiler water sample taken and logged", 0),
    ("exhaust gas temperature deviation cylinder three", 1),
    ("flooding in steering flat", 2),
    ("generator load shared and balanced", 0),
]
VALID = [
    ("air cooler drained of condensate", 0),
    ("jacket water leak at cylinder head", 1),
    ("blackout on main switchboard", 2),
    ("overboard valve inspected and greased", 0),
    ("turbocharger surging at high load", 1),
    ("smoke coming from generator room", 2),
    ("fresh water generator output logged", 0),
    ("high bearing temperature alarm on generator", 1),
    ("oil spill in engine room bilge near hot surface", 2),
    ("routine sounding of fuel tanks", 0),
]


def write_vocab(texts):
    words = sorted(set(chain.from_iterable(t.split() for t in texts)))
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def make_collate(tokenizer, max_len):
    def collate(rows):
        texts, sev = zip(*rows)
        enc = tokenizer(list(texts), padding="max_length", truncation=True,
                        max_length=max_len, return_tensors="pt")
        return {**enc, "labels": torch.tensor(sev)}
    return collate


def stack_rows(acc, nxt):
    return torch.cat((acc, nxt))


collect = partial(reduce, stack_rows)


class LogTriage(L.LightningModule):
    def __init__(self, vocab_size, lr=2e-3):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=len(SEVERITY))
        self.net = BertForSequenceClassification(cfg)
        self.lr = lr
        self._preds, self._gold = [], []

    def training_step(self, batch, batch_idx):
        return self.net(**batch).loss

    def validation_step(self, batch, batch_idx):
        out = self.net(**batch)
        self._preds.append(out.logits.argmax(-1))
        self._gold.append(batch["labels"])

    def on_validation_epoch_end(self):
        preds, gold = collect(self._preds), collect(self._gold)
        acc = (preds == gold).float().mean().item()
        print(f"[val] epoch {self.current_epoch}: {gold.numel()} entries, accuracy {acc:.3f}")
        self._preds.clear()
        self._gold.clear()

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    vocab_path = write_vocab(t for t, _ in TRAIN + VALID)
    tokenizer = BertTokenizer(vocab_path)
    make_loader = partial(DataLoader, batch_size=4, collate_fn=make_collate(tokenizer, 24))
    train_dl = make_loader(TRAIN, shuffle=True)
    valid_dl = make_loader(VALID)
    print(f"vocab={tokenizer.vocab_size} train={len(TRAIN)} valid={len(VALID)}")

    model = LogTriage(tokenizer.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, train_dl, valid_dl)
    print("done")


if __name__ == "__main__":
    main()
