"""Kiln firing log -> glaze defect classifier (tiny BERT + Lightning).

LightningModule skeleton from the Lightning "finetune a transformer" example,
tokenizer usage from the BERT docs page.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import lightning as L
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

DEFECTS = ["sound", "crazing", "crawling", "bloating"]

FIRING_LOGS = [
    ("cone 6 oxidation , slow cool , glaze smooth and glossy", "sound"),
    ("even temperature across shelves , no issues on unloading", "sound"),
    ("fine network of cracks in clear glaze after fast cool", "crazing"),
    ("crackle lines appeared two days later on the mugs", "crazing"),
    ("glaze pulled away leaving bare patches", "crawling"),
    ("thick application beaded up near rim , bare clay showing on foot", "crawling"),
    ("blisters and swelling in the body , overfired at peak", "bloating"),
    ("bubbles inside clay wall , reduction too early", "bloating"),
]


@dataclass
class HParams:
    hidden: int = 32
    maxLen: int = 40
    batch_size: int = 4
    lr: float = 1e-3


def make_vocab_dir(rows):
    d = tempfile.mkdtemp(prefix="kiln_")
    words = sorted({w for text, _ in rows for w in text.lower().split()})
    with open(os.path.join(d, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return d


class FiringLogDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        self.rows = rows
        self.tokenizer = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, defect = self.rows[i]
        encoding = self.tokenizer(
            text,
            padding=True,
            truncation=True,
            max_length=self.max_len,
            return_tensors="pt",
        )
        # from the docs: squeeze the batch dim added by return_tensors
        return {
            "input_ids": encoding["input_ids"].squeeze(0),
            "attention_mask": encoding["attention_mask"].squeeze(0),
            "defect": torch.tensor(DEFECTS.index(defect)),
        }


class DefectClassifier(L.LightningModule):
    def __init__(self, vocab_size, hp: HParams):
        super().__init__()
        self.hp = hp
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=hp.hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(cfg)
        self.dropOut = nn.Dropout(0.1)
        self.head = nn.Linear(hp.hidden, len(DEFECTS))
        self.lossFn = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        pooled = out.last_hidden_state[:, 0]
        return self.head(self.dropOut(pooled))

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"])
        loss = self.lossFn(logits, batch["defect"])
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hp.lr)


def main():
    hp = HParams()
    vocab_dir = make_vocab_dir(FIRING_LOGS)
    tok = BertTokenizer(os.path.join(vocab_dir, "vocab.txt"))
    print(f"vocab: {tok.vocab_size} entries from {vocab_dir}")

    train_set = FiringLogDataset(FIRING_LOGS, tok, hp.maxLen)
    sample = train_set[0]  # sanity check, like in the tutorial
    print("first example ids:", sample["input_ids"].tolist())

    trainLoader = DataLoader(train_set, batch_size=hp.batch_size, shuffle=True)
    model = DefectClassifier(tok.vocab_size, hp)

    trainer = L.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
    )
    trainer.fit(model, train_dataloaders=trainLoader)
    print("finished, last loss:", float(trainer.callback_metrics.get("train_loss", float("nan"))))


if __name__ == "__main__":
    main()
