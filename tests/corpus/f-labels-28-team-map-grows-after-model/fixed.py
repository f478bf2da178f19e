"""Ticket routing: each support ticket goes to a team; team ids are handed out as the teams are seen."""
import torch
from torch import nn

torch.manual_seed(0)
TRAIN = [("refund not received", "billing"), ("app crashes on login", "tech"), ("charged twice", "billing"),
         ("cannot upload photo", "tech")]
TEST = [("invoice address wrong", "billing"), ("want to cancel my plan", "retention")]


def encode(rows, vocab, team_ids):
    xs = torch.zeros(len(rows), len(vocab))
    ys = []
    for i, (text, team) in enumerate(rows):
        for w in text.split():
            if w in vocab:
                xs[i, vocab[w]] = 1.0
        if team not in team_ids:
            team_ids[team] = len(team_ids)
        ys.append(team_ids[team])
    return xs, torch.tensor(ys)


class Router(nn.Module):
    def __init__(self, n_words, num_classes):
        super().__init__()
        self.out = nn.Linear(n_words, num_classes)

    def forward(self, x):
        return self.out(x)


vocab = {w: i for i, w in enumerate(sorted({w for t, _ in TRAIN for w in t.split()}))}
team_ids = {team: i for i, team in enumerate(dict.fromkeys(team for _, team in TRAIN + TEST))}
x_train, y_train = encode(TRAIN, vocab, team_ids)
model = Router(len(vocab), num_classes=len(team_ids))
opt = torch.optim.SGD(model.parameters(), lr=0.5)
for _ in range(5):
    loss = nn.functional.cross_entropy(model(x_train), y_train)
    opt.zero_grad()
    loss.backward()
    opt.step()
x_test, y_test = encode(TEST, vocab, team_ids)
print("test loss", nn.functional.cross_entropy(model(x_test), y_test).item())
