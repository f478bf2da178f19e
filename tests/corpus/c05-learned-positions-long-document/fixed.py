"""Tiny transformer encoder that scores support tickets for urgency.

Tokens come from a whitespace vocabulary built on the training tickets.
"""
import torch
import torch.nn as nn

torch.manual_seed(0)
MAX_POSITIONS = 64


class UrgencyEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32, max_len=MAX_POSITIONS):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.score = nn.Linear(dim, 1)

    def forward(self, ids):
        seq_len = ids.size(1)
        positions = torch.arange(seq_len, device=ids.device).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions)
        return self.score(self.encoder(h).mean(1)).squeeze(-1)


def encode(text, vocab):
    return [vocab.get(w, 1) for w in text.lower().split()]


train_text = "printer is down again please help asap server crashed login fails email not syncing"
vocab = {w: i + 2 for i, w in enumerate(sorted(set(train_text.split())))}
ticket = ("server crashed again and login fails for everyone " * 10).strip()

ids = encode(ticket, vocab)[:MAX_POSITIONS]
model = UrgencyEncoder(vocab_size=len(vocab) + 2).eval()
with torch.no_grad():
    urgency = torch.sigmoid(model(torch.tensor([ids])))
print(f"urgency score: {urgency.item():.3f}")
