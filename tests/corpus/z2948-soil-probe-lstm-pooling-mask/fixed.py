import configparser
import argparse
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SETTINGS = """
[probes]
n_probes = 24
min_readings = 18
max_readings = 48
channels = soil_moisture,soil_temp,air_temp,rel_humidity,leaf_wetness

[model]
hidden = 32
layers = 1
classes = 3

[train]
batch_size = 8
epochs = 2
lr = 0.003
seed = 11
"""


def load_settings(text):
    cp = configparser.ConfigParser()
    cp.read_string(text)
    return cp


FEATURE_TRANSFORMS = {
    "soil_moisture": lambda x: (x - 30.0) / 10.0,
    "soil_temp": lambda x: (x - 18.0) / 5.0,
    "air_temp": lambda x: (x - 22.0) / 7.0,
    "rel_humidity": lambda x: x / 100.0,
    "leaf_wetness": lambda x: np.clip(x, 0.0, 1.0),
}


def simulate_logs(cp, rng):
    channels = cp["probes"]["channels"].split(",")
    lo = cp.getint("probes", "min_readings")
    hi = cp.getint("probes", "max_readings")
    logs = []
    for probe_id in range(cp.getint("probes", "n_probes")):
        n = int(rng.integers(lo, hi + 1))
        raw = {
            "soil_moisture": rng.normal(30, 8, n),
            "soil_temp": rng.normal(18, 4, n),
            "air_temp": rng.normal(22, 6, n),
            "rel_humidity": rng.uniform(30, 95, n),
            "leaf_wetness": rng.uniform(0, 1.2, n),
        }
        feats = np.stack([FEATURE_TRANSFORMS[c](raw[c]) for c in channels], axis=1)
        stress = 0 if raw["soil_moisture"].mean() > 32 else (1 if raw["soil_moisture"].mean() > 28 else 2)
        logs.append({"probe": probe_id, "x": feats.astype(np.float32), "y": stress})
    return logs


class ProbeLogs(Dataset):
    def __init__(self, logs):
        self.logs = logs

    def __len__(self):
        return len(self.logs)

    def __getitem__(self, i):
        return self.logs[i]


def pad_probe_batch(items):
    longest = max(it["x"].shape[0] for it in items)
    n_ch = items[0]["x"].shape[1]
    x = np.zeros((len(items), longest, n_ch), dtype=np.float32)
    padded = np.zeros((len(items), longest), dtype=bool)
    for row, it in enumerate(items):
        t = it["x"].shape[0]
        x[row, :t] = it["x"]
        padded[row, t:] = 1
    return {
        "x": torch.from_numpy(x),
        "padded": torch.from_numpy(padded),
        "y": torch.tensor([it["y"] for it in items]),
    }


class StressLSTM(nn.Module):
    def __init__(self, n_ch, hidden, layers, classes):
        super().__init__()
        self.rnn = nn.LSTM(n_ch, hidden, num_layers=layers, batch_first=True)
        self.score = nn.Linear(hidden, 1)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x, padded):
        h, _ = self.rnn(x)
        s = self.score(h).squeeze(-1)
        s = s.masked_fill(padded, float("-inf"))
        w = torch.softmax(s, dim=1).unsqueeze(-1)
        pooled = (w * h).sum(dim=1)
        return self.head(pooled)


def build_model(cp):
    n_ch = len(cp["probes"]["channels"].split(","))
    return StressLSTM(n_ch, cp.getint("model", "hidden"), cp.getint("model", "layers"),
                      cp.getint("model", "classes"))


def cmd_train(cp):
    torch.manual_seed(cp.getint("train", "seed"))
    rng = np.random.default_rng(cp.getint("train", "seed"))
    logs = simulate_logs(cp, rng)
    loader = DataLoader(ProbeLogs(logs), batch_size=cp.getint("train", "batch_size"),
                        shuffle=True, collate_fn=pad_probe_batch)
    model = build_model(cp)
    opt = torch.optim.Adam(model.parameters(), lr=cp.getfloat("train", "lr"))
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cp.getint("train", "epochs")):
        total = 0.0
        for batch in loader:
            logits = model(batch["x"], batch["padded"])
            loss = loss_fn(logits, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")
    return model


def main():
    parser = argparse.ArgumentParser(description="train probe stress classifier")
    parser.add_argument("command", nargs="?", default="train")
    args = parser.parse_args([])
    cp = load_settings(SETTINGS)
    if args.command == "train":
        cmd_train(cp)


if __name__ == "__main__":
    main()
