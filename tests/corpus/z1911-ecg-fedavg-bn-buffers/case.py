"""Federated heartbeat classification over wearable-ECG clinics.

Each clinic holds single-lead beats (128 samples around the R peak) labelled
normal / supraventricular / ventricular / fusion. A small 1-D CNN with batch
norm is trained locally for a couple of epochs, then the server takes the
plain average of all client state_dicts (clinics have similar volumes).
"""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(3)

BEAT_LEN = 128
BEAT_CLASSES = ["N", "S", "V", "F"]
CLINICS = ["cardio_east", "holter_lab", "sports_med"]
BEATS_PER_CLINIC = 160
ROUNDS = 4


def synth_beats(n, noise, baseline_shift):
    t = torch.linspace(-1, 1, BEAT_LEN)
    beats, kinds = [], []
    for _ in range(n):
        k = torch.randint(len(BEAT_CLASSES), ()).item()
        width = [0.03, 0.025, 0.09, 0.06][k]
        offset = [0.0, -0.15, 0.05, 0.0][k]
        qrs = torch.exp(-((t - offset) ** 2) / width)
        p_wave = 0.15 * torch.exp(-((t + 0.45) ** 2) / 0.01) * (k != 1)
        t_wave = 0.3 * torch.exp(-((t - 0.4) ** 2) / 0.02) * (1 - 2 * (k == 2))
        wander = baseline_shift * torch.sin(math.pi * t + torch.rand(()) * 3)
        beats.append(qrs + p_wave + t_wave + wander + noise * torch.randn(BEAT_LEN))
        kinds.append(k)
    return torch.stack(beats).unsqueeze(1), torch.tensor(kinds)


class BeatCNN(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(1, 16, 7, padding=3), nn.BatchNorm1d(16), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(16, 32, 5, padding=2), nn.BatchNorm1d(32), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(32, 32, 3, padding=1), nn.BatchNorm1d(32), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.classifier = nn.Linear(32, n_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def local_round(global_model, loader, epochs=2):
    model = copy.deepcopy(global_model)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(epochs):
        for beats, kinds in loader:
            loss = F.cross_entropy(model(beats), kinds)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model.state_dict(), loss.item()


def average_states(states):
    avg = {}
    for name in states[0]:
        avg[name] = torch.stack([s[name] for s in states]).mean(dim=0)
    return avg


@torch.no_grad()
def per_class_recall(model, beats, kinds):
    model.eval()
    pred = model(beats).argmax(1)
    out = {}
    for c, label in enumerate(BEAT_CLASSES):
        mask = kinds == c
        out[label] = (pred[mask] == c).float().mean().item() if mask.any() else float("nan")
    return out


def main():
    loaders = []
    for i, clinic in enumerate(CLINICS):
        beats, kinds = synth_beats(BEATS_PER_CLINIC, noise=0.05 + 0.03 * i, baseline_shift=0.1 * i)
        loaders.append(DataLoader(TensorDataset(beats, kinds), batch_size=32, shuffle=True))
    test_beats, test_kinds = synth_beats(200, noise=0.08, baseline_shift=0.1)

    global_model = BeatCNN(len(BEAT_CLASSES))
    for rnd in range(ROUNDS):
        states, losses = [], []
        for clinic, loader in zip(CLINICS, loaders):
            state, loss = local_round(global_model, loader)
            states.append(state)
            losses.append(round(loss, 3))
        global_model.load_state_dict(average_states(states))
        recall = per_class_recall(global_model, test_beats, test_kinds)
        print(f"round {rnd}: local losses={losses} recall={ {k: round(v, 2) for k, v in recall.items()} }")


if __name__ == "__main__":
    main()
