import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

N_SENSORS = 6
WINDOW = 50
CONV_CHANNELS = 24
N_ACTIVITIES = 5


class TemporalConvEncoder(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.conv_a = nn.Conv1d(in_ch, out_ch, kernel_size=5, padding=2)
        self.conv_b = nn.Conv1d(out_ch, out_ch, kernel_size=3, padding=1)

    def forward(self, readings):
        h = readings.transpose(1, 2)
        h = F.gelu(self.conv_a(h))
        h = F.gelu(self.conv_b(h))
        return h.transpose(1, 2)


class ActivityTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = TemporalConvEncoder(N_SENSORS, CONV_CHANNELS)
        self.norm = nn.LayerNorm(CONV_CHANNELS)
        self.step_head = nn.Linear(CONV_CHANNELS, N_ACTIVITIES)

    def forward(self, readings):
        feats = self.norm(self.encoder(readings))
        feats = feats.transpose(1, 2)
        return self.step_head(feats)


def make_loader():
    g = torch.Generator().manual_seed(0)
    signals = torch.randn(32, WINDOW, N_SENSORS, generator=g)
    tags = torch.randint(0, N_ACTIVITIES, (32, WINDOW), generator=g)
    return DataLoader(TensorDataset(signals, tags), batch_size=4, shuffle=True)


def train_epoch(model, loader, opt):
    model.train()
    total = 0.0
    for signals, tags in loader:
        logits = model(signals)
        loss = F.cross_entropy(logits.reshape(-1, N_ACTIVITIES), tags.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    return total / len(loader)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = ActivityTagger()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = make_loader()
    for epoch in range(2):
        print(f"epoch {epoch}: loss {train_epoch(model, loader, opt):.4f}")
