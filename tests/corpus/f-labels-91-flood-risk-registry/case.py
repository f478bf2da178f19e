"""Score river-gauge stations into flood risk bands with a small MLP head."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

BUILDERS = {}


def register(name):
    def wrap(fn):
        BUILDERS[name] = fn
        return fn
    return wrap


@register("mlp")
def build_mlp(n_in, n_out=3, hidden=16):
    return nn.Sequential(
        nn.Linear(n_in, hidden),
        nn.ReLU(),
        nn.Dropout(0.1),
        nn.Linear(hidden, n_out),
    )


@register("linear")
def build_linear(n_in, n_out=3):
    return nn.Linear(n_in, n_out)


RISK = ["none", "low", "mid", "high"]

SPEC = {
    "head": {"kind": "mlp", "params": {"n_in": 12, "n_out": 3}},
    "optim": {"lr": 3e-3, "epochs": 5},
}

# station id, 12 weekly gauge readings (m above datum), assessed risk band
STATIONS = [
    ("AX-01", [0.4, 0.5, 0.5, 0.6, 0.7, 0.6, 0.5, 0.5, 0.4, 0.4, 0.5, 0.5], "none"),
    ("AX-02", [1.1, 1.2, 1.4, 1.3, 1.5, 1.6, 1.4, 1.3, 1.2, 1.2, 1.1, 1.3], "low"),
    ("BR-07", [2.0, 2.2, 2.5, 2.7, 2.6, 2.4, 2.3, 2.5, 2.8, 2.9, 2.7, 2.6], "mid"),
    ("BR-09", [3.1, 3.4, 3.8, 4.0, 4.2, 4.1, 3.9, 4.3, 4.5, 4.4, 4.1, 4.0], "high"),
    ("CW-03", [0.6, 0.6, 0.7, 0.8, 0.7, 0.6, 0.6, 0.7, 0.6, 0.5, 0.6, 0.6], "none"),
    ("CW-05", [1.4, 1.5, 1.5, 1.7, 1.8, 1.6, 1.5, 1.6, 1.7, 1.5, 1.4, 1.5], "low"),
    ("DN-11", [2.4, 2.6, 2.9, 3.0, 2.8, 2.7, 2.9, 3.1, 3.0, 2.8, 2.7, 2.9], "mid"),
    ("DN-12", [3.6, 3.9, 4.2, 4.6, 4.8, 4.5, 4.4, 4.7, 4.9, 4.6, 4.3, 4.2], "high"),
]


def make(spec):
    return BUILDERS[spec["kind"]](**spec["params"])


def encode(stations):
    feats, labels = [], []
    for _, readings, band in stations:
        x = torch.tensor(readings)
        feats.append(x)
        labels.append(RISK.index(band))
    return torch.stack(feats), torch.tensor(labels)


def train(model, x, y, lr, epochs):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")


def main():
    x, y = encode(STATIONS)
    print(f"{len(STATIONS)} stations, features {tuple(x.shape)}, bands {sorted(set(y.tolist()))}")
    head = make(SPEC["head"])
    train(head, x, y, **SPEC["optim"])
    head.eval()
    with torch.no_grad():
        pred = head(x).argmax(-1)
    for (sid, _, band), p in zip(STATIONS, pred.tolist()):
        print(f"{sid}: assessed {band:>4}  predicted {RISK[p]}")


if __name__ == "__main__":
    main()
