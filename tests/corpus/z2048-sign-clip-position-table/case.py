"""Isolated sign recognition from upper-body + hand keypoints with a small BERT encoder.

Each recording is a (frames, joints, 3) array of (x, y, confidence) produced by an
offline pose estimator. Frames are projected to the encoder width and fed in as
inputs_embeds; a [CLS]-like learned token is not used, we mean-pool valid frames.
"""
import math
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel

torch.manual_seed(0)
random.seed(0)

NUM_BODY_JOINTS = 9          # nose, neck, shoulders, elbows, wrists, mid-hip
NUM_HAND_JOINTS = 21
NUM_JOINTS = NUM_BODY_JOINTS + 2 * NUM_HAND_JOINTS
COORDS = 3
CLIP_FRAMES = 64             # ~2 s at 30 fps, enough for one isolated sign
GLOSSES = ["HELLO", "THANK-YOU", "PLEASE", "SORRY", "HELP", "WATER", "MOTHER", "FATHER"]


def synth_recording(num_frames, gloss_idx):
    """Fake pose track: smooth trajectories with a gloss-dependent wrist motion."""
    t = torch.linspace(0, 1, num_frames).unsqueeze(1)
    base = torch.rand(1, NUM_JOINTS, 2) * 0.6 + 0.2
    freq = 1.0 + gloss_idx * 0.5
    motion = 0.05 * torch.sin(2 * math.pi * freq * t).unsqueeze(-1)
    xy = base + motion * torch.ones(1, NUM_JOINTS, 2)
    conf = torch.rand(num_frames, NUM_JOINTS, 1) * 0.3 + 0.7
    return torch.cat([xy, conf], dim=-1)


class SignClipDataset(Dataset):
    def __init__(self, frame_counts):
        self.items = []
        for i, n in enumerate(frame_counts):
            gloss = i % len(GLOSSES)
            self.items.append((synth_recording(n, gloss), gloss))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        keypoints, gloss = self.items[idx]
        # center on the neck and scale by shoulder width so signers of different size line up
        neck = keypoints[:, 1:2, :2]
        shoulder_w = (keypoints[:, 2, :2] - keypoints[:, 3, :2]).norm(dim=-1).clamp(min=1e-3)
        xy = (keypoints[..., :2] - neck) / shoulder_w[:, None, None]
        feats = torch.cat([xy, keypoints[..., 2:]], dim=-1)
        return feats.flatten(1), gloss


def collate_clips(batch):
    lengths = [f.shape[0] for f, _ in batch]
    longest = max(lengths)
    feat_dim = batch[0][0].shape[1]
    frames = torch.zeros(len(batch), longest, feat_dim)
    valid = torch.zeros(len(batch), longest, dtype=torch.long)
    for i, (f, _) in enumerate(batch):
        frames[i, : f.shape[0]] = f
        valid[i, : f.shape[0]] = 1
    glosses = torch.tensor([g for _, g in batch])
    return frames, valid, glosses


class PoseSignEncoder(nn.Module):
    def __init__(self, feat_dim, num_glosses):
        super().__init__()
        cfg = BertConfig(
            vocab_size=8,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=CLIP_FRAMES,
            hidden_dropout_prob=0.1,
        )
        self.frame_proj = nn.Linear(feat_dim, cfg.hidden_size)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, num_glosses)

    def forward(self, frames, valid):
        emb = self.frame_proj(frames)
        out = self.encoder(inputs_embeds=emb, attention_mask=valid).last_hidden_state
        w = valid.unsqueeze(-1).float()
        pooled = (out * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.head(pooled)


def main():
    # frame counts of the recordings from the capture session
    frame_counts = [48, 57, 61, 96, 52, 44, 63, 59, 71, 50, 55, 62]
    ds = SignClipDataset(frame_counts)
    loader = DataLoader(ds, batch_size=4, shuffle=False, collate_fn=collate_clips)

    feat_dim = NUM_JOINTS * COORDS
    model = PoseSignEncoder(feat_dim, len(GLOSSES))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(2):
        model.train()
        total, correct, seen = 0.0, 0, 0
        for frames, valid, glosses in loader:
            logits = model(frames, valid)
            loss = criterion(logits, glosses)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item() * glosses.size(0)
            correct += (logits.argmax(-1) == glosses).sum().item()
            seen += glosses.size(0)
        print(f"epoch {epoch}: loss {total / seen:.4f} acc {correct / seen:.3f}")


if __name__ == "__main__":
    main()
