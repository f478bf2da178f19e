"""Next-event language model over a tiny MIDI-like event vocabulary.

Events: NOTE_ON(pitch), TIME_SHIFT(steps), VELOCITY(bin). Songs are generated
procedurally so the script is self-contained.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

PITCH_LOW, PITCH_HIGH = 48, 84
N_SHIFTS, N_VEL = 8, 4
PAD, BOS, EOS = 0, 1, 2
NOTE_BASE = 3
SHIFT_BASE = NOTE_BASE + (PITCH_HIGH - PITCH_LOW)
VEL_BASE = SHIFT_BASE + N_SHIFTS
EVENT_VOCAB = VEL_BASE + N_VEL
MAX_EVENTS = 64


def synth_song(rng):
    events = [BOS]
    root = rng.randint(PITCH_LOW, PITCH_HIGH - 13)
    scale = [0, 2, 4, 5, 7, 9, 11, 12]
    for _bar in range(rng.randint(2, 9)):
        events.append(VEL_BASE + rng.randrange(N_VEL))
        for _beat in range(4):
            pitch = root + rng.choice(scale)
            events.append(NOTE_BASE + pitch - PITCH_LOW)
            events.append(SHIFT_BASE + rng.randrange(N_SHIFTS))
    events.append(EOS)
    return events


def collate_songs(songs):
    longest = max(len(s) for s in songs) - 1
    src = torch.full((len(songs), longest), PAD, dtype=torch.long)
    tgt = torch.full((len(songs), longest), -100, dtype=torch.long)
    for row, song in enumerate(songs):
        ev = torch.tensor(song)
        src[row, : len(song) - 1] = ev[:-1]
        tgt[row, : len(song) - 1] = ev[1:]
    return src, tgt


class SinusoidalPositions(nn.Module):
    def __init__(self, d_model, max_len):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1).float()
        freq = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        table = torch.zeros(max_len, d_model)
        table[:, 0::2] = torch.sin(pos * freq)
        table[:, 1::2] = torch.cos(pos * freq)
        self.register_buffer("table", table)

    def forward(self, x):
        return x + self.table[: x.size(1)]


class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.head_dim = d_model // n_heads
        self.to_qkv = nn.Linear(d_model, 3 * d_model, bias=False)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x, pad_keep):
        B, T, D = x.shape
        qkv = self.to_qkv(x).view(B, T, 3, self.n_heads, self.head_dim)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        att = att.masked_fill(future, float("-inf"))
        att = att.masked_fill(~pad_keep[:, None, None, :], float("-inf"))
        att = torch.nan_to_num(att.softmax(dim=-1))
        out = (att @ v).transpose(1, 2).reshape(B, T, D)
        return self.proj(out)


class EventDecoder(nn.Module):
    def __init__(self, d_model=48, n_heads=4, n_layers=2, max_len=MAX_EVENTS):
        super().__init__()
        self.tok = nn.Embedding(EVENT_VOCAB, d_model, padding_idx=PAD)
        self.pos = SinusoidalPositions(d_model, max_len)
        self.attn = nn.ModuleList([CausalSelfAttention(d_model, n_heads) for _ in range(n_layers)])
        self.mlp = nn.ModuleList([nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(),
                                                nn.Linear(4 * d_model, d_model))
                                  for _ in range(n_layers)])
        self.ln = nn.ModuleList([nn.LayerNorm(d_model) for _ in range(2 * n_layers)])
        self.lm_head = nn.Linear(d_model, EVENT_VOCAB)

    def forward(self, src):
        pad_keep = src != PAD
        h = self.pos(self.tok(src) * math.sqrt(self.tok.embedding_dim))
        for i, (attn, mlp) in enumerate(zip(self.attn, self.mlp)):
            h = h + attn(self.ln[2 * i](h), pad_keep)
            h = h + mlp(self.ln[2 * i + 1](h))
        return self.lm_head(h)


def main():
    rng = random.Random(3)
    torch.manual_seed(3)
    songs = [synth_song(rng) for _ in range(36)]
    model = EventDecoder()
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(1):
        rng.shuffle(songs)
        running = 0.0
        steps = 0
        for start in range(0, len(songs), 12):
            src, tgt = collate_songs(songs[start:start + 12])
            logits = model(src)
            loss = F.cross_entropy(logits.reshape(-1, EVENT_VOCAB), tgt.reshape(-1), ignore_index=-100)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
            steps += 1
        print(f"epoch {epoch}: mean nll {running / steps:.3f}")


if __name__ == "__main__":
    main()
