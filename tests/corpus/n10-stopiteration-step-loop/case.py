"""Step-based fine-tuning of a GRU sentiment model (max_steps instead of epochs)."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
MAX_STEPS = 20
BATCH_SIZE = 16


class GRUSentiment(nn.Module):
    def __init__(self, vocab_size=900, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, 2)

    def forward(self, ids):
        _, h = self.gru(self.embed(ids))
        return self.out(h.squeeze(0))


data = TensorDataset(torch.randint(0, 900, (100, 25)), torch.randint(0, 2, (100,)))
loader = DataLoader(data, batch_size=BATCH_SIZE, shuffle=True)
model = GRUSentiment()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, 1.0, 0.0, total_iters=MAX_STEPS)

train_iter = iter(loader)
for step in range(MAX_STEPS):
    ids, labels = next(train_iter)
    loss = nn.functional.cross_entropy(model(ids), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
