"""Passage re-ranker for a docs search box: BERT cross-encoder over (query, passage) pairs, trained with Lightning."""
import os
import tempfile

import lightning.pytorch as pl
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

PAIRS = [
    ("reset password", "open settings then security and choose reset password", 1),
    ("reset password", "invoices are sent on the first day of each month", 0),
    ("export data", "use the export button on the reports page to download csv", 1),
    ("export data", "two factor login needs an authenticator app", 0),
    ("delete account", "account deletion is permanent and removes all projects", 1),
    ("delete account", "the export button is on the reports page", 0),
]


class PairDataset(Dataset):
    def __init__(self, pairs, tok, max_len=48):
        self.pairs, self.tok, self.max_len = pairs, tok, max_len

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        query, passage, relevant = self.pairs[i]
        enc = self.tok(query, passage, truncation=True, max_length=self.max_len)
        enc["labels"] = relevant
        return enc


class RerankData(pl.LightningDataModule):
    def __init__(self, tok, batch_size=3):
        super().__init__()
        self.tok, self.batch_size = tok, batch_size

    def train_dataloader(self):
        return DataLoader(PairDataset(PAIRS, self.tok), batch_size=self.batch_size, shuffle=True)


class CrossEncoder(pl.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        self.bert = BertForSequenceClassification(BertConfig(
            vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=64, num_labels=2))

    def training_step(self, batch, batch_idx):
        loss = self.bert(**batch).loss
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=2e-4)


if __name__ == "__main__":
    pl.seed_everything(0)
    folder = tempfile.mkdtemp()
    words = sorted({w for q, p, _ in PAIRS for w in (q + " " + p).split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
    trainer = pl.Trainer(accelerator="cpu", max_epochs=2, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(CrossEncoder(len(tokenizer)), datamodule=RerankData(tokenizer))
    print("loss", float(trainer.callback_metrics["train_loss"]))
