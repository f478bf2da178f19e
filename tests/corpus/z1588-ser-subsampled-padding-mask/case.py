"""Speech emotion recognition on log-mel frames.

Conv1d front end subsamples the frame axis by 4, a small transformer encoder
runs over the subsampled frames, and a masked mean-pool feeds a 4-way
emotion head (neutral / happy / sad / angry).
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

N_MELS = 40
MAX_FRAMES = 300          # 3 s at 10 ms hop
EMOTIONS = ["neutral", "happy", "sad", "angry"]


def synth_corpus(n_utts):
    corpus = []
    for _ in range(n_utts):
        n_frames = random.randint(120, MAX_FRAMES)
        label = random.randrange(len(EMOTIONS))
        logmel = torch.randn(n_frames, N_MELS) * 0.5 + 0.1 * label
        corpus.append((logmel, label))
    return corpus


def collate(utts):
    feats = torch.zeros(len(utts), MAX_FRAMES, N_MELS)
    feat_lens = torch.zeros(len(utts), dtype=torch.long)
    labels = torch.zeros(len(utts), dtype=torch.long)
    for i, (logmel, label) in enumerate(utts):
        n = min(logmel.size(0), MAX_FRAMES)
        feats[i, :n] = logmel[:n]
        feat_lens[i] = n
        labels[i] = label
    return feats, feat_lens, labels


def lengths_to_padding_mask(lens, total):
    steps = torch.arange(total, device=lens.device).unsqueeze(0)
    return steps >= lens.unsqueeze(1)


def sinusoid_table(n_pos, dim):
    pos = torch.arange(n_pos).unsqueeze(1).float()
    div = torch.exp(torch.arange(0, dim, 2).float() * (-math.log(10000.0) / dim))
    table = torch.zeros(n_pos, dim)
    table[:, 0::2] = torch.sin(pos * div)
    table[:, 1::2] = torch.cos(pos * div)
    return table


class EmotionEncoder(nn.Module):
    def __init__(self, n_mels, d_model=64, n_heads=4, n_layers=2, n_classes=4):
        super().__init__()
        self.frontend = nn.Sequential(
            nn.Conv1d(n_mels, d_model, kernel_size=3, stride=2, padding=1),
            nn.GELU(),
            nn.Conv1d(d_model, d_model, kernel_size=3, stride=2, padding=1),
            nn.GELU(),
        )
        self.register_buffer("pos_table", sinusoid_table(1024, d_model), persistent=False)
        layer = nn.TransformerEncoderLayer(
            d_model, n_heads, dim_feedforward=2 * d_model, dropout=0.1, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.head = nn.Linear(d_model, n_classes)

    def output_lengths(self, lens):
        for conv in self.frontend:
            if isinstance(conv, nn.Conv1d):
                k, s, p = conv.kernel_size[0], conv.stride[0], conv.padding[0]
                lens = torch.div(lens + 2 * p - k, s, rounding_mode="floor") + 1
        return lens

    def forward(self, feats, feat_lens):
        x = self.frontend(feats.transpose(1, 2)).transpose(1, 2)
        enc_lens = self.output_lengths(feat_lens)
        pad_mask = lengths_to_padding_mask(feat_lens, feats.size(1))
        x = x + self.pos_table[: x.size(1)]
        x = self.encoder(x, src_key_padding_mask=pad_mask)
        keep = (~lengths_to_padding_mask(enc_lens, x.size(1))).unsqueeze(-1).float()
        pooled = (x * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


def main():
    corpus = synth_corpus(16)
    model = EmotionEncoder(N_MELS, n_classes=len(EMOTIONS))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    batch_size = 8

    for epoch in range(1):
        random.shuffle(corpus)
        model.train()
        total, correct, loss_sum = 0, 0, 0.0
        for start in range(0, len(corpus), batch_size):
            feats, feat_lens, labels = collate(corpus[start:start + batch_size])
            logits = model(feats, feat_lens)
            loss = F.cross_entropy(logits, labels)
            optim.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optim.step()
            loss_sum += loss.item() * labels.size(0)
            correct += (logits.argmax(-1) == labels).sum().item()
            total += labels.size(0)
        print(f"epoch {epoch}: loss {loss_sum / total:.4f}  acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
