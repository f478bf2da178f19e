"""Paraphrase detection training loop over (sentence_a, sentence_b, label) triples."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


class ParaphraseScorer(nn.Module):
    def __init__(self, vocab_size=600, dim=32):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab_size, dim)
        self.out = nn.Linear(2 * dim, 2)

    def forward(self, ids_a, ids_b):
        return self.out(torch.cat([self.embed(ids_a), self.embed(ids_b)], dim=-1))


def build_dataset(n=32, seq_len=14):
    ids_a = torch.randint(0, 600, (n, seq_len))
    ids_b = torch.randint(0, 600, (n, seq_len))
    labels = torch.randint(0, 2, (n,))
    return TensorDataset(ids_a, ids_b, labels)


def train_epoch(model, loader, optimizer):
    model.train()
    for inputs, labels in loader:
        logits = model(*inputs)
        loss = nn.functional.cross_entropy(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


model = ParaphraseScorer()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
train_epoch(model, DataLoader(build_dataset(), batch_size=8, shuffle=True), optimizer)
