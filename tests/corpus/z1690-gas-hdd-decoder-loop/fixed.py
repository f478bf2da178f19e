"""GRU encoder-decoder for hourly gas offtake at a city gate station.

Inputs: hourly send-out history plus hour-of-day / weekday embeddings. The decoder
also gets the met office heating-degree-day forecast for the coming days.
"""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(11)
rng = np.random.default_rng(11)

HISTORY_H = 7 * 24
HORIZON_H = 48
BASE_TEMP_C = 15.5


def build_station_data(n_days=120):
    hours = np.arange(n_days * 24)
    day_idx = hours // 24
    daily_temp = 6 + 8 * np.sin(2 * np.pi * (np.arange(n_days) - 100) / 365) + rng.normal(0, 2, n_days)
    hdd = np.clip(BASE_TEMP_C - daily_temp, 0, None)
    hod = hours % 24
    dow = day_idx % 7
    profile = 1 + 0.35 * np.exp(-((hod - 7) ** 2) / 6) + 0.25 * np.exp(-((hod - 19) ** 2) / 8)
    sendout = (20 + 3.2 * hdd[day_idx]) * profile * np.where(dow >= 5, 0.9, 1.0)
    sendout = sendout + rng.normal(0, 2, sendout.shape)
    return (sendout.astype(np.float32), hdd.astype(np.float32),
            hod.astype(np.int64), dow.astype(np.int64))


def cut_samples(sendout, hdd, hod, dow, stride=24):
    past, future, hdd_ahead, cal_past, cal_future = [], [], [], [], []
    for s in range(0, len(sendout) - HISTORY_H - HORIZON_H, stride):
        e = s + HISTORY_H
        first_day = e // 24
        past.append(sendout[s:e])
        future.append(sendout[e:e + HORIZON_H])
        hdd_ahead.append(hdd[first_day:first_day + HORIZON_H // 24])
        cal_past.append(np.stack([hod[s:e], dow[s:e]], -1))
        cal_future.append(np.stack([hod[e:e + HORIZON_H], dow[e:e + HORIZON_H]], -1))
    as_t = lambda a: torch.from_numpy(np.stack(a))
    return tuple(as_t(a) for a in (past, future, hdd_ahead, cal_past, cal_future))


class GateStationSeq2Seq(nn.Module):
    def __init__(self, hidden=48):
        super().__init__()
        self.hod_emb = nn.Embedding(24, 6)
        self.dow_emb = nn.Embedding(7, 3)
        self.encoder = nn.GRU(1 + 9, hidden, batch_first=True)
        self.cell = nn.GRUCell(1 + 9 + 1, hidden)
        self.proj = nn.Linear(hidden, 1)

    def calendar(self, cal):
        return torch.cat([self.hod_emb(cal[..., 0]), self.dow_emb(cal[..., 1])], -1)

    def forward(self, past, cal_past, cal_future, hdd_fc, target=None, tf_ratio=0.5):
        enc_in = torch.cat([past[..., None], self.calendar(cal_past)], -1)
        _, h = self.encoder(enc_in)
        h = h[0]
        cal_emb = self.calendar(cal_future)
        prev = past[:, -1:]
        outputs = []
        for t in range(cal_future.size(1)):
            step_in = torch.cat([prev, cal_emb[:, t], hdd_fc[:, t // 24, None]], -1)
            h = self.cell(step_in, h)
            y = self.proj(h)
            outputs.append(y)
            use_truth = target is not None and torch.rand(()) < tf_ratio
            prev = target[:, t:t + 1] if use_truth else y
        return torch.cat(outputs, 1)


def main():
    sendout, hdd, hod, dow = build_station_data()
    scale = float(sendout.max())
    past, future, hdd_ahead, cal_past, cal_future = cut_samples(sendout / scale, hdd, hod, dow)
    hdd_ahead = hdd_ahead / 20.0
    n_train = int(0.8 * len(past))
    print(f"{len(past)} forecast origins, {n_train} for training")

    model = GateStationSeq2Seq()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(1):
        model.train()
        pred = model(past[:n_train], cal_past[:n_train], cal_future[:n_train],
                     hdd_ahead[:n_train], target=future[:n_train])
        loss = nn.functional.l1_loss(pred, future[:n_train])
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch} L1 {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(past[n_train:], cal_past[n_train:], cal_future[n_train:], hdd_ahead[n_train:])
    mape = ((pred - future[n_train:]).abs() / future[n_train:].abs().clamp(min=1e-3)).mean()
    print(f"holdout MAPE {100 * mape.item():.1f}%  (scale {scale:.1f} kscm/h)")


if __name__ == "__main__":
    main()
