"""Intent detection for a banking chatbot with PyTorch Lightning (LightningDataModule + DistilBERT).

The labelled utterances are few, so the data module adds synonym-swapped copies of them (EDA-style
augmentation) and trains on both through a ConcatDataset.
"""
import os
import random
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning as L
import torch
from torch.utils.data import ConcatDataset, DataLoader, Dataset
from transformers import BertTokenizer, DistilBertConfig, DistilBertForSequenceClassification

L.seed_everything(1, verbose=False)
MAX_LEN = 24
INTENTS = ["balance", "transfer", "card_lost"]
UTTERANCES = [
    ("what is my balance", 0), ("how much money do i have", 0), ("send money to my sister", 1),
    ("transfer fifty euros to john", 1), ("i lost my card", 2), ("my card was stolen", 2),
]
SYNONYMS = {"money": "cash", "send": "wire", "lost": "misplaced", "stolen": "taken", "much": "many"}


class Encoded(Dataset):
    def __init__(self, encodings, labels):
        self.encodings, self.labels = encodings, labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"input_ids": self.encodings["input_ids"][i], "attention_mask": self.encodings["attention_mask"][i],
                "labels": torch.tensor(self.labels[i])}


def augment(tokenizer, rows):
    texts = [" ".join(SYNONYMS.get(w, w) for w in text.split()) for text, _ in rows]
    enc = tokenizer(texts, padding="max_length", truncation=True, max_length=MAX_LEN)
    enc = {k: [torch.tensor(v) for v in values] for k, values in enc.items()}
    return Encoded(enc, [label for _, label in rows])


class IntentData(L.LightningDataModule):
    def __init__(self, tokenizer, batch_size=4):
        super().__init__()
        self.tokenizer, self.batch_size = tokenizer, batch_size

    def setup(self, stage=None):
        enc = self.tokenizer([t for t, _ in UTTERANCES], padding="max_length", truncation=True, max_length=MAX_LEN,
                             return_tensors="pt")
        original = Encoded(enc, [label for _, label in UTTERANCES])
        self.train_set = ConcatDataset([original, augment(self.tokenizer, UTTERANCES)])

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True)


class IntentClassifier(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        self.net = DistilBertForSequenceClassification(DistilBertConfig(
            vocab_size=vocab_size, dim=32, n_layers=2, n_heads=2, hidden_dim=64, max_position_embeddings=64,
            num_labels=len(INTENTS)))

    def training_step(self, batch, batch_idx):
        return self.net(**batch).loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)


folder = tempfile.mkdtemp(prefix="intents-")
words = sorted({w for t, _ in UTTERANCES for w in t.split()} | set(SYNONYMS.values()))
with open(os.path.join(folder, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))

trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_progress_bar=False, enable_model_summary=False)
trainer.fit(IntentClassifier(len(tokenizer)), datamodule=IntentData(tokenizer))
print("trained", trainer.global_step, "steps")
