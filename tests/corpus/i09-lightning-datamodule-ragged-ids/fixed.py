"""Question-type classifier with a LightningDataModule that numericalises questions with its own vocabulary."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
QUESTIONS = [("what is the capital of france", 0), ("who wrote hamlet", 1), ("when did the war end", 2),
             ("what is a neutron", 0), ("who painted the mona lisa", 1), ("when is the next eclipse", 2)]


class QuestionDataset(Dataset):
    def __init__(self, rows, vocab):
        self.rows, self.vocab = rows, vocab

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, label = self.rows[i]
        ids = torch.tensor([self.vocab[w] for w in text.split()])
        return ids, torch.tensor(label)


def pad_batch(items):
    ids = torch.nn.utils.rnn.pad_sequence([ids for ids, _ in items], batch_first=True, padding_value=0)
    return ids, torch.stack([y for _, y in items])


class QuestionData(L.LightningDataModule):
    def setup(self, stage=None):
        words = sorted({w for text, _ in QUESTIONS for w in text.split()})
        self.vocab = {w: i + 1 for i, w in enumerate(words)}
        self.train_set = QuestionDataset(QUESTIONS, self.vocab)

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=3, shuffle=False, collate_fn=pad_batch)


class QuestionModel(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(64, 16, padding_idx=0)
        self.head = nn.Linear(16, 3)

    def training_step(self, batch, batch_idx):
        ids, y = batch
        return F.cross_entropy(self.head(self.embed(ids).mean(1)), y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-3)


trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_model_summary=False, enable_progress_bar=False)
trainer.fit(QuestionModel(), datamodule=QuestionData())
print("trained")
