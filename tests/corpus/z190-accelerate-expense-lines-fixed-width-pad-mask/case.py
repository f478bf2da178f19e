import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset
from accelerate import Accelerator

CATEGORIES = ["travel", "meals", "software", "office"]
EXPENSES = [
    ("uber ride from airport to hotel", "travel"),
    ("train ticket berlin munich second class", "travel"),
    ("hotel two nights conference", "travel"),
    ("flight change fee", "travel"),
    ("team lunch pizza", "meals"),
    ("coffee with client downtown", "meals"),
    ("dinner during offsite with six people", "meals"),
    ("breakfast at airport", "meals"),
    ("annual license for design tool", "software"),
    ("cloud hosting monthly bill", "software"),
    ("password manager seats", "software"),
    ("code editor subscription renewal", "software"),
    ("printer paper and toner", "office"),
    ("standing desk", "office"),
    ("whiteboard markers and sticky notes", "office"),
    ("ergonomic chair for new hire", "office"),
]

PAD, UNK = 0, 1
vocab = {"<pad>": PAD, "<unk>": UNK}
for text, _ in EXPENSES:
    for w in text.split():
        vocab.setdefault(w, len(vocab))


class ExpenseLines(Dataset):
    def __init__(self, rows, max_len=12):
        self.rows = rows
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, cat = self.rows[i]
        ids = [vocab.get(w, UNK) for w in text.split()][: self.max_len]
        is_pad = [False] * len(ids) + [True] * (self.max_len - len(ids))
        return {"tokens": torch.tensor(ids), "is_pad": torch.tensor(is_pad),
                "category": CATEGORIES.index(cat)}


def collate_lines(items):
    return {
        "tokens": pad_sequence([it["tokens"] for it in items], batch_first=True, padding_value=PAD),
        "is_pad": torch.stack([it["is_pad"] for it in items]),
        "category": torch.tensor([it["category"] for it in items]),
    }


class ExpenseClassifier(nn.Module):
    def __init__(self, n_words, n_classes, dim=32):
        super().__init__()
        self.embed = nn.Embedding(n_words, dim, padding_idx=PAD)
        layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, tokens, is_pad):
        h = self.encoder(self.embed(tokens), src_key_padding_mask=is_pad)
        keep = (~is_pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


def train():
    random.seed(0)
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)
    loader = DataLoader(ExpenseLines(EXPENSES), batch_size=4, shuffle=True, collate_fn=collate_lines)
    model = ExpenseClassifier(len(vocab), len(CATEGORIES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(5):
        model.train()
        total = 0.0
        for batch in loader:
            logits = model(batch["tokens"], batch["is_pad"])
            loss = loss_fn(logits, batch["category"])
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            total += loss.item()
        accelerator.print(f"epoch {epoch} loss {total / len(loader):.4f}")


if __name__ == "__main__":
    train()
