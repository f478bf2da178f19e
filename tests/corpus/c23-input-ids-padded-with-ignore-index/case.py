"""Train a tiny causal LM on recipe steps; collate pads inputs and labels for the loss."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(0)
VOCAB, IGNORE_INDEX = 150, -100


def lm_collate(samples):
    inputs = [s[:-1] for s in samples]
    targets = [s[1:] for s in samples]
    return {
        "input_ids": pad_sequence(inputs, batch_first=True, padding_value=IGNORE_INDEX),
        "labels": pad_sequence(targets, batch_first=True, padding_value=IGNORE_INDEX),
    }


class TinyLM(nn.Module):
    def __init__(self, dim=32):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, dim)
        self.rnn = nn.LSTM(dim, dim, batch_first=True)
        self.lm_head = nn.Linear(dim, VOCAB)

    def forward(self, input_ids):
        hidden, _ = self.rnn(self.embed(input_ids))
        return self.lm_head(hidden)


recipes = [torch.randint(1, VOCAB, (n,)) for n in (9, 14, 6, 11, 8, 12)]
loader = DataLoader(recipes, batch_size=3, collate_fn=lm_collate)
lm = TinyLM()
optim = torch.optim.Adam(lm.parameters(), lr=2e-3)
loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE_INDEX)
for epoch in range(2):
    for batch in loader:
        logits = lm(batch["input_ids"])
        loss = loss_fn(logits.reshape(-1, VOCAB), batch["labels"].reshape(-1))
        optim.zero_grad()
        loss.backward()
        optim.step()
    print(f"epoch {epoch}: loss {loss.item():.3f}")
