"""Paraphrase detector: a model class reads both questions as one sequence; trained with a small loop."""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
N_WORDS, WIDTH = 50, 6


class PairReader(nn.Module):
    def __init__(self, n_words, dim=24):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim)
        self.rnn = nn.LSTM(dim, dim, batch_first=True)
        self.cls = nn.Linear(dim, 2)

    def forward(self, q1, q2):
        joint = torch.cat((q1, q2), dim=1)
        states, _ = self.rnn(self.emb(joint))
        return self.cls(states[:, -1])


def train(model, loader, epochs=2):
    crit = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(epochs):
        for a, b, same in loader:
            out = model(a, b)
            err = crit(out, same)
            opt.zero_grad()
            err.backward()
            opt.step()
    return err.item()


first = torch.randint(1, N_WORDS, (10, WIDTH))
second = torch.randint(1, N_WORDS, (10, WIDTH))
is_dup = torch.randint(0, 2, (10,))
print(train(PairReader(N_WORDS), DataLoader(TensorDataset(first, second, is_dup), batch_size=5)))
