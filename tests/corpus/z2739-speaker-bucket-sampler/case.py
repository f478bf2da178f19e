import math
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, Sampler


@dataclass
class HParams:
    n_speakers: int = 6
    utts_train: int = 12
    utts_val: int = 4
    sample_rate: int = 8000
    n_fft: int = 256
    hop: int = 80
    n_bands: int = 24
    crop_frames: int = 40
    gru_hidden: int = 64
    batch_size: int = 12
    epochs: int = 3
    lr: float = 2e-3
    seed: int = 2024
    speaker_f0: list = field(default_factory=lambda: [95, 120, 150, 185, 210, 240])


def band_spectrogram(wav, hp):
    window = torch.hann_window(hp.n_fft)
    mag = torch.stft(wav, hp.n_fft, hp.hop, window=window, return_complex=True).abs()
    edges = np.unique(np.geomspace(1, mag.shape[0], hp.n_bands + 1).astype(int))
    bands = torch.stack([mag[a:b].mean(0) for a, b in zip(edges[:-1], edges[1:])])
    if bands.shape[0] < hp.n_bands:
        bands = F.pad(bands, (0, 0, 0, hp.n_bands - bands.shape[0]))
    return torch.log1p(bands).T


def utterance_stream(hp, utts_per_speaker, seed):
    rng = np.random.default_rng(seed)
    for spk, f0 in enumerate(hp.speaker_f0[:hp.n_speakers]):
        for u in range(utts_per_speaker):
            n = int(hp.sample_rate * rng.uniform(0.6, 1.1))
            t = np.arange(n) / hp.sample_rate
            vibrato = 1 + 0.01 * np.sin(2 * math.pi * rng.uniform(3, 6) * t)
            wav = sum(np.sin(2 * math.pi * f0 * h * vibrato * t) / h ** 1.2 for h in range(1, 10))
            wav = wav * (0.5 + 0.5 * np.abs(np.sin(2 * math.pi * rng.uniform(2, 4) * t)))
            wav = wav + 0.05 * rng.standard_normal(n)
            yield {"utt_id": f"spk{spk}-utt{u:02d}", "speaker": spk,
                   "wav": torch.tensor(wav, dtype=torch.float32)}


class SpectrogramFrames(Dataset):
    def __init__(self, hp, utts_per_speaker, seed):
        self.records = []
        for rec in utterance_stream(hp, utts_per_speaker, seed):
            self.records.append({"utt_id": rec["utt_id"], "speaker": rec["speaker"],
                                 "spec": band_spectrogram(rec["wav"], hp)})

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        return self.records[idx]


class SpeakerBucketSampler(Sampler):
    """Shuffles speakers, then utterances inside each speaker, in chunks of `chunk` utterances."""

    def __init__(self, speaker_of, chunk=4, seed=0):
        self.speaker_of = list(speaker_of)
        self.chunk = chunk
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch):
        self.epoch = epoch

    def __iter__(self):
        rng = random.Random(self.seed + self.epoch)
        buckets = {}
        for idx, spk in enumerate(self.speaker_of):
            buckets.setdefault(spk, []).append(idx)
        chunks = []
        for spk, idxs in buckets.items():
            rng.shuffle(idxs)
            chunks += [idxs[i:i + self.chunk] for i in range(0, len(idxs), self.chunk)]
        rng.shuffle(chunks)
        order = [i for c in chunks for i in c]
        return order

    def __len__(self):
        return len(self.speaker_of)


def random_crop_collate(crop_frames, seed):
    rng = random.Random(seed)

    def _collate(records):
        specs = []
        for r in records:
            spec = r["spec"]
            start = rng.randint(0, max(spec.shape[0] - crop_frames, 0))
            specs.append(spec[start:start + crop_frames])
        return {"spec": torch.stack(specs),
                "speaker": torch.tensor([r["speaker"] for r in records]),
                "utt_id": [r["utt_id"] for r in records]}

    return _collate


class SpeakerGRU(nn.Module):
    def __init__(self, hp):
        super().__init__()
        self.hp = hp
        self.norm = nn.InstanceNorm1d(hp.n_bands)
        self.gru = nn.GRU(hp.n_bands, hp.gru_hidden, batch_first=True, bidirectional=True)
        self.attn = nn.Linear(2 * hp.gru_hidden, 1)
        self.out = nn.Linear(2 * hp.gru_hidden, hp.n_speakers)

    def forward(self, spec):
        x = self.norm(spec.transpose(1, 2)).transpose(1, 2)
        h, _ = self.gru(x)
        w = torch.softmax(self.attn(h), dim=1)
        return self.out((w * h).sum(1))

    def training_step(self, batch, batch_idx):
        logits = self(batch["spec"])
        return F.cross_entropy(logits, batch["speaker"], label_smoothing=0.05)

    def validation_step(self, batch, batch_idx):
        logits = self(batch["spec"])
        return {"loss": F.cross_entropy(logits, batch["speaker"]).item(),
                "correct": (logits.argmax(1) == batch["speaker"]).sum().item(),
                "count": len(batch["utt_id"])}

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hp.lr)


def main(hp: HParams):
    random.seed(hp.seed)
    torch.manual_seed(hp.seed)
    train_ds = SpectrogramFrames(hp, hp.utts_train, seed=hp.seed)
    val_ds = SpectrogramFrames(hp, hp.utts_val, seed=hp.seed + 1)
    sampler = SpeakerBucketSampler([r["speaker"] for r in train_ds.records], chunk=4, seed=hp.seed)
    train_dl = DataLoader(train_ds, batch_size=hp.batch_size, sampler=sampler,
                          collate_fn=random_crop_collate(hp.crop_frames, hp.seed))
    val_dl = DataLoader(val_ds, batch_size=hp.batch_size,
                        collate_fn=random_crop_collate(hp.crop_frames, hp.seed + 1))

    model = SpeakerGRU(hp)
    optim = model.configure_optimizers()
    for epoch in range(hp.epochs):
        sampler.set_epoch(epoch)
        model.train()
        losses = []
        for step, batch in enumerate(train_dl):
            loss = model.training_step(batch, step)
            optim.zero_grad()
            loss.backward()
            optim.step()
            losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            logs = [model.validation_step(batch, i) for i, batch in enumerate(val_dl)]
        acc = sum(l["correct"] for l in logs) / sum(l["count"] for l in logs)
        print(f"[epoch {epoch}] train {np.mean(losses):.3f} | val acc {acc:.2%}")


if __name__ == "__main__":
    main(HParams())
