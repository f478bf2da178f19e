import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

# grains per m^3, bucketed into pollen advisory levels
EDGES = [10.0, 20.0, 40.0]

HP = {
    "n_bins": len(EDGES) + 1,
    "hidden": 32,
    "lr": 1e-2,
    "epochs": 3,
    "batch_size": 16,
}

FEATURES = ["temp_c", "humidity", "wind_kmh", "rain_mm", "day_of_year"]


def synth_station_days(n=120):
    temp = torch.rand(n) * 25 + 5
    humidity = torch.rand(n) * 60 + 30
    wind = torch.rand(n) * 30
    rain = torch.relu(torch.randn(n) * 4)
    doy = torch.randint(60, 240, (n,)).float()
    pollen = 1.8 * temp + 0.6 * wind - 2.5 * rain - 0.2 * (humidity - 50) + torch.randn(n) * 5
    pollen = pollen.clamp(min=0.0)
    X = torch.stack([temp, humidity, wind, rain, doy], dim=1)
    return X, pollen


class PollenDays(Dataset):
    def __init__(self, X, pollen):
        mean, std = X.mean(0), X.std(0)
        self.X = (X - mean) / std
        self.y = torch.bucketize(pollen, torch.tensor(EDGES))

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


class LevelNet(nn.Module):
    def __init__(self, dim, hidden, n_out):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU())
        self.head = nn.Linear(hidden, n_out)

    def forward(self, x):
        return self.head(self.body(x))


def train(model, loader, hp):
    opt = torch.optim.Adam(model.parameters(), lr=hp["lr"])
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(hp["epochs"]):
        total, correct, running = 0, 0, 0.0
        for xb, yb in loader:
            logits = model(xb)
            loss = loss_fn(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(yb)
            correct += (logits.argmax(1) == yb).sum().item()
            total += len(yb)
        print(f"epoch {epoch}: loss {running / total:.3f}  acc {correct / total:.2f}")


def main():
    X, pollen = synth_station_days()
    ds = PollenDays(X, pollen)
    print(f"{len(ds)} station-days, pollen range {pollen.min():.1f}-{pollen.max():.1f}")
    loader = DataLoader(ds, batch_size=HP["batch_size"], shuffle=True)
    model = LevelNet(len(FEATURES), HP["hidden"], HP["n_bins"])
    train(model, loader, HP)


if __name__ == "__main__":
    main()
