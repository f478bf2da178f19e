"""Character-level language ID per character (which script each char belongs to), trained with NLL loss."""
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

torch.manual_seed(0)
SAMPLES = [("hello", [0, 0, 0, 0, 0]), ("привет", [1, 1, 1, 1, 1, 1]), ("ok да", [0, 0, 2, 1, 1])]


class CharSet(torch.utils.data.Dataset):
    def __init__(self, samples):
        self.samples = samples

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        text, tags = self.samples[idx]
        return [min(ord(c), 1199) for c in text], tags


net = nn.Sequential(nn.Embedding(1200, 8), nn.Linear(8, 3), nn.LogSoftmax(-1))
opt = torch.optim.SGD(net.parameters(), lr=0.1)
batches = DataLoader(CharSet(SAMPLES), batch_size=3)
for chars, y in batches:
    out = net(chars)
    loss = F.nll_loss(out.flatten(0, 1), y.flatten())
    opt.zero_grad()
    loss.backward()
    opt.step()
print(round(loss.item(), 3))
