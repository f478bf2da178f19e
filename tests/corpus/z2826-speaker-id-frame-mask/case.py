import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel


class Config:
    sample_rate = 16000
    frame_len = 400
    frame_shift = 160
    n_fft = 512
    n_mels = 40
    max_frames = 160
    min_seconds = 0.6
    max_seconds = 1.5
    n_speakers = 6
    utts_per_speaker = 10
    hidden = 32
    heads = 2
    layers = 1
    batch_size = 6
    lr = 1e-3
    steps = 30
    seed = 11


@dataclass
class Utterance:
    speaker: int
    wav: torch.Tensor


def triangular_mel_fb(n_fft, n_mels, sr):
    hz2mel = lambda hz: 2595.0 * math.log10(1.0 + hz / 700.0)
    mel2hz = lambda mel: 700.0 * (10.0 ** (mel / 2595.0) - 1.0)
    centers = [mel2hz(m) for m in torch.linspace(0.0, hz2mel(sr / 2), n_mels + 2).tolist()]
    bins = torch.linspace(0.0, sr / 2, n_fft // 2 + 1)
    rows = []
    for lo, mid, hi in zip(centers[:-2], centers[1:-1], centers[2:]):
        rows.append(torch.clamp(torch.minimum((bins - lo) / (mid - lo), (hi - bins) / (hi - mid)), min=0.0))
    return torch.stack(rows)


FBANK = triangular_mel_fb(Config.n_fft, Config.n_mels, Config.sample_rate)
HANN = torch.hann_window(Config.frame_len)


def compute_fbank(wav):
    wav = wav - wav.mean()
    wav = torch.cat([wav[:1], wav[1:] - 0.97 * wav[:-1]])
    frames = wav.unfold(0, Config.frame_len, Config.frame_shift) * HANN
    power = torch.fft.rfft(frames, n=Config.n_fft).abs().square()
    logmel = torch.log(power @ FBANK.T + 1e-6)
    return logmel - logmel.mean(0, keepdim=True)


def fake_speaker_corpus():
    rng = random.Random(Config.seed)
    gen = torch.Generator().manual_seed(Config.seed)
    utts = []
    for spk in range(Config.n_speakers):
        pitch = 90.0 + 35.0 * spk
        formant = 500.0 + 180.0 * spk
        for _ in range(Config.utts_per_speaker):
            secs = rng.uniform(Config.min_seconds, Config.max_seconds)
            n = int(secs * Config.sample_rate)
            t = torch.arange(n) / Config.sample_rate
            f0 = pitch * (1 + 0.05 * torch.sin(2 * math.pi * rng.uniform(2, 5) * t))
            phase = 2 * math.pi * torch.cumsum(f0, 0) / Config.sample_rate
            wav = torch.sin(phase) + 0.4 * torch.sin(2 * math.pi * formant * t)
            wav = 0.2 * wav + 0.01 * torch.randn(n, generator=gen)
            utts.append(Utterance(speaker=spk, wav=wav))
    rng.shuffle(utts)
    return utts


def collate_utterances(items):
    feats = [compute_fbank(u.wav)[: Config.max_frames] for u in items]
    lengths = torch.tensor([f.shape[0] for f in feats])
    padded = pad_sequence(feats, batch_first=True)
    mask = (torch.arange(Config.max_frames)[None, :] < lengths[:, None]).long()
    return {
        "feats": padded,
        "attention_mask": mask,
        "speaker": torch.tensor([u.speaker for u in items]),
    }


def build_input_projection(n_mels, hidden):
    return nn.Sequential(
        nn.LayerNorm(n_mels),
        nn.Linear(n_mels, hidden),
        nn.GELU(),
        nn.Dropout(0.1),
    )


def build_speaker_head(hidden, n_speakers):
    return nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, n_speakers))


class SpeakerClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        enc_cfg = BertConfig(
            vocab_size=8,
            hidden_size=Config.hidden,
            num_hidden_layers=Config.layers,
            num_attention_heads=Config.heads,
            intermediate_size=Config.hidden * 2,
            max_position_embeddings=Config.max_frames + 8,
        )
        self.proj = build_input_projection(Config.n_mels, Config.hidden)
        self.encoder = BertModel(enc_cfg, add_pooling_layer=False)
        self.head = build_speaker_head(Config.hidden, Config.n_speakers)

    def forward(self, feats, attention_mask):
        x = self.proj(feats)
        hidden = self.encoder(inputs_embeds=x, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled)


def main():
    torch.manual_seed(Config.seed)
    corpus = fake_speaker_corpus()
    loader = DataLoader(corpus, batch_size=Config.batch_size, shuffle=True,
                        collate_fn=collate_utterances, drop_last=True)
    model = SpeakerClassifier()
    optimizer = torch.optim.AdamW(model.parameters(), lr=Config.lr)

    step = 0
    it = iter(loader)
    while step < Config.steps:
        try:
            batch = next(it)
        except StopIteration:
            it = iter(loader)
            batch = next(it)
        logits = model(batch["feats"], batch["attention_mask"])
        loss = F.cross_entropy(logits, batch["speaker"])
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        if step % 10 == 0:
            acc = (logits.argmax(-1) == batch["speaker"]).float().mean().item()
            print(f"[{step:03d}] loss={loss.item():.3f} acc={acc:.2f}")


if __name__ == "__main__":
    main()
