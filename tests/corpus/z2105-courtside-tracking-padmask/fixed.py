"""Classify how a half-court possession ends (made shot, missed shot, turnover) from
optical tracking: 10 players + ball sampled at 5 Hz until the possession ends."""
import math
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(11)
random.seed(11)

N_PLAYERS = 10
FEATS_PER_FRAME = N_PLAYERS * 2 + 3  # (x, y) per player, (x, y, z) for the ball
OUTCOMES = ["make", "miss", "turnover"]
COURT_X, COURT_Y = 94.0, 50.0


def simulate_possession(n_frames):
    players = torch.rand(N_PLAYERS, 2) * torch.tensor([COURT_X / 2, COURT_Y])
    frames = []
    for _ in range(n_frames):
        players = (players + torch.randn(N_PLAYERS, 2) * 0.8).clamp(min=0.0)
        carrier = players[random.randrange(N_PLAYERS // 2)]
        ball = torch.cat([carrier, torch.tensor([random.uniform(3.0, 9.0)])])
        frames.append(torch.cat([players.flatten(), ball]))
    coords = torch.stack(frames)
    scale = torch.tensor([COURT_X, COURT_Y] * N_PLAYERS + [COURT_X, COURT_Y, 10.0])
    return coords / scale


class PossessionSet(Dataset):
    def __init__(self, n_possessions=48):
        self.items = []
        for _ in range(n_possessions):
            n_frames = random.randint(20, 120)
            self.items.append((simulate_possession(n_frames), random.randrange(len(OUTCOMES))))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate_possessions(batch):
    longest = max(track.size(0) for track, _ in batch)
    tracks = torch.zeros(len(batch), longest, FEATS_PER_FRAME)
    frame_mask = torch.zeros(len(batch), longest, dtype=torch.long)
    for row, (track, _) in enumerate(batch):
        tracks[row, : track.size(0)] = track
        frame_mask[row, : track.size(0)] = 1
    outcome = torch.tensor([label for _, label in batch])
    return tracks, frame_mask, outcome


class SinusoidalTime(nn.Module):
    def __init__(self, d_model, max_frames=256):
        super().__init__()
        pos = torch.arange(max_frames).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        table = torch.zeros(max_frames, d_model)
        table[:, 0::2] = torch.sin(pos * div)
        table[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("table", table)

    def forward(self, x):
        return x + self.table[: x.size(1)].unsqueeze(0)


class PossessionEncoder(nn.Module):
    def __init__(self, d_model=48, n_heads=4, n_layers=2):
        super().__init__()
        self.frame_proj = nn.Linear(FEATS_PER_FRAME, d_model)
        self.time_enc = SinusoidalTime(d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=96,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.outcome_head = nn.Linear(d_model, len(OUTCOMES))

    def forward(self, tracks, frame_mask):
        h = self.time_enc(self.frame_proj(tracks))
        h = self.encoder(h, src_key_padding_mask=frame_mask == 0)
        weights = frame_mask.unsqueeze(-1).float()
        pooled = (h * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.outcome_head(pooled)


def run(epochs=2):
    loader = DataLoader(PossessionSet(), batch_size=8, shuffle=True,
                        collate_fn=collate_possessions)
    model = PossessionEncoder()
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(epochs):
        model.train()
        running, n_seen, n_right = 0.0, 0, 0
        for tracks, frame_mask, outcome in loader:
            logits = model(tracks, frame_mask)
            loss = criterion(logits, outcome)
            optim.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            running += loss.item() * outcome.size(0)
            n_seen += outcome.size(0)
            n_right += (logits.argmax(-1) == outcome).sum().item()
        print(f"epoch {epoch}: loss {running / n_seen:.4f} acc {n_right / n_seen:.3f}")


if __name__ == "__main__":
    run()
