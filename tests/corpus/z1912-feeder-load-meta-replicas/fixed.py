"""Federated day-ahead load forecasting across distribution feeders.

Each feeder (client) keeps its own half-hourly readings and trains a small GRU
forecaster locally; the server runs FedAvg over the clients' state_dicts.
"""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(7)

FEEDERS = ["north_yard", "harbor", "old_town", "campus"]
SLOTS_PER_DAY = 48        # half-hourly readings
HORIZON = 4               # forecast the next two hours
WEATHER_VARS = 3          # temperature, humidity, cloud cover
HIDDEN = 32
ROUNDS = 3
LOCAL_EPOCHS = 2


def slot_encoding(n_slots, dim):
    pos = torch.arange(n_slots, dtype=torch.float32).unsqueeze(1)
    freq = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(500.0) / dim))
    enc = torch.zeros(n_slots, dim)
    enc[:, 0::2] = torch.sin(pos * freq)
    enc[:, 1::2] = torch.cos(pos * freq)
    return enc


class LoadForecaster(nn.Module):
    def __init__(self, n_inputs, hidden, n_slots, horizon):
        super().__init__()
        self.inp = nn.Linear(n_inputs, hidden)
        self.register_buffer("slot_code", slot_encoding(n_slots, hidden))
        self.mixer = nn.GRU(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, horizon)

    def forward(self, readings):
        h = self.inp(readings) + self.slot_code[: readings.size(1)]
        seq, _ = self.mixer(h)
        return self.head(seq[:, -1])


def make_feeder_data(scale, n_days=40):
    t = torch.arange(SLOTS_PER_DAY, dtype=torch.float32)
    daily = 0.6 + 0.4 * torch.sin((t - 14) / SLOTS_PER_DAY * 2 * math.pi).clamp(min=0)
    windows, targets = [], []
    for _ in range(n_days):
        weather = torch.randn(SLOTS_PER_DAY + HORIZON, WEATHER_VARS) * 0.3
        load = scale * (torch.cat([daily, daily[:HORIZON]]) + 0.2 * weather[:, 0])
        load = load + 0.05 * torch.randn_like(load)
        feats = torch.cat([load.unsqueeze(1), weather], dim=1)
        windows.append(feats[:SLOTS_PER_DAY])
        targets.append(load[SLOTS_PER_DAY:])
    return TensorDataset(torch.stack(windows), torch.stack(targets))


def build_clients():
    clients = {}
    for i, name in enumerate(FEEDERS):
        ds = make_feeder_data(scale=1.0 + 0.3 * i)
        train_ds = TensorDataset(*(t[:32] for t in ds.tensors))
        val_ds = TensorDataset(*(t[32:] for t in ds.tensors))
        clients[name] = {
            "train": DataLoader(train_ds, batch_size=8, shuffle=True),
            "val": DataLoader(val_ds, batch_size=8),
            "n": len(train_ds),
        }
    return clients


def spawn_replica(global_state):
    # replicas are overwritten by the global weights right away,
    # so skip the random init and only allocate storage
    with torch.device("meta"):
        replica = LoadForecaster(1 + WEATHER_VARS, HIDDEN, SLOTS_PER_DAY, HORIZON)
    replica.to_empty(device="cpu")
    replica.load_state_dict(global_state)
    return replica


def local_update(model, loader):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(LOCAL_EPOCHS):
        for readings, future in loader:
            opt.zero_grad()
            loss = F.l1_loss(model(readings), future)
            loss.backward()
            opt.step()
    return model.state_dict()


def fedavg(states, weights):
    total = sum(weights)
    merged = {}
    for key in states[0]:
        merged[key] = sum(s[key] * (w / total) for s, w in zip(states, weights))
    return merged


@torch.no_grad()
def evaluate(model, clients):
    model.eval()
    report = {}
    for name, c in clients.items():
        errs = [F.l1_loss(model(x), y, reduction="sum") for x, y in c["val"]]
        report[name] = (sum(errs) / (len(c["val"].dataset) * HORIZON)).item()
    return report


def main():
    clients = build_clients()
    global_model = LoadForecaster(1 + WEATHER_VARS, HIDDEN, SLOTS_PER_DAY, HORIZON)
    baseline = evaluate(global_model, clients)
    print("round 0 MAE:", {k: round(v, 3) for k, v in baseline.items()})

    for rnd in range(1, ROUNDS + 1):
        global_state = copy.deepcopy(global_model.state_dict())
        states, sizes = [], []
        for name, c in clients.items():
            replica = spawn_replica(global_state)
            states.append(local_update(replica, c["train"]))
            sizes.append(c["n"])
        global_model.load_state_dict(fedavg(states, sizes))
        maes = evaluate(global_model, clients)
        print(f"round {rnd} MAE:", {k: round(v, 3) for k, v in maes.items()})


if __name__ == "__main__":
    main()
