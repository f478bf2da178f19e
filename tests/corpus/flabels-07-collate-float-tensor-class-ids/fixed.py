"""Topic classifier trained by a small Trainer class; the collate function builds the targets with torch.Tensor."""
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader

torch.manual_seed(0)
samples = [([3, 8, 2], 0), ([7, 1, 1], 2), ([4, 4, 9], 1), ([5, 2, 6], 2)]


def collate(items):
    xs = torch.stack([torch.tensor(ids) for ids, _ in items])
    ys = torch.tensor([topic for _, topic in items])
    return xs, ys


class Trainer:
    def __init__(self, net, lr=0.1):
        self.net, self.opt = net, torch.optim.SGD(net.parameters(), lr=lr)

    def training_step(self, batch):
        xs, ys = batch
        scores = self.net(xs)
        loss = F.cross_entropy(scores, ys)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()


net = nn.Sequential(nn.EmbeddingBag(10, 8), nn.Linear(8, 3))
trainer = Trainer(net)
for batch in DataLoader(samples, batch_size=2, collate_fn=collate):
    print(trainer.training_step(batch))
