"""Review sentiment with a Lightning-style module (training_step / configure_optimizers) and a plain loop."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
N_LEVELS = 3
RAW = "great value,3\nterrible,1\nok i guess,2\nloved it,3\nnot again,1\nfine,2"


def read_rows(text):
    rows = [line.rsplit(",", 1) for line in text.splitlines()]
    feats = torch.stack([torch.tensor([len(t), t.count(" "), sum(map(ord, t)) % 7], dtype=torch.float) for t, _ in rows])
    grades = torch.tensor([int(g) for _, g in rows])
    return feats, grades


class SentimentModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, N_LEVELS))

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return F.cross_entropy(self(x), y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


module = SentimentModule()
optim = module.configure_optimizers()
batch = read_rows(RAW)
for i in range(3):
    loss = module.training_step(batch, i)
    optim.zero_grad()
    loss.backward()
    optim.step()
print("loss", loss.item())
