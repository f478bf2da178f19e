"""A toy GAN on 2-D points: the discriminator's real/fake targets are allocated once for speed."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

torch.manual_seed(0)
BATCH = 16
points = torch.randn(70, 2) * 0.5 + 1.0

G = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
D = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
bce = nn.BCEWithLogitsLoss()
opt_d = torch.optim.Adam(D.parameters(), lr=1e-3)
real_y = torch.ones(BATCH, 1)
fake_y = torch.zeros(BATCH, 1)

for real in DataLoader(points, batch_size=BATCH, shuffle=True):
    fake = G(torch.randn(real.size(0), 4)).detach()
    d_loss = bce(D(real), real_y) + bce(D(fake), fake_y)
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
print("d_loss", d_loss.item())
