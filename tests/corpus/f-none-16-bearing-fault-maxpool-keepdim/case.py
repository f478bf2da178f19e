import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

N_CHANNELS = 3
N_STEPS = 120
FAULT_CLASSES = ["healthy", "inner_race", "outer_race", "ball", "cage"]


def make_vibration_logs(n_runs):
    t = torch.linspace(0, 6.28, N_STEPS)
    labels = torch.randint(0, len(FAULT_CLASSES), (n_runs,))
    freq = (labels.float() + 1.0).view(-1, 1, 1)
    signal = torch.sin(freq * t.view(1, -1, 1)).repeat(1, 1, N_CHANNELS)
    noise = 0.3 * torch.randn(n_runs, N_STEPS, N_CHANNELS)
    return signal + noise, labels


class BearingFaultNet(nn.Module):
    def __init__(self, n_channels, hidden, n_classes):
        super().__init__()
        self.conv = nn.Conv1d(n_channels, hidden, kernel_size=7, padding=3)
        self.proj = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, n_classes)

    def forward(self, readings):
        feats = F.gelu(self.conv(readings.transpose(1, 2))).transpose(1, 2)
        feats = F.gelu(self.proj(feats))
        peak = feats.max(dim=1, keepdim=True).values
        return self.classifier(peak)


def train_epoch(model, loader, optimizer):
    model.train()
    total = 0.0
    for readings, fault in loader:
        logits = model(readings)
        loss = F.cross_entropy(logits, fault)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * readings.size(0)
    return total / len(loader.dataset)


def main():
    readings, faults = make_vibration_logs(256)
    loader = DataLoader(TensorDataset(readings, faults), batch_size=32, shuffle=True)
    model = BearingFaultNet(N_CHANNELS, hidden=32, n_classes=len(FAULT_CLASSES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for epoch in range(3):
        avg = train_epoch(model, loader, optimizer)
        print(f"epoch {epoch} loss {avg:.4f}")


if __name__ == "__main__":
    main()
