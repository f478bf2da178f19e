"""Wine quality: predict the grape variety (8 classes) and the quality band (4 classes) from lab measurements."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
N = 96
measurements = torch.randn(N, 11)
variety = torch.randint(0, 8, (N,))
band = torch.randint(0, 4, (N,))


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(11, 32), nn.ReLU())
        self.variety = nn.Linear(32, 8)
        self.band = nn.Linear(32, 4)

    def forward(self, x):
        h = self.body(x)
        return F.log_softmax(self.variety(h), -1), F.log_softmax(self.band(h), -1)


net = TwoHeads()
opt = torch.optim.SGD(net.parameters(), lr=0.05)
for i in range(0, N, 24):
    x, y_var, y_band = measurements[i:i + 24], variety[i:i + 24], band[i:i + 24]
    lp_var, lp_band = net(x)
    loss = F.nll_loss(lp_var, y_var)
    loss = loss + 0.5 * F.nll_loss(lp_band, y_band)
    opt.zero_grad()
    loss.backward()
    opt.step()
print("loss", loss.item())
