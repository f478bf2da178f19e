import copy
import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(11)

SAMPLE_RATE = 8000
CLIP_SECONDS = 1.0
FRAME_HOP = 160          # 20 ms analysis frames
TIME_POOL = 2
EVENT_CLASSES = ["background", "doorbell", "smoke_alarm", "glass_break"]
EVENT_FREQS = {1: 440.0, 2: 3100.0, 3: 1700.0}


def synth_clip(n_samples):
    wave = 0.05 * torch.randn(n_samples)
    events = []
    for _ in range(torch.randint(1, 3, (1,)).item()):
        cls = torch.randint(1, len(EVENT_CLASSES), (1,)).item()
        start = torch.randint(0, n_samples - 2000, (1,)).item()
        dur = torch.randint(800, 2000, (1,)).item()
        t = torch.arange(dur) / SAMPLE_RATE
        wave[start:start + dur] += 0.5 * torch.sin(2 * math.pi * EVENT_FREQS[cls] * t)
        events.append((cls, start, start + dur))
    return wave, events


def frame_targets(events, n_samples, hop):
    n_frames = n_samples // hop
    target = torch.zeros(n_frames, dtype=torch.long)
    for cls, onset, offset in events:
        target[onset // hop: max(offset // hop, onset // hop + 1)] = cls
    return target


def build_home_dataset(n_clips):
    n_samples = int(SAMPLE_RATE * CLIP_SECONDS)
    waves, targets = [], []
    for _ in range(n_clips):
        wave, events = synth_clip(n_samples)
        waves.append(wave.unsqueeze(0))
        targets.append(frame_targets(events, n_samples, hop=FRAME_HOP))
    return TensorDataset(torch.stack(waves), torch.stack(targets))


class EventTagger(nn.Module):
    def __init__(self, n_classes, channels=16, hidden=32):
        super().__init__()
        self.frontend = nn.Conv1d(1, channels, kernel_size=FRAME_HOP, stride=FRAME_HOP)
        self.pool = nn.MaxPool1d(TIME_POOL)
        self.gru = nn.GRU(channels, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_classes)

    def forward(self, wave):
        feats = torch.relu(self.frontend(wave))
        feats = self.pool(feats).transpose(1, 2)
        seq, _ = self.gru(feats)
        return self.head(seq)


homes = {name: build_home_dataset(n) for name, n in [("apartment", 24), ("farmhouse", 16), ("office", 20)]}
home_loaders = {name: DataLoader(ds, batch_size=4, shuffle=True) for name, ds in homes.items()}


def train_on_home(model, loader, steps_budget=10, lr=3e-3):
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.CrossEntropyLoss()
    seen, total = 0, 0.0
    for wave, frames in loader:
        frame_logits = model(wave)
        loss = criterion(frame_logits.reshape(-1, len(EVENT_CLASSES)), frames.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
        seen += 1
        if seen >= steps_budget:
            break
    return total / max(seen, 1)


def average_states(states, sizes):
    norm = sum(sizes)
    merged = copy.deepcopy(states[0])
    for key in merged:
        merged[key] = sum(st[key] * (n / norm) for st, n in zip(states, sizes))
    return merged


server = EventTagger(len(EVENT_CLASSES))
for round_idx in range(4):
    collected, sizes = [], []
    for name, loader in home_loaders.items():
        client = copy.deepcopy(server)
        loss = train_on_home(client, loader)
        collected.append(client.state_dict())
        sizes.append(len(homes[name]))
        print(f"round {round_idx} {name:10s} frame loss {loss:.3f}")
    server.load_state_dict(average_states(collected, sizes))

server.eval()
with torch.no_grad():
    hits, count = 0, 0
    for loader in home_loaders.values():
        for wave, frames in loader:
            pred = server(wave).argmax(-1)
            hits += (pred == frames).sum().item()
            count += frames.numel()
print(f"frame accuracy after federation: {hits / count:.3f}")
