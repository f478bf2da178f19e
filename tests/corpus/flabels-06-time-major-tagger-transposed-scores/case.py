"""Chunk tagger with a time-major GRU (seq, batch, features); scores are turned batch-first for a shared loss."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
N_TAGS = 5


def sequence_loss(scores, gold):
    return F.cross_entropy(scores, gold, ignore_index=-100)


class Tagger(nn.Module):
    def __init__(self, n_words, n_tags, hid=16):
        super().__init__()
        self.emb = nn.Embedding(n_words, hid)
        self.gru = nn.GRU(hid, hid)
        self.proj = nn.Linear(hid, n_tags)

    def forward(self, words):  # words: (seq, batch)
        h, _ = self.gru(self.emb(words))
        return self.proj(h)


tagger = Tagger(60, N_TAGS)
words = torch.randint(0, 60, (9, 3))
tags = torch.randint(0, N_TAGS, (3, 9))
scores = tagger(words)
print(sequence_loss(scores.transpose(0, 1), tags).item())
