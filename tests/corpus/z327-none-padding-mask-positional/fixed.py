"""Predict whether a web-shop browsing session ends in a purchase, from its sequence of page events."""
import argparse
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

EVENT_TYPES = ["<pad>", "home", "search", "category", "product", "reviews", "size_guide",
               "add_to_cart", "remove_from_cart", "cart", "checkout", "promo_banner", "account"]
PAD = 0


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--sessions", type=int, default=600)
    p.add_argument("--max-events", type=int, default=40)
    p.add_argument("--d-model", type=int, default=32)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--seed", type=int, default=3)
    return p.parse_args()


def synth_sessions(n, max_events, rng):
    sessions, bought = [], []
    for _ in range(n):
        length = rng.randint(3, max_events)
        buyer = rng.random() < 0.3
        events = []
        for _ in range(length):
            if buyer and rng.random() < 0.25:
                events.append(rng.choice([7, 9, 10]))
            else:
                events.append(rng.randint(1, len(EVENT_TYPES) - 1))
        sessions.append(events)
        bought.append(int(buyer))
    return sessions, bought


class SessionDataset(Dataset):
    def __init__(self, sessions, bought):
        self.sessions = sessions
        self.bought = bought

    def __len__(self):
        return len(self.sessions)

    def __getitem__(self, idx):
        return torch.tensor(self.sessions[idx]), torch.tensor(self.bought[idx], dtype=torch.float)


def collate(batch):
    seqs, labels = zip(*batch)
    padded = pad_sequence(seqs, batch_first=True, padding_value=PAD)
    return padded, torch.stack(labels)


class SessionEncoder(nn.Module):
    def __init__(self, n_events, d_model, heads, layers, max_events):
        super().__init__()
        self.event_emb = nn.Embedding(n_events, d_model, padding_idx=PAD)
        self.pos_emb = nn.Embedding(max_events, d_model)
        block = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=2 * d_model,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(block, num_layers=layers, enable_nested_tensor=False)
        self.out = nn.Linear(d_model, 1)

    def forward(self, events):
        is_pad = events.eq(PAD)
        positions = torch.arange(events.size(1), device=events.device)
        h = self.event_emb(events) + self.pos_emb(positions)[None]
        h = self.encoder(h, src_key_padding_mask=is_pad)
        keep = (~is_pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(pooled).squeeze(-1)


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    sessions, bought = synth_sessions(args.sessions, args.max_events, rng)
    split = int(0.85 * len(sessions))
    train_dl = DataLoader(SessionDataset(sessions[:split], bought[:split]), batch_size=args.batch_size,
                          shuffle=True, collate_fn=collate)
    test_dl = DataLoader(SessionDataset(sessions[split:], bought[split:]), batch_size=64, collate_fn=collate)

    model = SessionEncoder(len(EVENT_TYPES), args.d_model, args.heads, args.layers, args.max_events)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    bce = nn.BCEWithLogitsLoss()

    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for events, labels in train_dl:
            opt.zero_grad()
            loss = bce(model(events), labels)
            loss.backward()
            opt.step()
            total += loss.item() * len(labels)
        print(f"epoch {epoch} loss {total / split:.4f}")

    model.eval()
    correct = 0
    with torch.no_grad():
        for events, labels in test_dl:
            correct += ((model(events) > 0).float() == labels).sum().item()
    print(f"test accuracy {correct / (len(sessions) - split):.3f}")


if __name__ == "__main__":
    main()
