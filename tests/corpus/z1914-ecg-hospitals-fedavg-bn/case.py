"""Cross-silo federated arrhythmia detection.

Four hospitals keep their single-lead ECG beats on site; every round each site
fine-tunes a copy of the global 1-D CNN and the server averages the weights.
"""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(11)

BEAT_CLASSES = ["normal", "supraventricular", "ventricular", "fusion"]
BEAT_LEN = 180            # 0.5 s at 360 Hz, centred on the R peak
SITES = {"st_marys": 0.9, "riverside": 1.1, "lakeview": 1.0, "mercy": 1.25}
BEATS_PER_SITE = 160
ROUNDS = 4
LOCAL_EPOCHS = 2


def synth_beats(n, amp, gen):
    t = torch.linspace(-1, 1, BEAT_LEN)
    labels = torch.randint(0, len(BEAT_CLASSES), (n,), generator=gen)
    beats = []
    for lab in labels.tolist():
        width = [0.03, 0.025, 0.09, 0.06][lab]
        shift = [0.0, -0.15, 0.05, 0.0][lab]
        qrs = amp * torch.exp(-((t - shift) ** 2) / (2 * width ** 2))
        p_wave = 0.15 * torch.exp(-((t + 0.45) ** 2) / 0.004) * (lab != 1)
        t_wave = 0.3 * torch.exp(-((t - 0.4) ** 2) / 0.01) * (-1 if lab == 2 else 1)
        noise = 0.05 * torch.randn(BEAT_LEN, generator=gen)
        beats.append(qrs + p_wave + t_wave + noise)
    return torch.stack(beats).unsqueeze(1), labels


class BeatCNN(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(1, 16, 7, padding=3), nn.BatchNorm1d(16), nn.ReLU(), nn.MaxPool1d(3),
            nn.Conv1d(16, 32, 5, padding=2), nn.BatchNorm1d(32), nn.ReLU(), nn.MaxPool1d(3),
            nn.Conv1d(32, 32, 3, padding=1), nn.BatchNorm1d(32), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1), nn.Flatten(),
        )
        self.classifier = nn.Linear(32, n_classes)

    def forward(self, beats):
        return self.classifier(self.body(beats))


def build_sites():
    sites = {}
    for i, (name, amp) in enumerate(SITES.items()):
        gen = torch.Generator().manual_seed(100 + i)
        beats, labels = synth_beats(BEATS_PER_SITE, amp, gen)
        train_part, test_part = random_split(TensorDataset(beats, labels), [128, 32], generator=gen)
        sites[name] = (DataLoader(train_part, batch_size=16, shuffle=True),
                       DataLoader(test_part, batch_size=32))
    return sites


def train_on_site(global_model, loader):
    local = copy.deepcopy(global_model)
    local.train()
    opt = torch.optim.SGD(local.parameters(), lr=0.01, momentum=0.9)
    for _ in range(LOCAL_EPOCHS):
        for beats, labels in loader:
            opt.zero_grad()
            F.cross_entropy(local(beats), labels).backward()
            opt.step()
    return {k: v.detach().clone() for k, v in local.state_dict().items()}


def average_states(states):
    merged = {}
    for name in states[0]:
        stacked = torch.stack([s[name] for s in states])
        merged[name] = stacked.mean(dim=0)
    return merged


@torch.no_grad()
def macro_f1(model, loader):
    model.eval()
    preds, golds = [], []
    for beats, labels in loader:
        preds.append(model(beats).argmax(1))
        golds.append(labels)
    preds, golds = torch.cat(preds), torch.cat(golds)
    f1s = []
    for c in range(len(BEAT_CLASSES)):
        tp = ((preds == c) & (golds == c)).sum().item()
        fp = ((preds == c) & (golds != c)).sum().item()
        fn = ((preds != c) & (golds == c)).sum().item()
        f1s.append(2 * tp / max(2 * tp + fp + fn, 1))
    return sum(f1s) / len(f1s)


def main():
    sites = build_sites()
    global_model = BeatCNN(len(BEAT_CLASSES))
    for rnd in range(1, ROUNDS + 1):
        states = [train_on_site(global_model, train_dl) for train_dl, _ in sites.values()]
        global_model.load_state_dict(average_states(states))
        scores = {name: round(macro_f1(global_model, test_dl), 3) for name, (_, test_dl) in sites.items()}
        print(f"round {rnd}: macro-F1 per site {scores}")
    print("mean macro-F1:", round(sum(scores.values()) / len(scores), 3))


if __name__ == "__main__":
    main()
