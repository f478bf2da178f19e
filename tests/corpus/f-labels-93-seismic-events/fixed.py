"""Train a small classifier that tags seismic station windows by event type."""
import dataclasses
from dataclasses import dataclass, field

import torch
import torch.nn as nn

torch.manual_seed(7)


@dataclass
class HeadSpec:
    labels: list = field(default_factory=lambda: ["earthquake", "quarry_blast", "noise"])
    n_out: int = 0
    dropout: float = 0.1

    def __post_init__(self):
        if self.n_out == 0:
            self.n_out = len(self.labels)


class WaveformNet(nn.Module):
    def __init__(self, n_features, dim, spec):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(n_features, dim),
            nn.GELU(),
            nn.Dropout(spec.dropout),
        )
        self.head = nn.Linear(dim, spec.n_out)

    def forward(self, x):
        return self.head(self.encoder(x))


# (peak amplitude, dominant freq Hz, duration s, P/S ratio, depth km, hour of day)
RECORDS = [
    ([3.1, 4.2, 22.0, 0.6, 11.0, 3.0], "earthquake"),
    ([1.2, 9.8, 4.0, 1.4, 0.2, 13.0], "quarry_blast"),
    ([0.1, 21.0, 1.0, 1.0, 0.0, 17.0], "noise"),
    ([0.8, 1.1, 180.0, 0.9, 2.5, 6.0], "volcanic_tremor"),
    ([2.7, 3.9, 18.0, 0.5, 14.0, 22.0], "earthquake"),
    ([1.0, 10.5, 3.5, 1.5, 0.1, 11.0], "quarry_blast"),
    ([0.2, 25.0, 0.8, 1.1, 0.0, 9.0], "noise"),
    ([0.9, 1.3, 240.0, 0.8, 3.1, 1.0], "volcanic_tremor"),
]


def build_batch(records, spec):
    feats = torch.tensor([r[0] for r in records], dtype=torch.float32)
    feats = (feats - feats.mean(0)) / (feats.std(0) + 1e-6)
    targets = torch.tensor([spec.labels.index(name) for _, name in records])
    return feats, targets


def train(model, feats, targets, epochs=30):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        opt.zero_grad()
        loss = loss_fn(model(feats), targets)
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch:02d} loss {loss.item():.4f}")
    return loss.item()


def main():
    base = HeadSpec()
    print("base spec:", base)
    # the Etna network also reports long-period tremor, so extend the label set
    spec = dataclasses.replace(base, labels=base.labels + ["volcanic_tremor"], n_out=0)
    print("station spec labels:", spec.labels)

    feats, targets = build_batch(RECORDS, spec)
    model = WaveformNet(feats.shape[1], 32, spec)
    final = train(model, feats, targets)
    model.eval()
    with torch.no_grad():
        preds = model(feats).argmax(-1)
    for (_, name), p in zip(RECORDS, preds.tolist()):
        print(f"{name:>16s} -> {spec.labels[p]}")
    print(f"final loss {final:.4f}")


if __name__ == "__main__":
    main()
