"""Intent detection with a small GRU encoder; the loss is computed inside the model's forward."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
intent2id = {"greet": 0, "book": 1, "cancel": 2, "refund": 3}


class IntentNet(nn.Module):
    def __init__(self, vocab, n_out, dim=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_out)

    def forward(self, ids, mask, labels=None):
        h, _ = self.rnn(self.emb(ids) * mask.unsqueeze(-1))
        scores = self.out(h[:, -1])
        loss = F.cross_entropy(scores, labels) if labels is not None else None
        return loss, scores


utterances = [[4, 8, 15], [16, 23, 42], [4, 4, 9], [7, 3, 1], [9, 9, 2], [5, 6, 7]]
intents = ["greet", "book", "cancel", "refund", "book", "greet"]
x = torch.tensor(utterances)
m = torch.ones_like(x)
y = torch.tensor([intent2id[i] for i in intents])

net = IntentNet(50, 3)
opt = torch.optim.SGD(net.parameters(), lr=0.1)
for epoch in range(3):
    loss, _ = net(x, m, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
print("final loss", loss.item())
