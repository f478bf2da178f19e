import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

PAD, BOS, EOS, UNK = 0, 1, 2, 3

TICKETS = [
    ("server is down and customers cannot log in", 1),
    ("please update my billing address", 0),
    ("payment page crashes on checkout for everyone", 1),
    ("how do i change my password", 0),
    ("database errors after the latest deploy", 1),
    ("feature request dark mode", 0),
    ("api returns 500 for all requests", 1),
    ("thanks for the quick help yesterday", 0),
]


@dataclass
class Config:
    embed_dim: int = 32
    hidden_dim: int = 48
    num_classes: int = 2
    batch_size: int = 4
    lr: float = 1e-3
    epochs: int = 2


def build_vocab(texts):
    vocab = {"<pad>": PAD, "<bos>": BOS, "<eos>": EOS, "<unk>": UNK}
    for text in texts:
        for word in text.split():
            vocab.setdefault(word, len(vocab))
    return vocab


class TicketDataset(Dataset):
    def __init__(self, pairs, vocab):
        self.items = [([vocab.get(w, UNK) for w in t.split()], y) for t, y in pairs]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate_tickets(batch):
    token_lists = [tokens for tokens, _ in batch]
    width = max(len(t) for t in token_lists) + 2
    max_len = max(len(t) for t in token_lists)
    input_ids, attention_mask = [], []
    for tokens in token_lists:
        row = [BOS] + tokens + [EOS]
        input_ids.append(row + [PAD] * (width - len(row)))
        attention_mask.append([1] * len(tokens) + [0] * (max_len - len(tokens)))
    return {
        "input_ids": torch.tensor(input_ids),
        "attention_mask": torch.tensor(attention_mask),
        "labels": torch.tensor([label for _, label in batch]),
    }


class UrgencyClassifier(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, cfg.embed_dim, padding_idx=PAD)
        self.encoder = nn.GRU(cfg.embed_dim, cfg.hidden_dim, batch_first=True)
        self.head = nn.Linear(cfg.hidden_dim, cfg.num_classes)

    def forward(self, input_ids, attention_mask):
        states, _ = self.encoder(self.embed(input_ids))
        weights = attention_mask.unsqueeze(-1).float()
        pooled = (states * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        return self.head(pooled)


def train(cfg):
    random.seed(0)
    torch.manual_seed(0)
    vocab = build_vocab(text for text, _ in TICKETS)
    loader = DataLoader(TicketDataset(TICKETS, vocab), batch_size=cfg.batch_size,
                        shuffle=True, collate_fn=collate_tickets)
    model = UrgencyClassifier(len(vocab), cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cfg.epochs):
        total = 0.0
        for batch in loader:
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = loss_fn(logits, batch["labels"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")
    return model


if __name__ == "__main__":
    train(Config())
