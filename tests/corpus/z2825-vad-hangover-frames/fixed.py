import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    sr = 16000
    win_length = 400
    hop_length = 160
    n_fft = 512
    n_mels = 32
    fmin = 40.0
    energy_floor_db = -35.0
    hangover_frames = 8
    n_utts = 48
    utt_seconds = 1.0
    batch_size = 8
    lr = 2e-3
    total_steps = 60
    eval_every = 20
    seed = 7


torch.manual_seed(Config.seed)


def mel_matrix():
    n_bins = Config.n_fft // 2 + 1
    to_mel = lambda f: 1127.0 * torch.log1p(torch.as_tensor(f) / 700.0)
    to_hz = lambda m: 700.0 * (torch.exp(m / 1127.0) - 1.0)
    mels = torch.linspace(to_mel(Config.fmin), to_mel(Config.sr / 2), Config.n_mels + 2)
    edges = to_hz(mels)
    freqs = torch.linspace(0.0, Config.sr / 2, n_bins)
    left, center, right = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (freqs[None] - left) / (center - left)
    falling = (right - freqs[None]) / (right - center)
    return torch.clamp(torch.minimum(rising, falling), min=0.0)


MEL = mel_matrix()
WINDOW = torch.hamming_window(Config.win_length)


def frame_signal(wav):
    return wav.unfold(0, Config.win_length, Config.hop_length)


def log_mel(frames):
    power = torch.fft.rfft(frames * WINDOW, n=Config.n_fft).abs().pow(2)
    return torch.log(power @ MEL.T + 1e-8)


def num_frames(n_samples):
    return 1 + (n_samples - Config.win_length) // Config.hop_length


def vad_targets(frames, n_samples):
    energy_db = 10 * torch.log10(frames.pow(2).mean(-1) + 1e-10)
    energy_db = energy_db - energy_db.max()
    targets = torch.zeros(num_frames(n_samples))
    hang = 0
    for i in range(targets.shape[0]):
        if energy_db[i] > Config.energy_floor_db:
            hang = Config.hangover_frames
        targets[i] = 1.0 if hang > 0 else 0.0
        hang = max(hang - 1, 0)
    return targets


def synth_utterance(gen):
    n = int(Config.sr * Config.utt_seconds)
    wav = 0.003 * torch.randn(n, generator=gen)
    n_bursts = int(torch.randint(1, 4, (1,), generator=gen))
    for _ in range(n_bursts):
        start = int(torch.randint(0, n - 3000, (1,), generator=gen))
        length = int(torch.randint(1500, 5000, (1,), generator=gen))
        end = min(start + length, n)
        t = torch.arange(end - start) / Config.sr
        f0 = 120 + 200 * torch.rand(1, generator=gen).item()
        voiced = sum(torch.sin(2 * math.pi * k * f0 * t) / k for k in range(1, 6))
        wav[start:end] += 0.25 * voiced * torch.hann_window(end - start)
    return wav


def build_corpus():
    gen = torch.Generator().manual_seed(Config.seed)
    corpus = []
    for _ in range(Config.n_utts):
        wav = synth_utterance(gen)
        frames = frame_signal(wav)
        feats = log_mel(frames)
        feats = (feats - feats.mean(0)) / (feats.std(0) + 1e-5)
        corpus.append({"feats": feats, "vad": vad_targets(frames, wav.numel())})
    return corpus


def batches(corpus, batch_size):
    while True:
        order = torch.randperm(len(corpus))
        for i in range(0, len(order) - batch_size + 1, batch_size):
            chunk = [corpus[j] for j in order[i:i + batch_size]]
            yield {
                "feats": torch.stack([c["feats"] for c in chunk]).transpose(1, 2),
                "vad": torch.stack([c["vad"] for c in chunk]),
            }


def make_vad_net(n_in, width=48):
    return nn.Sequential(
        nn.Conv1d(n_in, width, kernel_size=5, padding=2),
        nn.GELU(),
        nn.Conv1d(width, width, kernel_size=5, padding=4, dilation=2),
        nn.GELU(),
        nn.Conv1d(width, width, kernel_size=5, padding=8, dilation=4),
        nn.GELU(),
        nn.Conv1d(width, 1, kernel_size=1),
    )


def frame_accuracy(logits, targets):
    return ((logits > 0).float() == targets).float().mean().item()


corpus = build_corpus()
n_val = 8
train_set, val_set = corpus[n_val:], corpus[:n_val]
net = make_vad_net(Config.n_mels)
opt = torch.optim.Adam(net.parameters(), lr=Config.lr)
stream = batches(train_set, Config.batch_size)

step = 0
while step < Config.total_steps:
    batch = next(stream)
    logits = net(batch["feats"]).squeeze(1)
    loss = F.binary_cross_entropy_with_logits(logits, batch["vad"])
    opt.zero_grad()
    loss.backward()
    opt.step()
    step += 1
    if step % Config.eval_every == 0:
        net.eval()
        with torch.no_grad():
            val = next(batches(val_set, n_val))
            val_logits = net(val["feats"]).squeeze(1)
            acc = frame_accuracy(val_logits, val["vad"])
        net.train()
        print(f"step {step} loss {loss.item():.4f} val frame acc {acc:.3f}")

print("speech ratio (val):", torch.cat([c["vad"] for c in val_set]).mean().item())
