"""Route IT helpdesk tickets to a team: tiny DistilBERT classifier fine-tuned with Accelerate."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset
from transformers import BertTokenizerFast, DistilBertConfig, DistilBertForSequenceClassification

TICKET_MAX_TOKENS = 40
TEAMS = ["network", "hardware", "accounts"]
TICKETS = [
    ("vpn drops every ten minutes when i work from home", "network"),
    ("laptop fan is loud", "hardware"),
    ("please unlock my account", "accounts"),
    ("the office wifi is very slow on the third floor since monday", "network"),
    ("monitor flickers", "hardware"),
    ("i need access to the finance shared drive for the audit", "accounts"),
    ("printer on floor two jams on every page", "hardware"),
    ("password expired", "accounts"),
]


def write_vocab(folder, rows):
    words = sorted({w for text, _ in rows for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class TicketDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows = rows
        self.tokenizer = tokenizer

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, team = self.rows[idx]
        features = self.tokenizer(text, padding="max_length", truncation=True, max_length=TICKET_MAX_TOKENS)
        item = {key: torch.tensor(values) for key, values in features.items()}
        item["labels"] = torch.tensor(TEAMS.index(team))
        return item


def build_model(vocab_size):
    config = DistilBertConfig(vocab_size=vocab_size, dim=32, hidden_dim=64, n_layers=1, n_heads=2,
                              max_position_embeddings=64, num_labels=len(TEAMS))
    return DistilBertForSequenceClassification(config)


def train(epochs=1):
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)
    tokenizer = BertTokenizerFast(write_vocab(tempfile.mkdtemp(), TICKETS))
    loader = DataLoader(TicketDataset(TICKETS, tokenizer), batch_size=4, shuffle=True)
    model = build_model(len(tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(epochs):
        for step, batch in enumerate(loader):
            batch.pop("token_type_ids", None)
            loss = model(**batch).loss
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            accelerator.print(f"epoch {epoch} step {step}: loss {loss.item():.4f}")


if __name__ == "__main__":
    train()
