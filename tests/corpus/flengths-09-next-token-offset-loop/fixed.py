"""Bigram statistics from a batch of token ids: each position is paired with the next one."""
import torch


class BigramCounter:
    def __init__(self, vocab):
        self.counts = torch.zeros(vocab, vocab)

    def update(self, toks):
        width = toks.size(1)
        for t in range(toks.size(1) - 1):
            self.counts[toks[:, t], toks[:, t + 1]] += 1


counter = BigramCounter(12)
counter.update(torch.tensor([[1, 4, 5, 2], [1, 7, 3, 2]]))
print(int(counter.counts.sum()))
