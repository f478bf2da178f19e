"""Sarcasm detector: one shared `run_batch` helper is used by both training and evaluation."""
import torch
import torch.nn as nn

torch.manual_seed(0)


class SarcasmDetector(nn.Module):
    def __init__(self, vocab_size=1200, dim=48):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, 2)

    def forward(self, ids):
        _, (h, _) = self.lstm(self.embed(ids))
        return self.out(h[-1])


def run_batch(model, ids, labels):
    logits = model(ids)
    loss = nn.functional.cross_entropy(logits, labels)
    return loss, logits.argmax(-1)


model = SarcasmDetector()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for step in range(4):
    ids = torch.randint(1, 1200, (8, 20))
    labels = torch.randint(0, 2, (8,))
    model.train()
    loss, preds = run_batch(model, ids, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
