"""Residual MLP over sentence features.

DEVICE is CUDA when available; on CPU-only machines the meta device stands in
for the accelerator."""
import torch
import torch.nn as nn

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "meta")


class ResidualMLP(nn.Module):
    def __init__(self, n_in=16, dim=32, depth=3, n_out=4):
        super().__init__()
        self.inp = nn.Linear(n_in, dim)
        self.blocks = nn.ModuleList([nn.Sequential(nn.Linear(dim, dim), nn.GELU()) for _ in range(depth)])
        self.head = nn.Linear(dim, n_out)

    def forward(self, feats):
        h = self.inp(feats)
        for block in self.blocks:
            h = h + block(h)
        return self.head(h)


model = ResidualMLP().to(DEVICE)
feats = torch.randn(8, 16, device=DEVICE)
out = model(feats)
print("out", tuple(out.shape), "on", out.device)
