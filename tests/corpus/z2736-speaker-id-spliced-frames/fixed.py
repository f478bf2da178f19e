import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, Sampler

SEED = 1234
SPLICE_FRAMES = 5


@dataclass
class FrontendConfig:
    sample_rate: int = 16000
    n_fft: int = 400
    hop_length: int = 160
    n_mels: int = 40
    context: int = 3
    chunk_frames: int = 32


def mel_filterbank(n_mels, n_fft, sample_rate, fmin=20.0, fmax=None):
    fmax = fmax or sample_rate / 2
    hz_to_mel = lambda f: 2595.0 * np.log10(1.0 + f / 700.0)
    mel_to_hz = lambda m: 700.0 * (10 ** (m / 2595.0) - 1.0)
    mel_pts = np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2)
    bins = np.floor((n_fft + 1) * mel_to_hz(mel_pts) / sample_rate).astype(int)
    fb = np.zeros((n_mels, n_fft // 2 + 1), dtype=np.float32)
    for m in range(1, n_mels + 1):
        left, center, right = bins[m - 1], bins[m], bins[m + 1]
        for k in range(left, center):
            fb[m - 1, k] = (k - left) / max(center - left, 1)
        for k in range(center, right):
            fb[m - 1, k] = (right - k) / max(right - center, 1)
    return torch.from_numpy(fb)


class LogMelFrontend:
    def __init__(self, cfg: FrontendConfig):
        self.cfg = cfg
        self.fb = mel_filterbank(cfg.n_mels, cfg.n_fft, cfg.sample_rate)
        self.window = torch.hann_window(cfg.n_fft)

    def __call__(self, wav):
        spec = torch.stft(wav, self.cfg.n_fft, self.cfg.hop_length, window=self.window,
                          return_complex=True).abs().pow(2)
        logmel = torch.log(self.fb @ spec + 1e-6).T
        logmel = (logmel - logmel.mean(0)) / (logmel.std(0) + 1e-5)
        return splice(logmel, self.cfg.context)


def splice(frames, context):
    padded = torch.cat([frames[:1].repeat(context, 1), frames, frames[-1:].repeat(context, 1)])
    windows = padded.unfold(0, 2 * context + 1, 1)
    return windows.transpose(1, 2).reshape(frames.size(0), -1)


def synth_utterance(f0, formants, n_samples, sr, rng):
    t = np.arange(n_samples) / sr
    jitter = 1.0 + 0.02 * rng.standard_normal()
    wav = sum(np.sin(2 * math.pi * f0 * jitter * h * t) / h for h in range(1, 8))
    for fm in formants:
        wav += 0.3 * np.sin(2 * math.pi * fm * t + rng.uniform(0, 2 * math.pi))
    wav += 0.05 * rng.standard_normal(n_samples)
    return torch.tensor(wav, dtype=torch.float32)


class SpeakerFrames(Dataset):
    def __init__(self, n_speakers, utts_per_speaker, frontend, seed):
        rng = np.random.default_rng(seed)
        self.items = []
        for spk in range(n_speakers):
            f0 = 90 + 15 * spk
            formants = [500 + 60 * spk, 1500 + 90 * spk]
            for _ in range(utts_per_speaker):
                wav = synth_utterance(f0, formants, 8000, frontend.cfg.sample_rate, rng)
                self.items.append({"feats": frontend(wav), "speaker": spk})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class SpeakerBalancedSampler(Sampler):
    def __init__(self, speakers, spk_per_batch, utts_per_spk, seed=0):
        self.by_speaker = {}
        for idx, spk in enumerate(speakers):
            self.by_speaker.setdefault(spk, []).append(idx)
        self.spk_per_batch = spk_per_batch
        self.utts_per_spk = utts_per_spk
        self.rng = random.Random(seed)

    def __iter__(self):
        pools = {s: self.rng.sample(v, len(v)) for s, v in self.by_speaker.items()}
        while True:
            alive = [s for s, v in pools.items() if len(v) >= self.utts_per_spk]
            if len(alive) < self.spk_per_batch:
                break
            for spk in self.rng.sample(alive, self.spk_per_batch):
                for _ in range(self.utts_per_spk):
                    yield pools[spk].pop()

    def __len__(self):
        return sum(len(v) for v in self.by_speaker.values())


def make_collate(chunk_frames, seed):
    rng = random.Random(seed)

    def collate(items):
        chunks = []
        for it in items:
            start = rng.randint(0, it["feats"].size(0) - chunk_frames)
            chunks.append(it["feats"][start:start + chunk_frames])
        return {"feats": torch.stack(chunks), "speaker": torch.tensor([it["speaker"] for it in items])}

    return collate


class SpeakerIdModule(nn.Module):
    def __init__(self, cfg: FrontendConfig, n_speakers, hidden=128, lr=1e-3):
        super().__init__()
        in_dim = cfg.n_mels * (2 * cfg.context + 1)
        self.frame_net = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.ReLU(), nn.LayerNorm(hidden),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.classifier = nn.Linear(2 * hidden, n_speakers)
        self.lr = lr

    def forward(self, feats):
        h = self.frame_net(feats)
        stats = torch.cat([h.mean(1), h.std(1)], dim=-1)
        return self.classifier(stats)

    def training_step(self, batch, batch_idx):
        logits = self(batch["feats"])
        loss = F.cross_entropy(logits, batch["speaker"])
        return {"loss": loss}

    def validation_step(self, batch, batch_idx):
        logits = self(batch["feats"])
        correct = (logits.argmax(-1) == batch["speaker"]).sum().item()
        return {"correct": correct, "n": batch["speaker"].numel()}

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr, weight_decay=1e-4)


def fit(module, train_loader, val_loader, epochs):
    opt = module.configure_optimizers()
    for epoch in range(epochs):
        module.train()
        running = []
        for batch_idx, batch in enumerate(train_loader):
            out = module.training_step(batch, batch_idx)
            opt.zero_grad()
            out["loss"].backward()
            opt.step()
            running.append(out["loss"].item())
        module.eval()
        with torch.no_grad():
            outs = [module.validation_step(b, i) for i, b in enumerate(val_loader)]
        acc = sum(o["correct"] for o in outs) / max(sum(o["n"] for o in outs), 1)
        print(f"epoch {epoch} train_loss {np.mean(running):.3f} val_acc {acc:.3f}")


def main():
    torch.manual_seed(SEED)
    cfg = FrontendConfig()
    frontend = LogMelFrontend(cfg)
    n_speakers = 8
    train_ds = SpeakerFrames(n_speakers, 10, frontend, seed=SEED)
    val_ds = SpeakerFrames(n_speakers, 3, frontend, seed=SEED + 1)

    sampler = SpeakerBalancedSampler([it["speaker"] for it in train_ds.items], spk_per_batch=4, utts_per_spk=2)
    train_loader = DataLoader(train_ds, batch_size=8, sampler=sampler,
                              collate_fn=make_collate(cfg.chunk_frames, SEED))
    val_loader = DataLoader(val_ds, batch_size=8, shuffle=False,
                            collate_fn=make_collate(cfg.chunk_frames, SEED + 1))

    module = SpeakerIdModule(cfg, n_speakers)
    fit(module, train_loader, val_loader, epochs=3)


if __name__ == "__main__":
    main()
