import os
import tempfile

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

TICKETS = [
    ("my invoice shows the wrong amount", 0),
    ("cannot log in after password reset", 1),
    ("refund has not arrived yet", 0),
    ("the app crashes when i open settings", 1),
    ("please update my billing address", 0),
    ("error message on login page", 1),
    ("charged twice for the same order", 0),
    ("settings page is blank", 1),
    ("where is my refund", 0),
    ("password reset email never came", 1),
]

WORDS = sorted({w for text, _ in TICKETS for w in text.split()})
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(SPECIAL + WORDS) + "\n")
    return BertTokenizer(vocab_path)


class TicketDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len=16):
        self.rows = rows
        self.tokenizer = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, label = self.rows[idx]
        enc = self.tokenizer(text, padding="max_length", truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        enc["label"] = torch.tensor([label])
        return enc


def collate_tickets(examples):
    batch = {}
    for key in ("input_ids", "attention_mask", "token_type_ids"):
        batch[key] = torch.cat([e[key] for e in examples], dim=1)
    batch["labels"] = torch.cat([e["label"] for e in examples])
    return batch


class TicketRouter(nn.Module):
    def __init__(self, vocab_size, num_queues=2):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, num_queues)

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids)
        return self.head(out.last_hidden_state[:, 0])


def train(epochs=2, batch_size=5):
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as workdir:
        tokenizer = build_tokenizer(workdir)
        loader = DataLoader(TicketDataset(TICKETS, tokenizer), batch_size=batch_size,
                            shuffle=True, collate_fn=collate_tickets)
        model = TicketRouter(len(tokenizer))
        optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
        loss_fn = nn.CrossEntropyLoss()
        for epoch in range(epochs):
            total = 0.0
            for batch in loader:
                labels = batch.pop("labels")
                logits = model(**batch)
                loss = loss_fn(logits, labels)
                optim.zero_grad()
                loss.backward()
                optim.step()
                total += loss.item()
            print(f"epoch {epoch}: loss {total / len(loader):.4f}")


if __name__ == "__main__":
    train()
