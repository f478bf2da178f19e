"""Toxicity flags with a GRU over characters; short messages are skipped when the batch is prepared."""
import torch
import torch.nn as nn

torch.manual_seed(0)
MESSAGES = [("you are great", 0), ("ok", 0), ("get lost idiot", 1), ("thanks a lot", 0),
            ("k", 0), ("nobody likes you", 1), ("see you soon", 0)]


class CharGRU(nn.Module):
    def __init__(self, n_chars=128, dim=16):
        super().__init__()
        self.emb = nn.Embedding(n_chars, dim)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, 1)

    def forward(self, codes):
        _, h = self.gru(self.emb(codes))
        return self.out(h[-1]).squeeze(-1)


def prepare(rows, min_chars=3):
    kept = {text: ord(text[0]) for text, _ in rows if len(text) >= min_chars}
    width = max(len(t) for t in kept)
    codes = torch.tensor([[ord(c) for c in t.ljust(width)] for t in kept])
    flags = torch.tensor([float(toxic) for _, toxic in rows])
    return codes, flags


model = CharGRU()
codes, flags = prepare(MESSAGES)
loss = nn.BCEWithLogitsLoss()(model(codes), flags)
loss.backward()
print("loss", loss.item())
