"""Causal transformer for short-term wind farm output (15-min SCADA).

Trained one-step-ahead with teacher forcing on 24 h windows, then rolled out
autoregressively for the next 6 hours for the dispatch desk.
"""
import math
import torch
import torch.nn as nn

torch.manual_seed(3)

STEPS_PER_HOUR = 4
CONTEXT_STEPS = 24 * STEPS_PER_HOUR      # 96 quarter-hours
ROLLOUT_STEPS = 6 * STEPS_PER_HOUR       # 24 quarter-hours
FARM_CAPACITY_MW = 120.0


def simulate_scada(n_steps):
    t = torch.arange(n_steps, dtype=torch.float32)
    speed = 7 + 2.5 * torch.sin(2 * math.pi * t / (24 * STEPS_PER_HOUR))
    speed = speed + 1.5 * torch.sin(2 * math.pi * t / 517.0) + 0.6 * torch.randn(n_steps)
    speed = speed.clamp(min=0)
    # simple power curve: cut-in 3 m/s, rated 12 m/s, cut-out 25 m/s
    frac = ((speed - 3) / 9).clamp(0, 1) ** 3
    frac[speed > 25] = 0.0
    power = frac * FARM_CAPACITY_MW + 2.0 * torch.randn(n_steps)
    return torch.stack([power.clamp(min=0) / FARM_CAPACITY_MW, speed / 25.0], dim=-1)


def windows(scada, length, stride):
    starts = range(0, scada.size(0) - length - 1, stride)
    x = torch.stack([scada[s:s + length] for s in starts])
    y = torch.stack([scada[s + 1:s + length + 1, 0] for s in starts])
    return x, y


class CausalWindModel(nn.Module):
    def __init__(self, n_inputs, d_model, max_len):
        super().__init__()
        self.inp = nn.Linear(n_inputs, d_model)
        self.step_pos = nn.Embedding(max_len, d_model)
        block = nn.TransformerEncoderLayer(d_model, nhead=2, dim_feedforward=2 * d_model,
                                           dropout=0.0, batch_first=True)
        self.body = nn.TransformerEncoder(block, num_layers=2)
        self.out = nn.Linear(d_model, 1)

    def forward(self, obs):
        n = obs.size(1)
        pos = torch.arange(n, device=obs.device)
        h = self.inp(obs) + self.step_pos(pos)[None]
        causal = nn.Transformer.generate_square_subsequent_mask(n)
        h = self.body(h, mask=causal, is_causal=True)
        return self.out(h).squeeze(-1)


def train(model, x, y, epochs=1, batch=32):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for ep in range(epochs):
        perm = torch.randperm(x.size(0))
        total = 0.0
        for i in range(0, x.size(0), batch):
            idx = perm[i:i + batch]
            pred = model(x[idx])
            loss = nn.functional.mse_loss(pred, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * idx.numel()
        print(f"epoch {ep}  mse {total / x.size(0):.5f}")


def persist_speed(history):
    # hub-height speed for the next step: persistence of the last reading
    return history[:, -1:, 1:2]


@torch.no_grad()
def rollout(model, history, n_ahead):
    model.eval()
    ctx = history.clone()
    preds = []
    for _ in range(n_ahead):
        next_power = model(ctx)[:, -1:]
        preds.append(next_power)
        step = torch.cat([next_power[..., None], persist_speed(ctx)], dim=-1)
        ctx = torch.cat([ctx, step], dim=1)
    return torch.cat(preds, dim=1)


def main():
    scada = simulate_scada(60 * 24 * STEPS_PER_HOUR)
    train_part, test_part = scada[:-2000], scada[-2000:]
    x, y = windows(train_part, CONTEXT_STEPS, stride=64)
    print("train windows:", tuple(x.shape))

    model = CausalWindModel(n_inputs=2, d_model=32, max_len=CONTEXT_STEPS)
    train(model, x, y)

    history = test_part[:CONTEXT_STEPS][None]
    actual = test_part[CONTEXT_STEPS:CONTEXT_STEPS + ROLLOUT_STEPS, 0]
    forecast = rollout(model, history, ROLLOUT_STEPS)[0]
    mae_mw = (forecast - actual).abs().mean().item() * FARM_CAPACITY_MW
    print(f"6h rollout MAE: {mae_mw:.2f} MW")
    for q in range(0, ROLLOUT_STEPS, STEPS_PER_HOUR):
        print(f"+{q // STEPS_PER_HOUR + 1}h  forecast {forecast[q] * FARM_CAPACITY_MW:6.1f} MW"
              f"  actual {actual[q] * FARM_CAPACITY_MW:6.1f} MW")


if __name__ == "__main__":
    main()
