import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class LoadForecastDataset(Dataset):
    def __init__(self, readings, context, horizon):
        self.readings = torch.as_tensor(readings, dtype=torch.float32)
        self.context = context
        self.horizon = horizon

    def __len__(self):
        return len(self.readings) - self.context

    def __getitem__(self, idx):
        history = self.readings[idx: idx + self.context]
        target = self.readings[idx + self.context + self.horizon - 1]
        return history.unsqueeze(-1), target.unsqueeze(0)


def make_load_curve(hours):
    t = torch.arange(hours, dtype=torch.float32)
    daily = torch.sin(2 * math.pi * t / 24)
    weekly = 0.3 * torch.sin(2 * math.pi * t / (24 * 7))
    return 1.0 + daily + weekly + 0.05 * torch.randn(hours)


class LoadForecaster(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.encoder = nn.LSTM(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, history):
        _, (h_n, _) = self.encoder(history)
        return self.head(h_n[-1])


def main():
    torch.manual_seed(0)
    curve = make_load_curve(240)
    dataset = LoadForecastDataset(curve, context=24, horizon=2)
    loader = DataLoader(dataset, batch_size=32, shuffle=False)
    model = LoadForecaster()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.MSELoss()

    for epoch in range(2):
        total = 0.0
        for history, target in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(history), target)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(history)
        print(f"epoch {epoch}: mse={total / len(dataset):.4f}")


if __name__ == "__main__":
    main()
