import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

EVENT_TYPES = [
    "pass", "carry", "dribble", "shot", "tackle", "interception",
    "clearance", "foul", "duel", "cross", "goal_kick",
]
EVENT2IDX = {e: i for i, e in enumerate(EVENT_TYPES)}
N_EVENT_TYPES = len(EVENT_TYPES)

WINDOW = 40          # events per possession window
N_MATCHES = 14
EVENTS_PER_MATCH = 600


def simulate_match(n_events):
    """Fake an event stream: type, team flag, pitch x/y (0-105, 0-68), seconds since previous event."""
    probs = np.array([0.42, 0.14, 0.05, 0.02, 0.06, 0.05, 0.04, 0.03, 0.12, 0.04, 0.03])
    types = np.random.choice(N_EVENT_TYPES, size=n_events, p=probs / probs.sum())
    team = np.random.randint(0, 2, size=n_events)
    x = np.random.uniform(0, 105, size=n_events)
    y = np.random.uniform(0, 68, size=n_events)
    dt = np.random.exponential(3.0, size=n_events)
    return types, team, x, y, dt


class MatchEventWindows(Dataset):
    """Sliding windows over event streams; target at step t is the type of event t+1."""

    def __init__(self, matches, window=WINDOW, stride=20):
        self.samples = []
        for types, team, x, y, dt in matches:
            cont = np.stack([team, x / 105.0, y / 68.0, np.log1p(dt)], axis=1).astype(np.float32)
            for start in range(0, len(types) - window - 1, stride):
                sl = slice(start, start + window)
                nxt = slice(start + 1, start + window + 1)
                self.samples.append((types[sl], cont[sl], types[nxt]))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        ev, cont, target = self.samples[idx]
        return (
            torch.as_tensor(ev, dtype=torch.long),
            torch.from_numpy(cont),
            torch.as_tensor(target, dtype=torch.long),
        )


class NextEventTagger(nn.Module):
    def __init__(self, n_types, n_cont=4, emb_dim=24, hidden=64, dropout=0.1):
        super().__init__()
        self.event_emb = nn.Embedding(n_types, emb_dim)
        self.cont_proj = nn.Linear(n_cont, emb_dim)
        self.encoder = nn.GRU(emb_dim, hidden, num_layers=2, batch_first=True, dropout=dropout)
        self.head = nn.Sequential(
            nn.LayerNorm(hidden),
            nn.Linear(hidden, hidden),
            nn.GELU(),
            nn.Linear(hidden, n_types),
        )

    def forward(self, event_ids, cont):
        h = self.event_emb(event_ids) + self.cont_proj(cont)
        h, _ = self.encoder(h)
        return self.head(h)


def run_epoch(model, loader, criterion, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total, correct, n_tok = 0.0, 0, 0
    for event_ids, cont, targets in loader:
        logits = model(event_ids, cont)
        loss = criterion(logits.permute(0, 2, 1), targets)
        if training:
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
        total += loss.item() * targets.numel()
        correct += (logits.argmax(-1) == targets).sum().item()
        n_tok += targets.numel()
    return total / n_tok, correct / n_tok


def main():
    matches = [simulate_match(EVENTS_PER_MATCH) for _ in range(N_MATCHES)]
    train_ds = MatchEventWindows(matches[:11])
    val_ds = MatchEventWindows(matches[11:])
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=64)

    model = NextEventTagger(N_EVENT_TYPES)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)

    for epoch in range(2):
        tr_loss, tr_acc = run_epoch(model, train_dl, criterion, optimizer)
        with torch.no_grad():
            va_loss, va_acc = run_epoch(model, val_dl, criterion)
        print(f"epoch {epoch}: train loss {tr_loss:.3f} acc {tr_acc:.3f} | val loss {va_loss:.3f} acc {va_acc:.3f}")


if __name__ == "__main__":
    main()
