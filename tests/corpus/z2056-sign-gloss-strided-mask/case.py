"""Isolated sign recognition from body+hand keypoints.

Each clip is a sequence of frames with 2D keypoints from a pose estimator
(body 33 + left hand 21 + right hand 21 = 75 joints, x/y each).  A strided
temporal conv halves the frame rate before a small BERT encoder, then the
encoder output is pooled over valid frames and classified into glosses.
"""
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(0)
random.seed(0)

NUM_JOINTS = 75
COORDS = 2
NUM_GLOSSES = 40
MAX_FRAMES = 96
TEMPORAL_STRIDE = 2


def make_fake_clips(n_clips):
    clips = []
    for _ in range(n_clips):
        n_frames = random.randint(30, 90)
        kp = torch.rand(n_frames, NUM_JOINTS, COORDS)
        # centre on the neck joint and scale by shoulder width
        neck = kp[:, 1:2, :]
        shoulder_w = (kp[:, 11, :] - kp[:, 12, :]).norm(dim=-1).clamp(min=1e-3)
        kp = (kp - neck) / shoulder_w[:, None, None]
        gloss = random.randrange(NUM_GLOSSES)
        clips.append((kp, gloss))
    return clips


def collate_clips(batch):
    longest = max(kp.shape[0] for kp, _ in batch)
    longest = min(longest, MAX_FRAMES)
    poses = torch.zeros(len(batch), longest, NUM_JOINTS * COORDS)
    frame_mask = torch.zeros(len(batch), longest, dtype=torch.long)
    glosses = torch.empty(len(batch), dtype=torch.long)
    for i, (kp, gloss) in enumerate(batch):
        kp = kp[:longest]
        poses[i, : kp.shape[0]] = kp.reshape(kp.shape[0], -1)
        frame_mask[i, : kp.shape[0]] = 1
        glosses[i] = gloss
    return poses, frame_mask, glosses


class SignEncoder(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.frame_proj = nn.Linear(NUM_JOINTS * COORDS, hidden)
        self.downsample = nn.Conv1d(hidden, hidden, kernel_size=3,
                                    stride=TEMPORAL_STRIDE, padding=1)
        cfg = BertConfig(
            vocab_size=8,
            hidden_size=hidden,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=hidden * 2,
            max_position_embeddings=MAX_FRAMES,
            hidden_dropout_prob=0.1,
            attention_probs_dropout_prob=0.1,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.classifier = nn.Linear(hidden, NUM_GLOSSES)

    def forward(self, poses, frame_mask):
        x = self.frame_proj(poses)                     # (B, T, H)
        x = self.downsample(x.transpose(1, 2)).transpose(1, 2)
        out = self.encoder(inputs_embeds=x, attention_mask=frame_mask)
        hidden = out.last_hidden_state
        w = frame_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.classifier(pooled)


def train(model, clips, epochs=2, batch_size=8):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        random.shuffle(clips)
        total = 0.0
        for start in range(0, len(clips), batch_size):
            poses, frame_mask, glosses = collate_clips(clips[start:start + batch_size])
            logits = model(poses, frame_mask)
            loss = loss_fn(logits, glosses)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")


@torch.no_grad()
def evaluate(model, clips, batch_size=8):
    model.eval()
    correct = 0
    for start in range(0, len(clips), batch_size):
        poses, frame_mask, glosses = collate_clips(clips[start:start + batch_size])
        pred = model(poses, frame_mask).argmax(-1)
        correct += (pred == glosses).sum().item()
    return correct / len(clips)


if __name__ == "__main__":
    train_clips = make_fake_clips(48)
    val_clips = make_fake_clips(16)
    model = SignEncoder(hidden=64)
    train(model, train_clips)
    acc = evaluate(model, val_clips)
    print(f"val gloss accuracy: {acc:.3f}")
