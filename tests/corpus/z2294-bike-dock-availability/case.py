import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

N_STATIONS = 60
N_DAYS = 10
HOURS_PER_DAY = 24
STATUS = {"empty": 0, "ok": 1, "full": 2}
IGNORE = -100

rng = np.random.default_rng(2024)
torch.manual_seed(2024)


def make_station_days():
    """One record per (station, day): hourly weather/usage features and dock status labels,
    only for the hours the station was in service that day."""
    records = []
    capacity = rng.integers(12, 40, size=N_STATIONS)
    for s in range(N_STATIONS):
        commuter = rng.random() < 0.5
        for d in range(N_DAYS):
            open_h = int(rng.integers(5, 9))
            close_h = int(rng.integers(19, 24))
            hours = np.arange(open_h, close_h)
            temp = 12 + 8 * np.sin((hours - 9) / 24 * 2 * np.pi) + rng.normal(0, 1.5, len(hours))
            rain = (rng.random(len(hours)) < 0.1).astype(np.float32)
            peak = np.exp(-((hours - (8 if commuter else 17)) ** 2) / 4.0)
            net_flow = (peak * rng.normal(4, 2, len(hours)) - rng.normal(0, 2, len(hours))).cumsum()
            bikes = np.clip(capacity[s] / 2 + net_flow, 0, capacity[s])
            fill = bikes / capacity[s]
            status = np.where(fill < 0.1, STATUS["empty"], np.where(fill > 0.9, STATUS["full"], STATUS["ok"]))
            feats = np.stack([
                np.sin(2 * np.pi * hours / 24), np.cos(2 * np.pi * hours / 24),
                (temp - 12) / 8, rain, np.full(len(hours), d % 7 >= 5, dtype=np.float32),
                np.full(len(hours), capacity[s] / 40.0),
            ], axis=1)
            records.append({"station": s, "day": d, "x": feats.astype(np.float32), "status": status})
    return records


class StationDayDataset(Dataset):
    def __init__(self, records):
        self.records = records

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        r = self.records[i]
        return {
            "station": torch.tensor(r["station"]),
            "x": torch.from_numpy(r["x"]),
            "y": torch.from_numpy(r["status"]).long(),
        }


class StationDayCollator:
    def __init__(self, max_hours=HOURS_PER_DAY, ignore_index=IGNORE):
        self.max_hours = max_hours
        self.ignore_index = ignore_index

    def pad_labels(self, labels):
        out = torch.full((len(labels), self.max_hours), self.ignore_index, dtype=torch.long)
        for i, y in enumerate(labels):
            out[i, : len(y)] = y
        return out

    def __call__(self, batch):
        xs = [b["x"] for b in batch]
        lengths = torch.tensor([len(x) for x in xs])
        return {
            "station": torch.stack([b["station"] for b in batch]),
            "x": pad_sequence(xs, batch_first=True),
            "lengths": lengths,
            "y": self.pad_labels([b["y"] for b in batch]),
        }


class DockStatusTagger(nn.Module):
    def __init__(self, n_feats=6, n_stations=N_STATIONS, hidden=48, n_classes=len(STATUS)):
        super().__init__()
        self.station_emb = nn.Embedding(n_stations, 16)
        self.inp = nn.Linear(n_feats + 16, hidden)
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_classes)

    def forward(self, x, station):
        emb = self.station_emb(station)[:, None, :].expand(-1, x.size(1), -1)
        h = torch.relu(self.inp(torch.cat([x, emb], dim=-1)))
        h, _ = self.lstm(h)
        return self.out(h)


def run_epoch(model, loader, opt=None):
    train = opt is not None
    model.train(train)
    tot_loss, n = 0.0, 0
    for batch in loader:
        with torch.set_grad_enabled(train):
            logits = model(batch["x"], batch["station"])
            loss = F.cross_entropy(
                logits.reshape(-1, logits.size(-1)), batch["y"].reshape(-1), ignore_index=IGNORE
            )
        if train:
            opt.zero_grad()
            loss.backward()
            opt.step()
        tot_loss += loss.item()
        n += 1
    return tot_loss / n


def main():
    records = make_station_days()
    train_recs = [r for r in records if r["day"] < 8]
    val_recs = [r for r in records if r["day"] >= 8]
    collate = StationDayCollator()
    train_dl = DataLoader(StationDayDataset(train_recs), batch_size=32, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(StationDayDataset(val_recs), batch_size=64, collate_fn=collate)

    model = DockStatusTagger()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(3):
        tr = run_epoch(model, train_dl, opt)
        va = run_epoch(model, val_dl)
        print(f"epoch {epoch} train_ce={tr:.4f} val_ce={va:.4f}")


if __name__ == "__main__":
    main()
