import torch
from torch import nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)

N_SENSORS = 6
N_STEPS = 200


def make_traffic_readings(n_sensors, n_steps):
    t = torch.arange(n_steps, dtype=torch.float32)
    base = 40 + 15 * torch.sin(2 * torch.pi * t / 48)
    noise = torch.randn(n_sensors, n_steps) * 3
    offsets = torch.linspace(-5, 5, n_sensors)[:, None]
    return base[None, :] + offsets + noise


class SensorWindows(Dataset):
    def __init__(self, readings, timestamps, context=24, horizon=12):
        self.readings = readings
        self.timestamps = timestamps
        self.context = context
        self.horizon = horizon
        self.mean = readings.mean()
        self.std = readings.std()
        self.index = []
        for sensor_id in range(readings.shape[0]):
            for t in range(context, readings.shape[1] - horizon):
                self.index.append((sensor_id, t))

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        sensor_id, t = self.index[i]
        history = (self.readings[sensor_id, t - self.context:t] - self.mean) / self.std
        target = (self.readings[sensor_id, t + self.horizon] - self.mean) / self.std
        hour = self.timestamps[t] % 24
        return history, hour, target


class HorizonRegressor(nn.Module):
    def __init__(self, context, hidden=32):
        super().__init__()
        self.hour_emb = nn.Embedding(24, 8)
        self.net = nn.Sequential(
            nn.Linear(context + 8, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, history, hour):
        feats = torch.cat([history, self.hour_emb(hour)], dim=-1)
        return self.net(feats).squeeze(-1)


def train_one_epoch(model, loader, optimizer):
    model.train()
    total, count = 0.0, 0
    for history, hour, target in loader:
        pred = model(history, hour)
        loss = nn.functional.mse_loss(pred, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * target.size(0)
        count += target.size(0)
    return total / count


def main():
    readings = make_traffic_readings(N_SENSORS, N_STEPS)
    timestamps = torch.arange(N_STEPS)
    dataset = SensorWindows(readings, timestamps, context=24, horizon=12)
    loader = DataLoader(dataset, batch_size=32, shuffle=False)
    model = HorizonRegressor(context=dataset.context)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(2):
        mse = train_one_epoch(model, loader, optimizer)
        print(f"epoch {epoch}: mse={mse:.4f}")


if __name__ == "__main__":
    main()
