"""Dashcam event classification (near-miss detection).

Frames from each dashcam snippet are embedded once by a frozen CNN backbone.
Snippets have different frame counts, so every feature track is resampled to a
common number of time steps before a GRU reads it.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(21)
torch.manual_seed(21)

EVENTS = ["normal", "hard_brake", "cut_in", "pedestrian_crossing", "near_miss"]
CAM_H, CAM_W = 36, 64
EMBED = 24
TIME_STEPS = 20


def load_snippets(n):
    snippets = []
    for k in range(n):
        fps = random.choice([10, 15])
        seconds = random.uniform(2.0, 5.0)
        frame_count = int(fps * seconds)
        snippets.append({
            "name": f"drive_{k:02d}.mp4",
            "frames": torch.rand(frame_count, 3, CAM_H, CAM_W),
            "event": random.randrange(len(EVENTS)),
        })
    return snippets


class Backbone(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(3, 12, 5, stride=2, padding=2), nn.ReLU(),
            nn.Conv2d(12, dim, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d((1, 1)),
        )

    def forward(self, frames):
        return self.conv(frames).flatten(1)


@torch.no_grad()
def extract_tracks(backbone, snippets, chunk=32):
    backbone.eval()
    tracks = []
    for s in snippets:
        parts = [backbone(s["frames"][i:i + chunk]) for i in range(0, len(s["frames"]), chunk)]
        tracks.append(torch.cat(parts))
    return tracks


def resample_track(track, steps):
    return F.interpolate(track.t().unsqueeze(0), size=steps, mode="linear",
                         align_corners=True).squeeze(0).t()


class EventGRU(nn.Module):
    def __init__(self, dim, hidden, n_events):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.gru = nn.GRU(dim, hidden, batch_first=True, bidirectional=True)
        self.cls = nn.Linear(2 * hidden, n_events)

    def forward(self, seq):
        out, _ = self.gru(self.norm(seq))
        return self.cls(out[:, -1])


def batches(idx, size):
    for i in range(0, len(idx), size):
        yield idx[i:i + size]


def main():
    snippets = load_snippets(14)
    print("frames per snippet:", [s["frames"].shape[0] for s in snippets])
    backbone = Backbone(EMBED)
    tracks = extract_tracks(backbone, snippets)
    fixed = torch.stack([resample_track(t, TIME_STEPS) for t in tracks])
    events = torch.tensor([s["event"] for s in snippets])
    print("resampled tracks:", tuple(fixed.shape))

    model = EventGRU(EMBED, 32, len(EVENTS))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    order = list(range(len(snippets)))
    for epoch in range(4):
        random.shuffle(order)
        model.train()
        total = 0.0
        for chunk in batches(order, 4):
            logits = model(fixed[chunk])
            loss = F.cross_entropy(logits, events[chunk])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * len(chunk)
        print(f"epoch {epoch}: loss {total / len(order):.4f}")

    model.eval()
    with torch.no_grad():
        probs = model(fixed).softmax(-1)
    for s, p in list(zip(snippets, probs))[:3]:
        print(s["name"], EVENTS[int(p.argmax())], f"{p.max().item():.2f}")


if __name__ == "__main__":
    main()
