import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, get_linear_schedule_with_warmup


class Config:
    seed = 11
    sr = 8000
    win = 200
    hop = 80
    n_fft = 256
    n_mels = 24
    min_sec, max_sec = 0.6, 1.0
    frame_classes = ["silence", "noise", "speech", "wakeword"]
    d_model = 32
    batch_size = 8
    lr = 2e-3
    warmup = 5
    num_steps = 40
    eval_every = 10


random.seed(Config.seed)
torch.manual_seed(Config.seed)
gen = torch.Generator().manual_seed(Config.seed)


def triangular_mel(sr, n_fft, n_mels):
    to_mel = lambda hz: 2595 * torch.log10(1 + hz / 700)
    to_hz = lambda m: 700 * (10 ** (m / 2595) - 1)
    pts = to_hz(torch.linspace(0.0, float(to_mel(torch.tensor(sr / 2))), n_mels + 2))
    f = torch.linspace(0, sr / 2, n_fft // 2 + 1).unsqueeze(1)
    lower = (f - pts[:-2]) / (pts[1:-1] - pts[:-2])
    upper = (pts[2:] - f) / (pts[2:] - pts[1:-1])
    return torch.clamp(torch.minimum(lower, upper), min=0)


MEL = triangular_mel(Config.sr, Config.n_fft, Config.n_mels)


def logmel(x):
    fr = x.unfold(-1, Config.win, Config.hop) * torch.hann_window(Config.win)
    p = torch.fft.rfft(fr, n=Config.n_fft).abs().square()
    return (p @ MEL).clamp_min(1e-8).log()


def n_frames(n_samples):
    return (n_samples - Config.win) // Config.hop + 1


def synth_utterance():
    n = int(random.uniform(Config.min_sec, Config.max_sec) * Config.sr)
    wav = 0.003 * torch.randn(n, generator=gen)
    frame_lab = torch.zeros(n_frames(n), dtype=torch.long)
    t = torch.arange(n) / Config.sr
    cursor = int(0.1 * Config.sr)
    while cursor < n - int(0.15 * Config.sr):
        kind = random.choice([1, 2, 2, 3])
        seg = int(random.uniform(0.1, 0.25) * Config.sr)
        s, e = cursor, min(cursor + seg, n)
        if kind == 1:
            wav[s:e] += 0.1 * torch.randn(e - s, generator=gen)
        elif kind == 2:
            f0 = random.uniform(110, 220)
            wav[s:e] += 0.3 * torch.sin(2 * math.pi * f0 * t[s:e]) * torch.sin(2 * math.pi * 5 * t[s:e]).abs()
        else:
            wav[s:e] += 0.3 * torch.sin(2 * math.pi * (600 + 800 * (t[s:e] - t[s])) * t[s:e])
        fs, fe = s // Config.hop, min(n_frames(e), frame_lab.numel())
        frame_lab[fs:fe] = kind
        cursor = e + int(random.uniform(0.05, 0.15) * Config.sr)
    return logmel(wav), frame_lab


def make_batch(size):
    utts = [synth_utterance() for _ in range(size)]
    T = max(f.shape[0] for f, _ in utts)
    feats = torch.zeros(size, T, Config.n_mels)
    labels = torch.full((size, T), -100, dtype=torch.long)
    mask = torch.zeros(size, T, dtype=torch.long)
    for i, (f, l) in enumerate(utts):
        feats[i, : f.shape[0]] = f
        labels[i, : l.shape[0]] = l
        mask[i, : f.shape[0]] = 1
    return {"feats": feats, "labels": labels, "attention_mask": mask}


def build_frontend():
    return nn.Sequential(
        nn.LayerNorm(Config.n_mels),
        nn.Linear(Config.n_mels, Config.d_model),
        nn.GELU(),
    )


def build_head(n_out):
    return nn.Sequential(nn.Dropout(0.1), nn.Linear(Config.d_model, n_out))


class FrameTagger(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = BertConfig(
            vocab_size=8,
            hidden_size=Config.d_model,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=128,
        )
        self.frontend = build_frontend()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = build_head(len(Config.frame_classes))

    def forward(self, feats, attention_mask):
        h = self.encoder(inputs_embeds=self.frontend(feats), attention_mask=attention_mask).last_hidden_state
        return self.head(h)


def frame_loss(logits, labels):
    return F.cross_entropy(logits, labels, ignore_index=-100)


model = FrameTagger()
optim = torch.optim.AdamW(model.parameters(), lr=Config.lr)
sched = get_linear_schedule_with_warmup(optim, Config.warmup, Config.num_steps)
dev = make_batch(16)

step = 0
while step < Config.num_steps:
    model.train()
    batch = make_batch(Config.batch_size)
    logits = model(batch["feats"], batch["attention_mask"])
    loss = frame_loss(logits, batch["labels"])
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optim.step()
    sched.step()
    optim.zero_grad()
    step += 1
    if step % Config.eval_every == 0:
        model.eval()
        with torch.no_grad():
            pred = model(dev["feats"], dev["attention_mask"]).argmax(-1)
        valid = dev["labels"] != -100
        acc = (pred[valid] == dev["labels"][valid]).float().mean().item()
        print(f"step {step} loss {loss.item():.3f} dev frame acc {acc:.3f}")
