"""Language-identification classifier over character n-gram ids: training loop."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
NUM_LANGS = 10


class CharNgramClassifier(nn.Module):
    def __init__(self, num_buckets=4096, dim=64):
        super().__init__()
        self.bag = nn.EmbeddingBag(num_buckets, dim, mode="sum")
        self.out = nn.Linear(dim, NUM_LANGS)

    def forward(self, ngram_ids):
        return self.out(torch.tanh(self.bag(ngram_ids)))


def train(model, loader, epochs=2):
    optimizer = torch.optim.Adagrad(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for ngram_ids, lang in loader:
            logits = model(ngram_ids)
            loss = loss_fn(logits, lang)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


data = TensorDataset(torch.randint(0, 4096, (48, 30)), torch.randint(0, NUM_LANGS, (48,)))
train(CharNgramClassifier(), DataLoader(data, batch_size=12, shuffle=True))
