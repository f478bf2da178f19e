"""Word-level LSTM language model trained with truncated BPTT over a long token stream."""
import torch
import torch.nn as nn

torch.manual_seed(0)
VOCAB_SIZE = 500
BPTT = 20
BATCH_SIZE = 4


class LSTMLanguageModel(nn.Module):
    def __init__(self, dim=64):
        super().__init__()
        self.embed = nn.Embedding(VOCAB_SIZE, dim)
        self.lstm = nn.LSTM(dim, dim, batch_first=True)
        self.decoder = nn.Linear(dim, VOCAB_SIZE)

    def forward(self, ids, hidden=None):
        out, hidden = self.lstm(self.embed(ids), hidden)
        return self.decoder(out), hidden


stream = torch.randint(0, VOCAB_SIZE, (BATCH_SIZE, 5 * BPTT + 1))
model = LSTMLanguageModel()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
hidden = None
for start in range(0, stream.size(1) - 1, BPTT):
    inputs = stream[:, start : start + BPTT]
    targets = stream[:, start + 1 : start + 1 + BPTT]
    logits, hidden = model(inputs, hidden)
    hidden = tuple(h.detach() for h in hidden)
    loss = nn.functional.cross_entropy(logits.reshape(-1, VOCAB_SIZE), targets.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 0.25)
    optimizer.step()
