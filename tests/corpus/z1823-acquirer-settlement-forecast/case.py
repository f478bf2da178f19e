"""Acquirer treasury: forecast next-day net settlement per merchant for liquidity planning.

Daily ledger per merchant: gross card volume, refunds, chargebacks, interchange fees.
Sliding 14-day windows are cut from each merchant's history and an LSTM with a
merchant-category embedding predicts the following day's net settlement.
"""
import torch
import torch.nn as nn

torch.manual_seed(5)

N_MERCHANTS = 12
N_DAYS = 120
LOOKBACK = 14
N_MCC = 8
FEATURES = ["gross", "refunds", "chargebacks", "fees"]


def simulate_ledger():
    day = torch.arange(N_DAYS).float()
    weekly = 1.0 + 0.3 * torch.sin(2 * torch.pi * day / 7.0)
    scale = torch.exp(torch.randn(N_MERCHANTS, 1) * 0.5 + 2.0)
    gross = scale * weekly * (1 + 0.1 * torch.randn(N_MERCHANTS, N_DAYS)).clamp_min(0.1)
    refunds = gross * (0.03 + 0.02 * torch.rand(N_MERCHANTS, N_DAYS))
    chargebacks = gross * 0.005 * torch.poisson(torch.full((N_MERCHANTS, N_DAYS), 1.0))
    fees = gross * 0.018
    ledger = torch.stack([gross, refunds, chargebacks, fees], dim=-1)  # (merchant, day, feature)
    mcc = torch.randint(0, N_MCC, (N_MERCHANTS,))
    return ledger, mcc


def net_settlement(ledger):
    return ledger[..., 0] - ledger[..., 1] - ledger[..., 2] - ledger[..., 3]


def make_windows(ledger, mcc, lookback):
    mu = ledger.mean(dim=(0, 1), keepdim=True)
    sd = ledger.std(dim=(0, 1), keepdim=True)
    scaled = (ledger - mu) / sd
    target_series = net_settlement(ledger)
    target_scale = target_series.mean()

    history = scaled[:, :-1]                        # last day has no next-day target
    windows = history.unfold(1, lookback, 1)        # (merchant, n_win, feature, lookback)
    windows = windows.permute(0, 1, 3, 2)           # (merchant, n_win, lookback, feature)
    n_win = windows.shape[1]
    x = windows.view(-1, lookback, len(FEATURES))
    y = target_series[:, lookback:lookback + n_win].reshape(-1) / target_scale
    merchant_mcc = mcc.repeat_interleave(n_win)
    return x, y, merchant_mcc, target_scale


class SettlementLSTM(nn.Module):
    def __init__(self, n_feat, hidden=32):
        super().__init__()
        self.mcc_emb = nn.Embedding(N_MCC, 4)
        self.lstm = nn.LSTM(n_feat, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden + 4, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, seq, mcc):
        _, (h, _) = self.lstm(seq)
        z = torch.cat([h[-1], self.mcc_emb(mcc)], dim=1)
        return self.head(z).squeeze(1)


def main():
    ledger, mcc = simulate_ledger()
    x, y, merchant_mcc, target_scale = make_windows(ledger, mcc, LOOKBACK)
    print(f"{x.shape[0]} windows of {LOOKBACK} days x {len(FEATURES)} features")

    n = x.shape[0]
    perm = torch.randperm(n)
    split = int(0.8 * n)
    tr, va = perm[:split], perm[split:]

    model = SettlementLSTM(len(FEATURES))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.SmoothL1Loss()

    for epoch in range(8):
        model.train()
        order = tr[torch.randperm(len(tr))]
        agg = 0.0
        for s in range(0, len(order), 64):
            b = order[s:s + 64]
            pred = model(x[b], merchant_mcc[b])
            loss = loss_fn(pred, y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            agg += loss.item() * len(b)
        model.eval()
        with torch.no_grad():
            va_pred = model(x[va], merchant_mcc[va])
            mape = ((va_pred - y[va]).abs() / y[va].abs().clamp_min(1e-3)).mean()
        print(f"epoch {epoch}: train huber {agg / len(tr):.4f}  valid MAPE {mape:.2%}")

    with torch.no_grad():
        last = x[-1:]
        forecast = model(last, merchant_mcc[-1:]) * target_scale
    print(f"next-day net settlement forecast (merchant {N_MERCHANTS - 1}): {forecast.item():.2f}")


if __name__ == "__main__":
    main()
