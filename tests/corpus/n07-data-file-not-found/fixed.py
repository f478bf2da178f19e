"""JSONL dataset for question classification; the prep step writes train.jsonl into DATA_DIR."""
import json
import os
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
DATA_DIR = tempfile.mkdtemp()


def prepare_data():
    rows = [{"text": "who wrote hamlet", "label": 0}, {"text": "how far is the moon", "label": 1},
            {"text": "when did ww2 end", "label": 2}, {"text": "who painted guernica", "label": 0}]
    with open(os.path.join(DATA_DIR, "train.jsonl"), "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)


class QuestionDataset(Dataset):
    def __init__(self, path, max_len=8):
        with open(path) as f:
            self.rows = [json.loads(line) for line in f]
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        words = self.rows[idx]["text"].split()[: self.max_len]
        ids = [sum(map(ord, w)) % 500 for w in words] + [0] * (self.max_len - len(words))
        return torch.tensor(ids), self.rows[idx]["label"]


prepare_data()
train_set = QuestionDataset(os.path.join(DATA_DIR, "train.jsonl"))
model = torch.nn.Sequential(torch.nn.EmbeddingBag(500, 16), torch.nn.Linear(16, 3))
for ids, labels in DataLoader(train_set, batch_size=2):
    torch.nn.functional.cross_entropy(model(ids), labels).backward()
