"""Lithology tagging of drill-core logging descriptions.

Geologists' free-text core descriptions -> rock class. Tiny BERT fine-tuned with
Lightning; the dataset wrapper tokenizes lazily so the raw logs stay editable.
"""
import functools
import os
import tempfile

import lightning as L
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3, verbose=False)

CORE_LOG = [
    ("fine grained grey sandstone with cross bedding", "sandstone"),
    ("medium sandstone well sorted quartz grains", "sandstone"),
    ("dark grey shale fissile with plant fragments", "shale"),
    ("black shale thinly laminated pyrite nodules", "shale"),
    ("massive limestone with shell fragments and stylolites", "limestone"),
    ("oolitic limestone light grey porous", "limestone"),
    ("red mudstone blocky with green reduction spots", "mudstone"),
    ("interbedded sandstone and shale grading upward into grey mudstone with "
     "abundant root traces and calcite veins then a thin coal seam overlain by "
     "fine grained sandstone with ripple marks and scattered mud clasts and "
     "more calcite veins with pyrite and plant fragments along bedding planes "
     "passing down into dark shale with shell fragments and quartz grains", "mudstone"),
    ("grey mudstone silty with calcite veins", "mudstone"),
    ("coarse sandstone pebbly base with mud clasts", "sandstone"),
]

MAX_POSITIONS = 32  # core descriptions are short, keep the encoder small


class LazyDataset(Dataset):
    def __init__(self, rows, transform=None, tokenizer=None):
        self.rows = rows
        self.transform = transform
        self.tokenizer = tokenizer

    def with_transform(self, fn):
        return LazyDataset(self.rows, transform=fn, tokenizer=self.tokenizer)

    @functools.cached_property
    def label_names(self):
        return sorted({lab for _, lab in self.rows})

    @functools.cached_property
    def max_len(self):
        # longest description in word pieces, plus [CLS]/[SEP]
        return max(len(self.tokenizer.tokenize(text)) for text, _ in self.rows) + 2

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, lab = self.rows[i]
        item = {"text": text, "rock": lab}
        return self.transform(item) if self.transform else item


def tokenize_item(item, tokenizer, width, label_names):
    enc = tokenizer(item["text"], padding="max_length", max_length=width, return_tensors="pt")
    feats = {k: v.squeeze(0) for k, v in enc.items()}
    feats["labels"] = torch.tensor(label_names.index(item["rock"]))
    return feats


def make_tokenizer(rows):
    words = sorted({w for text, _ in rows for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class LithologyModel(L.LightningModule):
    def __init__(self, vocab_size, n_rocks, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=MAX_POSITIONS, num_labels=n_rocks)
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    tokenizer = make_tokenizer(CORE_LOG)
    raw = LazyDataset(CORE_LOG, tokenizer=tokenizer)
    print(f"{len(raw)} core intervals, classes: {raw.label_names}, padded width {raw.max_len}")

    train_ds = raw.with_transform(functools.partial(
        tokenize_item, tokenizer=tokenizer, width=raw.max_len, label_names=raw.label_names))
    loader = DataLoader(train_ds, batch_size=4, shuffle=True)

    model = LithologyModel(tokenizer.vocab_size, len(raw.label_names))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
