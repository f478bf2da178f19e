import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

random.seed(3)
torch.manual_seed(3)

N_ITEMS = 500
PAD_ID = 0
D_MODEL = 32
BATCH = 16


def make_sessions(n_sessions):
    sessions = []
    for _ in range(n_sessions):
        length = random.randint(4, 30)
        items = [random.randint(1, N_ITEMS - 1) for _ in range(length)]
        bought = int(sum(1 for it in items if it < 60) >= 2)
        sessions.append((torch.tensor(items), bought))
    return sessions


def collate_sessions(batch):
    seqs = [s for s, _ in batch]
    labels = torch.tensor([y for _, y in batch], dtype=torch.float32)
    padded = pad_sequence(seqs, batch_first=True, padding_value=PAD_ID)
    pad_mask = padded.eq(PAD_ID)
    return padded, pad_mask, labels


class SessionEncoder(nn.Module):
    def __init__(self, n_items, d_model, n_heads=2, n_layers=1, max_len=64):
        super().__init__()
        self.item_emb = nn.Embedding(n_items, d_model, padding_idx=PAD_ID)
        self.pos_emb = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(
            d_model=d_model,
            nhead=n_heads,
            dim_feedforward=64,
            dropout=0.1,
            batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=n_layers, enable_nested_tensor=False)
        self.out = nn.Linear(d_model, 1)

    def forward(self, items, pad_mask):
        positions = torch.arange(items.size(1), device=items.device)
        h = self.item_emb(items) + self.pos_emb(positions)[None]
        h = self.encoder(h, pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(pooled).squeeze(-1)


def run_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, n = 0.0, 0
    for items, pad_mask, labels in loader:
        logits = model(items, pad_mask)
        loss = loss_fn(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * labels.size(0)
        n += labels.size(0)
    return total / n


def main():
    sessions = make_sessions(320)
    loader = DataLoader(sessions, batch_size=BATCH, shuffle=True, collate_fn=collate_sessions)
    model = SessionEncoder(N_ITEMS, D_MODEL)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(2):
        avg = run_epoch(model, loader, optimizer, loss_fn)
        print(f"epoch {epoch}: bce={avg:.4f}")


if __name__ == "__main__":
    main()
