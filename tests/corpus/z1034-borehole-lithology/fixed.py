"""Classify borehole core descriptions into a lithology class with a tiny BERT in Lightning."""
import os
import tempfile

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(21, verbose=False)

LITHOLOGY = ["sandstone", "shale", "limestone", "granite"]

CORE_LOGS = [
    ("fine grained quartz grains well sorted cross bedding visible", "sandstone"),
    ("dark grey fissile laminated soft breaks in thin sheets", "shale"),
    ("pale grey fizzes with acid shell fragments fossils common", "limestone"),
    ("coarse crystalline pink feldspar quartz mica interlocking", "granite"),
    ("medium grained quartz grains rounded iron staining", "sandstone"),
    ("black organic rich laminated soft pyrite nodules", "shale"),
    ("pale grey fossils common crinoid stems fizzes with acid", "limestone"),
    # run 14, night shift
    ("coarse crystalline pink feldspar quartz mica interlocking with occasional dark grey "
     "xenoliths and thin quartz veins cutting the core at steep angles , weathered upper "
     "section shows iron staining and soft clay along joints , lower section fresh and hard "
     "with interlocking crystals of feldspar quartz and mica throughout the run", "granite"),
]

MAX_POS = 48


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class CoreLogData(L.LightningDataModule):
    def __init__(self, records, batch_size=4):
        super().__init__()
        self.records = records
        self.batch_size = batch_size
        self.tokenizer = BertTokenizer(write_vocab([t for t, _ in records]))
        self.encoded = None

    def setup(self, stage=None):
        texts = [t for t, _ in self.records]
        enc = self.tokenizer(texts, truncation=True, max_length=MAX_POS)
        self.encoded = [
            {"input_ids": enc["input_ids"][i], "token_type_ids": enc["token_type_ids"][i],
             "attention_mask": enc["attention_mask"][i], "labels": LITHOLOGY.index(lab)}
            for i, (_, lab) in enumerate(self.records)
        ]
        longest = max(len(e["input_ids"]) for e in self.encoded)
        print(f"setup({stage}): {len(self.encoded)} core logs, longest {longest} tokens")

    def _collate(self, rows):
        padded = self.tokenizer.pad([{k: r[k] for k in ("input_ids", "token_type_ids", "attention_mask")}
                                     for r in rows], return_tensors="pt")
        padded["labels"] = torch.tensor([r["labels"] for r in rows])
        return dict(padded)

    def train_dataloader(self):
        return DataLoader(self.encoded, batch_size=self.batch_size, shuffle=True, collate_fn=self._collate)


class LithologyClassifier(L.LightningModule):
    def __init__(self, vocab_size, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=MAX_POS, num_labels=len(LITHOLOGY))
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        if batch_idx == 0:
            print(f"  epoch {self.current_epoch} first batch loss {out.loss.item():.4f}")
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    dm = CoreLogData(CORE_LOGS)
    model = LithologyClassifier(vocab_size=dm.tokenizer.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(model, datamodule=dm)
    print("training finished")


if __name__ == "__main__":
    main()
