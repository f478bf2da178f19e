"""Forum answer helpfulness: LightningDataModule + LightningModule around a tiny BERT encoder."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizerFast

MAX_LEN = 24
ANSWERS = [
    ("restart the router and wait a minute", 1),
    ("no idea", 0),
    ("open settings then network then reset all adapters and reboot", 1),
    ("same problem here", 0),
    ("update the driver from the vendor site", 1),
    ("bump", 0),
    ("check whether the cable is plugged into the wan port", 1),
    ("thanks", 0),
]


class AnswerSet(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows, self.tokenizer = rows, tokenizer

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, helpful = self.rows[i]
        enc = self.tokenizer(text, padding="max_length", truncation=True, max_length=MAX_LEN, return_tensors="pt")
        return {
            "input_ids": enc["input_ids"].squeeze(0),
            "attention_mask": enc["attention_mask"].squeeze(0),
            "label": torch.tensor(helpful, dtype=torch.float),
        }


class AnswerData(L.LightningDataModule):
    def __init__(self, rows, vocab_dir, batch_size=4):
        super().__init__()
        self.rows, self.vocab_dir, self.batch_size = rows, vocab_dir, batch_size

    def setup(self, stage=None):
        words = sorted({w for text, _ in self.rows for w in text.split()})
        path = os.path.join(self.vocab_dir, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        self.tokenizer = BertTokenizerFast(path)
        self.train_set = AnswerSet(self.rows, self.tokenizer)

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True)


class HelpfulnessScorer(L.LightningModule):
    def __init__(self, vocab_size=128):
        super().__init__()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=37,
                                            max_position_embeddings=64))
        self.score = nn.Linear(32, 1)
        self.loss_fn = nn.BCEWithLogitsLoss()

    def training_step(self, batch, batch_idx):
        hidden = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        logits = self.score(hidden[:, 0]).squeeze(-1)
        loss = self.loss_fn(logits, batch["label"])
        self.log("loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-3)


if __name__ == "__main__":
    L.seed_everything(1, verbose=False)
    data = AnswerData(ANSWERS, tempfile.mkdtemp())
    trainer = L.Trainer(max_epochs=1, limit_train_batches=2, accelerator="cpu", logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(HelpfulnessScorer(), datamodule=data)
