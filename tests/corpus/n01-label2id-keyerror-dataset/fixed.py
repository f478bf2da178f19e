"""Sentiment dataset that maps string labels to ids and hashes words into a fixed vocab."""
import torch
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
label2id = {"negative": 0, "positive": 1, "neutral": 2}
RAW = [
    ("the battery dies in an hour", "negative"),
    ("screen is gorgeous", "positive"),
    ("it arrived on tuesday", "neutral"),
    ("would buy again", "positive"),
]


class SentimentDataset(Dataset):
    def __init__(self, rows, max_len=12, vocab_size=1000):
        self.rows, self.max_len, self.vocab_size = rows, max_len, vocab_size

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, label = self.rows[idx]
        ids = [sum(map(ord, w)) % self.vocab_size for w in text.split()][: self.max_len]
        ids = ids + [0] * (self.max_len - len(ids))
        return {"input_ids": torch.tensor(ids), "label": torch.tensor(label2id[label])}


loader = DataLoader(SentimentDataset(RAW), batch_size=2, shuffle=False)
embedding = torch.nn.EmbeddingBag(1000, 16)
classifier = torch.nn.Linear(16, len(label2id))
for batch in loader:
    logits = classifier(embedding(batch["input_ids"]))
    loss = torch.nn.functional.cross_entropy(logits, batch["label"])
    loss.backward()
