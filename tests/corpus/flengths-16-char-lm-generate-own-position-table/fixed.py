"""A toy character language model with its own learned positions, and a generation helper."""
import torch
import torch.nn as nn

torch.manual_seed(0)
ALPHABET = "abcdefghijklmnopqrstuvwxyz "


class CharLM(nn.Module):
    def __init__(self, n_chars, width=16, context=12):
        super().__init__()
        self.chars = nn.Embedding(n_chars, width)
        self.where = nn.Embedding(context, width)
        self.head = nn.Linear(width, n_chars)

    def forward(self, codes):
        steps = torch.arange(codes.size(0))
        return self.head(torch.tanh(self.chars(codes) + self.where(steps)))


def continue_text(model, text, n_new):
    codes = torch.tensor([ALPHABET.index(c) for c in text])
    for _ in range(n_new):
        with torch.no_grad():
            nxt = model(codes[-model.where.num_embeddings:])[-1].argmax()
        codes = torch.cat([codes, nxt.view(1)])
    return "".join(ALPHABET[i] for i in codes.tolist())


print(continue_text(CharLM(len(ALPHABET)), "the cat", 10))
