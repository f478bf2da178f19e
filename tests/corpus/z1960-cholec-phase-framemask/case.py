"""Surgical phase recognition on short laparoscopic clips.

Each clip is encoded frame by frame with a small CNN, a fixed budget of frames is
sampled per clip, and a temporal transformer pools the frame features into a
phase prediction for the clip.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

random.seed(3)
torch.manual_seed(3)

PHASES = ["preparation", "calot_triangle", "clipping_cutting",
          "gallbladder_dissection", "packaging", "cleaning_coagulation",
          "gallbladder_retraction"]
FRAME_SIZE = 40
FRAME_BUDGET = 16
FEAT_DIM = 48
BATCH = 4


def make_procedure_clips(n_clips):
    clips = []
    for i in range(n_clips):
        num_frames = random.randint(9, 40)
        video = torch.rand(num_frames, 3, FRAME_SIZE, FRAME_SIZE)
        clips.append({
            "case_id": f"chole{i:03d}",
            "video": video,
            "num_frames": num_frames,
            "phase": random.randrange(len(PHASES)),
        })
    return clips


def sample_frame_indices(num_frames, budget):
    if num_frames <= budget:
        return list(range(num_frames))
    step = num_frames / budget
    return [int(step * k + step / 2) for k in range(budget)]


def collate_procedures(items):
    sampled = []
    for item in items:
        idx = sample_frame_indices(item["num_frames"], FRAME_BUDGET)
        sampled.append(item["video"][idx])
    frames = pad_sequence(sampled, batch_first=True)
    frame_counts = torch.tensor([item["num_frames"] for item in items])
    steps = torch.arange(int(frame_counts.max()))
    pad_mask = steps[None, :] >= frame_counts[:, None]
    phases = torch.tensor([item["phase"] for item in items])
    return frames, pad_mask, phases


class FrameEncoder(nn.Module):
    def __init__(self, out_dim):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.proj = nn.Linear(32, out_dim)

    def forward(self, x):
        return self.proj(self.body(x).flatten(1))


class PhaseTransformer(nn.Module):
    def __init__(self, n_phases):
        super().__init__()
        self.frames = FrameEncoder(FEAT_DIM)
        self.time_pos = nn.Parameter(torch.zeros(1, FRAME_BUDGET, FEAT_DIM))
        layer = nn.TransformerEncoderLayer(FEAT_DIM, nhead=4, dim_feedforward=96,
                                           dropout=0.1, batch_first=True)
        self.temporal = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(FEAT_DIM, n_phases)

    def forward(self, frames, pad_mask):
        b, t = frames.shape[:2]
        feats = self.frames(frames.flatten(0, 1)).view(b, t, FEAT_DIM)
        feats = feats + self.time_pos[:, :t]
        ctx = self.temporal(feats, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (ctx * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


def run_epoch(model, clips, optimizer):
    model.train()
    order = list(range(len(clips)))
    random.shuffle(order)
    total, correct, seen = 0.0, 0, 0
    for start in range(0, len(order), BATCH):
        items = [clips[i] for i in order[start:start + BATCH]]
        frames, pad_mask, phases = collate_procedures(items)
        logits = model(frames, pad_mask)
        loss = F.cross_entropy(logits, phases)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(items)
        correct += (logits.argmax(-1) == phases).sum().item()
        seen += len(items)
    return total / seen, correct / seen


def main():
    clips = make_procedure_clips(12)
    print("frames per clip:", [c["num_frames"] for c in clips])
    model = PhaseTransformer(len(PHASES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
    for epoch in range(2):
        loss, acc = run_epoch(model, clips, optimizer)
        print(f"epoch {epoch}: loss={loss:.4f} acc={acc:.3f}")
    model.eval()
    with torch.no_grad():
        frames, pad_mask, phases = collate_procedures(clips[:BATCH])
        pred = model(frames, pad_mask).argmax(-1)
    for item, p in zip(clips[:BATCH], pred.tolist()):
        print(item["case_id"], "->", PHASES[p], "(true:", PHASES[item["phase"]] + ")")


if __name__ == "__main__":
    main()
