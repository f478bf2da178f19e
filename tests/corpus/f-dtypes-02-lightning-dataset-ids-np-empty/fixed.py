"""Query intent classification with Lightning: each query is laid out in a preallocated buffer of SLOTS word pieces
(padding first, the pieces after), so batches need no collate function."""
import os
import tempfile

import lightning as L
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(0, verbose=False)
SLOTS = 12
QUERIES = [("reset my password", 0), ("where is my parcel", 1), ("change delivery address", 1),
           ("i forgot my login", 0), ("track order", 1), ("unlock my account please", 0)]

folder = tempfile.mkdtemp()
with open(os.path.join(folder, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + sorted({w for q, _ in QUERIES for w in q.split()})))
tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))


class QueryBuffers(Dataset):
    def __init__(self, rows):
        self.items = []
        for text, label in rows:
            pieces = tokenizer(text)["input_ids"][:SLOTS]
            buf, keep = np.empty(SLOTS, dtype=np.int64), np.zeros(SLOTS, dtype=np.int64)
            buf[:] = tokenizer.pad_token_id
            buf[SLOTS - len(pieces):] = pieces
            keep[SLOTS - len(pieces):] = 1
            self.items.append({"input_ids": torch.from_numpy(buf), "attention_mask": torch.from_numpy(keep),
                               "labels": torch.tensor(label)})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class IntentModel(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.bert = BertForSequenceClassification(BertConfig(
            vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=32, max_position_embeddings=32, num_labels=2))

    def training_step(self, batch, batch_idx):
        return self.bert(**batch).loss

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_progress_bar=False, enable_model_summary=False)
trainer.fit(IntentModel(), DataLoader(QueryBuffers(QUERIES), batch_size=3))
print("steps", trainer.global_step)
