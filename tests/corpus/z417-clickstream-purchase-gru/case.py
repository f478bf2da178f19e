#!/usr/bin/env python
"""Predict whether a shop session ends in a purchase from its page trail.

Each session is a (max_steps, 2) array: column 0 is the catalogue page id,
column 1 the dwell time on that page in seconds.
"""
import argparse

import numpy as np
import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-sessions", type=int, default=128)
    p.add_argument("--n-pages", type=int, default=300)
    p.add_argument("--max-steps", type=int, default=24)
    p.add_argument("--emb-dim", type=int, default=32)
    p.add_argument("--hidden", type=int, default=48)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args()


def simulate_sessions(args):
    rng = np.random.default_rng(args.seed)
    sessions = np.zeros((args.n_sessions, args.max_steps, 2))
    lengths = rng.integers(3, args.max_steps + 1, size=args.n_sessions)
    bought = np.zeros(args.n_sessions, dtype=np.float32)
    checkout_pages = set(range(args.n_pages - 10, args.n_pages))
    for s, n in enumerate(lengths):
        pages = rng.integers(1, args.n_pages, size=n)
        dwell = rng.gamma(2.0, 15.0, size=n)
        sessions[s, :n, 0] = pages
        sessions[s, :n, 1] = dwell
        bought[s] = float(any(p in checkout_pages for p in pages) and dwell.mean() > 20)
    return sessions, lengths, bought


class SessionData(Dataset):
    def __init__(self, sessions, lengths, bought):
        self.sessions = sessions
        self.lengths = lengths
        self.bought = bought

    def __len__(self):
        return len(self.bought)

    def __getitem__(self, i):
        trail = torch.from_numpy(self.sessions[i])
        return {
            "pages": trail[:, 0],
            "dwell": torch.log1p(trail[:, 1]).float(),
            "length": int(self.lengths[i]),
            "bought": torch.tensor(self.bought[i]),
        }


class PurchaseGRU(nn.Module):
    def __init__(self, n_pages, emb_dim, hidden):
        super().__init__()
        self.page_emb = nn.Embedding(n_pages, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim + 1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, pages, dwell, length):
        x = torch.cat([self.page_emb(pages), dwell.unsqueeze(-1)], dim=-1)
        packed = nn.utils.rnn.pack_padded_sequence(x, length.cpu(), batch_first=True,
                                                   enforce_sorted=False)
        _, h = self.gru(packed)
        return self.head(h[-1]).squeeze(-1)


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    accelerator = Accelerator(cpu=True)

    sessions, lengths, bought = simulate_sessions(args)
    split = int(0.8 * len(bought))
    train_dl = DataLoader(SessionData(sessions[:split], lengths[:split], bought[:split]),
                          batch_size=args.batch_size, shuffle=True)
    val_dl = DataLoader(SessionData(sessions[split:], lengths[split:], bought[split:]),
                        batch_size=args.batch_size)

    model = PurchaseGRU(args.n_pages, args.emb_dim, args.hidden)
    optim = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    model, optim, train_dl, val_dl = accelerator.prepare(model, optim, train_dl, val_dl)

    for epoch in range(args.epochs):
        model.train()
        running = 0.0
        for batch in train_dl:
            logits = model(batch["pages"], batch["dwell"], batch["length"])
            loss = loss_fn(logits, batch["bought"])
            optim.zero_grad()
            accelerator.backward(loss)
            optim.step()
            running += loss.item()

        model.eval()
        correct = total = 0
        with torch.no_grad():
            for batch in val_dl:
                logits = model(batch["pages"], batch["dwell"], batch["length"])
                preds, gold = accelerator.gather_for_metrics(((logits > 0).float(), batch["bought"]))
                correct += (preds == gold).sum().item()
                total += gold.numel()
        accelerator.print(f"epoch {epoch}: train loss {running / len(train_dl):.4f} "
                          f"val acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
