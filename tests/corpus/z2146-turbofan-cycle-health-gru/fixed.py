"""Per-cycle health-state tagging for a turbofan fleet.

Every engine contributes one sequence of flight cycles with 14 sensor channels. Each cycle
is tagged with a health state derived from the remaining useful life (RUL) at that cycle,
and a GRU tagger predicts the state at every cycle.
"""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(3)

N_SENSORS = 14
RUL_BANDS = (120, 60, 20)          # > 120 healthy, > 60 worn, > 20 degraded, else critical
HEALTH_STATES = ("healthy", "worn", "degraded", "critical")
PAD_STATE = -100


def simulate_engine(n_cycles):
    cycles = torch.arange(n_cycles, dtype=torch.float32)
    wear = (cycles / n_cycles) ** 2
    drift = torch.linspace(0.2, 1.5, N_SENSORS)
    readings = wear[:, None] * drift[None, :] + 0.05 * torch.randn(n_cycles, N_SENSORS)
    rul = (n_cycles - 1 - cycles)
    return readings, rul


def rul_to_state(rul):
    state = torch.full(rul.shape, len(RUL_BANDS), dtype=torch.long)
    for level, bound in reversed(list(enumerate(RUL_BANDS))):
        state[rul > bound] = level
    return state


def build_fleet(n_engines=10):
    fleet_x, fleet_y = [], []
    for _ in range(n_engines):
        life = int(torch.randint(150, 260, (1,)))
        readings, rul = simulate_engine(life)
        fleet_x.append(readings)
        fleet_y.append(rul_to_state(rul))
    return fleet_x, fleet_y


def standardize(fleet_x):
    stacked = torch.cat(fleet_x)
    mu, sd = stacked.mean(0), stacked.std(0) + 1e-6
    return [(x - mu) / sd for x in fleet_x]


class CycleTagger(nn.Module):
    def __init__(self, n_sensors, hidden, n_states):
        super().__init__()
        self.proj = nn.Linear(n_sensors, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_states)

    def forward(self, sensor_seq):
        h, _ = self.gru(torch.tanh(self.proj(sensor_seq)))
        return self.out(h)


def minibatches(fleet_x, fleet_y, size):
    order = torch.randperm(len(fleet_x)).tolist()
    for i in range(0, len(order), size):
        sel = order[i:i + size]
        xb = pad_sequence([fleet_x[j] for j in sel], batch_first=True)
        yb = pad_sequence([fleet_y[j] for j in sel], batch_first=True, padding_value=PAD_STATE)
        yield xb, yb


def train(tagger, fleet_x, fleet_y, epochs=4):
    criterion = nn.CrossEntropyLoss(ignore_index=PAD_STATE)
    opt = torch.optim.Adam(tagger.parameters(), lr=5e-3)
    for epoch in range(epochs):
        running = 0.0
        for xb, yb in minibatches(fleet_x, fleet_y, size=3):
            state_logits = tagger(xb)
            loss = criterion(state_logits.transpose(1, 2), yb)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(tagger.parameters(), 1.0)
            opt.step()
            running += loss.item()
        print(f"epoch {epoch + 1}: loss {running:.3f}")


@torch.no_grad()
def evaluate(tagger, fleet_x, fleet_y):
    hits, total = 0, 0
    for x, y in zip(fleet_x, fleet_y):
        pred = tagger(x[None]).argmax(-1)[0]
        hits += int((pred == y).sum())
        total += y.numel()
    return hits / total


def main():
    fleet_x, fleet_y = build_fleet()
    fleet_x = standardize(fleet_x)
    tagger = CycleTagger(N_SENSORS, hidden=24, n_states=len(HEALTH_STATES))
    train(tagger, fleet_x, fleet_y)
    print(f"per-cycle accuracy: {evaluate(tagger, fleet_x, fleet_y):.3f}")


if __name__ == "__main__":
    main()
