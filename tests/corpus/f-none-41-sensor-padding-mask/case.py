import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SETTINGS = {
    "feature_dim": 6,
    "d_model": 32,
    "n_heads": 2,
    "ff_dim": 64,
    "n_layers": 1,
    "max_events": 20,
    "num_classes": 4,
    "batchFirst": True,
    "batch_size": 8,
}


class MachineLogDataset(Dataset):
    def __init__(self, n_sessions, max_events, feature_dim, num_classes):
        gen = torch.Generator().manual_seed(7)
        self.sessions = []
        for _ in range(n_sessions):
            length = random.randint(5, max_events)
            events = torch.randn(length, feature_dim, generator=gen)
            label = random.randrange(num_classes)
            self.sessions.append((events, label))
        self.max_events = max_events

    def __len__(self):
        return len(self.sessions)

    def __getitem__(self, idx):
        events, label = self.sessions[idx]
        padded = torch.zeros(self.max_events, events.shape[1])
        padded[: events.shape[0]] = events
        pad_mask = torch.ones(self.max_events, dtype=torch.bool)
        pad_mask[: events.shape[0]] = False
        return padded, pad_mask, label


class SessionClassifier(nn.Module):
    def __init__(self, settings):
        super().__init__()
        self.proj = nn.Linear(settings["feature_dim"], settings["d_model"])
        layer = nn.TransformerEncoderLayer(
            d_model=settings["d_model"],
            nhead=settings["n_heads"],
            dim_feedforward=settings["ff_dim"],
            dropout=0.1,
            batch_first=settings.get("batch_first", False),
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=settings["n_layers"])
        self.head = nn.Linear(settings["d_model"], settings["num_classes"])

    def forward(self, events, pad_mask):
        h = self.proj(events)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1.0)
        return self.head(pooled)


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    running = 0.0
    for events, pad_mask, labels in loader:
        optimizer.zero_grad()
        logits = model(events, pad_mask)
        loss = loss_fn(logits, labels)
        loss.backward()
        optimizer.step()
        running += loss.item()
    return running / len(loader)


def main():
    random.seed(0)
    torch.manual_seed(0)
    data = MachineLogDataset(64, SETTINGS["max_events"], SETTINGS["feature_dim"], SETTINGS["num_classes"])
    loader = DataLoader(data, batch_size=SETTINGS["batch_size"], shuffle=True)
    model = SessionClassifier(SETTINGS)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(2):
        avg = train_one_epoch(model, loader, optimizer, loss_fn)
        print(f"epoch {epoch}: loss {avg:.4f}")


if __name__ == "__main__":
    main()
