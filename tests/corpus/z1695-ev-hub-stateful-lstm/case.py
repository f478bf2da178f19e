"""One-hour-ahead energy demand at public EV fast-charging hubs.

Ported from our old Keras model (stateful LSTM): the hourly series of each hub is
walked in 48 h chunks with truncated BPTT, carrying the LSTM state from chunk to
chunk so the model sees the whole history without unrolling it all at once.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

torch.manual_seed(5)
rng = np.random.default_rng(5)

N_HUBS = 38
N_HOURS = 24 * 56
HUBS_PER_BATCH = 16
CHUNK_H = 48
HOLIDAYS = {17, 38}


def simulate_hubs():
    hours = np.arange(N_HOURS)
    hod, day = hours % 24, hours // 24
    dow = day % 7
    holiday = np.isin(day, list(HOLIDAYS)).astype(np.float32)
    commute = np.exp(-((hod - 8) ** 2) / 3) + 1.3 * np.exp(-((hod - 18) ** 2) / 5)
    leisure = np.exp(-((hod - 14) ** 2) / 10)
    kwh = np.empty((N_HUBS, N_HOURS), dtype=np.float32)
    for k in range(N_HUBS):
        stalls = rng.integers(4, 16)
        highway = rng.uniform(0, 1)
        workday = (dow < 5) & (holiday == 0)
        profile = np.where(workday, (1 - highway) * commute + highway * leisure, 0.4 + highway * 1.5 * leisure)
        growth = 1 + 0.004 * day
        kwh[k] = stalls * 22 * profile * growth + rng.gamma(1.5, 4.0, N_HOURS)
    calendar = np.stack([hod, dow], -1)
    return kwh, calendar, holiday


class StatefulChargeLSTM(nn.Module):
    def __init__(self, batch_size, hidden=48):
        super().__init__()
        self.batch_size = batch_size
        self.hidden = hidden
        self.hod = nn.Embedding(24, 6)
        self.dow = nn.Embedding(7, 4)
        self.lstm = nn.LSTM(1 + 1 + 6 + 4, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)
        self.reset_state()

    def reset_state(self):
        zeros = torch.zeros(1, self.batch_size, self.hidden)
        self.state = (zeros, zeros.clone())

    def detach_state(self):
        self.state = tuple(s.detach() for s in self.state)

    def forward(self, load, cal, holiday):
        b, t = load.shape
        x = torch.cat([load[..., None], holiday[None, :, None].expand(b, t, 1),
                       self.hod(cal[:, 0]).expand(b, t, -1), self.dow(cal[:, 1]).expand(b, t, -1)], -1)
        y, self.state = self.lstm(x, self.state)
        return self.out(y).squeeze(-1)


def run_hub_batch(model, series, cal, holiday, opt=None):
    model.reset_state()
    inputs, targets = series[:, :-1], series[:, 1:]
    cal, holiday = cal[:-1], holiday[:-1]
    abs_err, count = 0.0, 0
    for s0 in range(0, inputs.size(1), CHUNK_H):
        sl = slice(s0, s0 + CHUNK_H)
        pred = model(inputs[:, sl], cal[sl], holiday[sl])
        loss = nn.functional.smooth_l1_loss(pred, targets[:, sl])
        if opt is not None:
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.detach_state()
        abs_err += (pred - targets[:, sl]).abs().sum().item()
        count += pred.numel()
    return abs_err / count


def main():
    kwh, calendar, holiday = simulate_hubs()
    scale = float(kwh.mean())
    series = torch.from_numpy(kwh / scale)
    cal = torch.from_numpy(calendar).long()
    hol = torch.from_numpy(holiday)
    hubs = DataLoader(torch.arange(N_HUBS), batch_size=HUBS_PER_BATCH, shuffle=True)
    print(f"{N_HUBS} hubs x {N_HOURS} h, mean {scale:.1f} kWh/h, {len(hubs)} hub batches")

    model = StatefulChargeLSTM(batch_size=HUBS_PER_BATCH)
    opt = torch.optim.Adam(model.parameters(), lr=4e-3)
    for epoch in range(3):
        model.train()
        maes = [run_hub_batch(model, series[ids], cal, hol, opt) for ids in hubs]
        print(f"epoch {epoch}: train MAE {scale * np.mean(maes):.2f} kWh")

    model.eval()
    with torch.no_grad():
        maes = [run_hub_batch(model, series[ids], cal, hol) for ids in hubs]
    print(f"one-step MAE {scale * np.mean(maes):.2f} kWh")


if __name__ == "__main__":
    main()
