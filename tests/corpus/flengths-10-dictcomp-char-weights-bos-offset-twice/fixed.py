"""Which characters of a word a tiny char scorer attends to; the sequence starts with a <bos> symbol."""
import torch

torch.manual_seed(0)
BOS = 1


class CharScorer(torch.nn.Module):
    def __init__(self, dim=8):
        super().__init__()
        self.table = torch.nn.Embedding(64, dim)
        self.proj = torch.nn.Linear(dim, 1)

    def forward(self, word):
        ids = torch.tensor([BOS] + [ord(c) % 60 + 2 for c in word])
        return self.proj(self.table(ids)).squeeze(-1).softmax(0)


scorer = CharScorer().eval()


def explain(word):
    with torch.no_grad():
        w = scorer(word)
    body = w[1:]  # without <bos>
    return {ch: round(float(body[k]), 3) for k, ch in enumerate(word)}


print(explain("token"))
