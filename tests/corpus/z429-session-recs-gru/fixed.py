from dataclasses import dataclass
import random

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class RecConfig:
    n_items: int = 300
    max_session_len: int = 12
    emb_dim: int = 48
    hidden: int = 64
    batch_size: int = 8
    epochs: int = 3
    lr: float = 1e-3
    pad_id: int = 0
    seed: int = 7


cfg = RecConfig()
random.seed(cfg.seed)
torch.manual_seed(cfg.seed)


def make_fake_sessions(n_sessions, cfg):
    """Click sessions as lists of item ids (1..n_items-1, 0 is padding)."""
    sessions = []
    for _ in range(n_sessions):
        length = random.randint(3, cfg.max_session_len + 1)
        sessions.append([random.randint(1, cfg.n_items - 1) for _ in range(length)])
    return sessions


def session_to_example(session, cfg):
    # predict the last click from the preceding ones
    history, target = session[:-1], session[-1]
    history = history[-cfg.max_session_len:]
    return history, target


def batchify(examples, cfg):
    histories = torch.zeros(len(examples), cfg.max_session_len, dtype=torch.long)
    lengths = torch.zeros(len(examples), dtype=torch.long)
    targets = torch.tensor([tgt for _, tgt in examples], dtype=torch.long)
    for row, (hist, _) in enumerate(examples):
        # left-align history, pad on the right
        histories[row, : len(hist)] = torch.tensor(hist)
        lengths[row] = len(hist)
    return histories, lengths, targets


class GRU4Rec(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.item_emb = nn.Embedding(cfg.n_items, cfg.emb_dim, padding_idx=cfg.pad_id)
        self.gru = nn.GRU(cfg.emb_dim, cfg.hidden, batch_first=True)
        self.out = nn.Linear(cfg.hidden, cfg.n_items)

    def forward(self, histories, lengths):
        x = self.item_emb(histories)
        out, _ = self.gru(x)
        # take hidden state at the last real click of each session
        last = out[torch.arange(out.size(0)), lengths - 1]
        return self.out(last)


def recall_at_k(logits, targets, k=20):
    topk = logits.topk(k, dim=-1).indices
    return (topk == targets.unsqueeze(1)).any(dim=1).float().mean().item()


sessions = make_fake_sessions(64, cfg)
examples = [session_to_example(s, cfg) for s in sessions]
train_ex, test_ex = examples[:48], examples[48:]

model = GRU4Rec(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

for epoch in range(cfg.epochs):
    random.shuffle(train_ex)
    model.train()
    epoch_loss = 0.0
    n_batches = 0
    for start in range(0, len(train_ex), cfg.batch_size):
        chunk = train_ex[start : start + cfg.batch_size]
        histories, lengths, targets = batchify(chunk, cfg)
        logits = model(histories, lengths)
        loss = F.cross_entropy(logits, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss += loss.item()
        n_batches += 1
    print(f"epoch {epoch + 1}/{cfg.epochs} loss={epoch_loss / n_batches:.4f}")

model.eval()
with torch.no_grad():
    histories, lengths, targets = batchify(test_ex, cfg)
    scores = model(histories, lengths)
    print(f"test recall@20: {recall_at_k(scores, targets):.3f}")
