"""Keyword spotting: log-mel frames -> strided Conv1d front end -> small BERT encoder -> utterance logits."""
import math
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(0)
random.seed(0)

KEYWORDS = ["yes", "no", "up", "down", "left", "right", "stop", "go", "_silence_", "_unknown_"]
N_MELS = 40
HOP_MS = 10
MAX_CLIP_MS = 1000


def fake_logmel(duration_ms):
    n_frames = duration_ms // HOP_MS + 1
    base = torch.randn(N_MELS, n_frames) * 0.5
    env = torch.hann_window(n_frames, periodic=False).unsqueeze(0)
    return (base + 2.0 * env).log1p().nan_to_num(0.0)


def make_clips(n):
    clips = []
    for _ in range(n):
        dur = random.choice([620, 740, 880, 1000, 950, 700])
        clips.append((fake_logmel(dur), random.randrange(len(KEYWORDS))))
    return clips


def collate_clips(clips):
    frame_counts = torch.tensor([feats.shape[1] for feats, _ in clips])
    longest = int(frame_counts.max())
    mels = torch.zeros(len(clips), N_MELS, longest)
    for i, (feats, _) in enumerate(clips):
        mels[i, :, : feats.shape[1]] = feats
    targets = torch.tensor([kw for _, kw in clips])
    return mels, frame_counts, targets


class ConvFrontEnd(nn.Module):
    def __init__(self, n_mels, d_model):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv1d(n_mels, d_model, kernel_size=3, stride=2, padding=1),
            nn.GELU(),
            nn.Conv1d(d_model, d_model, kernel_size=3, stride=2, padding=1),
            nn.GELU(),
        )

    def forward(self, mels):
        return self.layers(mels).transpose(1, 2)

    @staticmethod
    def output_frames(frame_counts):
        out = frame_counts
        for _ in range(2):
            out = torch.div(out + 2 * 1 - 3, 2, rounding_mode="floor") + 1
        return out


def frames_to_mask(frame_counts, total):
    positions = torch.arange(total).unsqueeze(0)
    return (positions < frame_counts.unsqueeze(1)).long()


class KeywordSpotter(nn.Module):
    def __init__(self, n_keywords, d_model=32):
        super().__init__()
        self.front = ConvFrontEnd(N_MELS, d_model)
        cfg = BertConfig(
            vocab_size=8,
            hidden_size=d_model,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=128,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(d_model, n_keywords)

    def forward(self, mels, frame_mask):
        frames = self.front(mels)
        enc = self.encoder(inputs_embeds=frames, attention_mask=frame_mask).last_hidden_state
        w = frame_mask.unsqueeze(-1).to(enc.dtype)
        pooled = (enc * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.head(pooled)


def train_epoch(model, clips, optim, batch_size=8):
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    total = 0.0
    for start in range(0, len(clips), batch_size):
        mels, frame_counts, targets = collate_clips(clips[start : start + batch_size])
        frame_mask = frames_to_mask(frame_counts, mels.shape[-1])
        logits = model(mels, frame_mask)
        loss = loss_fn(logits, targets)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
    return total / math.ceil(len(clips) / batch_size)


def main():
    clips = make_clips(32)
    model = KeywordSpotter(len(KEYWORDS))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for epoch in range(2):
        avg = train_epoch(model, clips, optim)
        print(f"epoch {epoch}: loss {avg:.4f}")


if __name__ == "__main__":
    main()
