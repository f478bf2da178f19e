"""Multi-head readout model for beehive sensor sequences.

Each hive reports hourly (temperature, humidity, weight, sound level) readings.
A shared GRU encoder feeds two heads: colony state (3 classes) and
swarm-risk bucket (4 classes). Each head picks its own readout of the sequence.
"""
from dataclasses import dataclass

import torch
import torch.nn as nn

torch.manual_seed(7)

DIM = 32
N_FEATURES = 4
SEQ_LEN = 24


def take_first(h):
    return h[:, 0]


def take_ends(h):
    return torch.cat([h[:, 0], h[:, -1]], dim=-1)


READOUTS = {"first": take_first, "concat_ends": take_ends}


@dataclass
class Out:
    n: int
    pooling: str


OUTPUTS = {
    "a": Out(n=3, pooling="first"),         # colony state: queenright / queenless / broodless
    "b": Out(n=4, pooling="concat_ends"),   # swarm risk bucket
}


class HiveModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(N_FEATURES, DIM)
        self.encoder = nn.GRU(DIM, DIM, batch_first=True)
        self.outs = nn.ModuleDict({k: nn.Linear(DIM, o.n) for k, o in OUTPUTS.items()})

    def forward(self, x):
        h, _ = self.encoder(torch.relu(self.proj(x)))
        result = {}
        for k in self.outs:
            z = READOUTS[OUTPUTS[k].pooling](h)
            result[k] = self.outs[k](z)
        return result


def make_batch(n_hives):
    t = torch.linspace(0, 1, SEQ_LEN)
    temp = 34.5 + torch.randn(n_hives, SEQ_LEN) * 0.8
    hum = 55 + 10 * torch.sin(6.28 * t) + torch.randn(n_hives, SEQ_LEN)
    weight = 40 + torch.cumsum(torch.randn(n_hives, SEQ_LEN) * 0.05, dim=1)
    sound = 200 + torch.randn(n_hives, SEQ_LEN) * 15
    x = torch.stack([temp, hum, weight, sound], dim=-1)
    x = (x - x.mean(dim=(0, 1))) / x.std(dim=(0, 1))
    labels = {k: torch.randint(0, o.n, (n_hives,)) for k, o in OUTPUTS.items()}
    return x, labels


def train(model, steps=20):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    for step in range(steps):
        x, labels = make_batch(16)
        preds = model(x)
        loss = sum(loss_fn(preds[k], labels[k]) for k in OUTPUTS)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step:2d}  loss {loss.item():.4f}")
    return loss.item()


if __name__ == "__main__":
    model = HiveModel()
    print(f"heads: {list(OUTPUTS)}  params: {sum(p.numel() for p in model.parameters())}")
    final = train(model)
    print(f"final loss {final:.4f}")
