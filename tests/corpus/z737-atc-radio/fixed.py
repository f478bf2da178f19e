"""Word-level tagging of air-traffic-control radio calls from audio frames.

Each transmission comes with a forced alignment (word, start s, end s). We featurise the waveform
into fixed-hop frames, run a small transformer encoder over the frames and classify every aligned
word from the encoder states at its boundary frames (endpoint span representation).
"""
import math
from dataclasses import dataclass, field
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

HOP = 160          # samples between frames
WIN = 400          # samples per analysis window
N_BINS = 24
TAGS = ["callsign", "instruction", "value", "other"]


@dataclass
class AlignedWord:
    text: str
    start: float
    end: float
    tag: int


@dataclass
class Transmission:
    call_id: str
    sample_rate: int
    duration: float
    words: List[AlignedWord] = field(default_factory=list)

    def waveform(self):
        n = int(self.duration * self.sample_rate)
        t = torch.arange(n) / self.sample_rate
        tone = torch.sin(2 * math.pi * 440.0 * t)
        return 0.3 * tone + 0.05 * torch.randn(n)


CALLS = [
    Transmission("TWR-0412", 16000, 2.4, [
        AlignedWord("speedbird", 0.10, 0.55, 0), AlignedWord("four", 0.55, 0.80, 0),
        AlignedWord("climb", 0.95, 1.30, 1), AlignedWord("flight", 1.35, 1.60, 1),
        AlignedWord("level", 1.60, 1.85, 1), AlignedWord("eighty", 1.90, 2.30, 2)]),
    Transmission("APP-0977", 16000, 2.0, [
        AlignedWord("easy", 0.05, 0.35, 0), AlignedWord("two", 0.35, 0.60, 0),
        AlignedWord("turn", 0.70, 0.95, 1), AlignedWord("left", 0.95, 1.20, 1),
        AlignedWord("heading", 1.20, 1.55, 1), AlignedWord("two", 1.55, 1.90, 2)]),
    # relayed via the HF patch, long carrier noise before the controller keys in
    Transmission("HF-1130", 8000, 3.4, [
        AlignedWord("shanwick", 1.80, 2.25, 3), AlignedWord("delta", 2.30, 2.60, 0),
        AlignedWord("one", 2.60, 2.80, 0), AlignedWord("maintain", 2.85, 3.05, 1),
        AlignedWord("mach", 3.05, 3.20, 2), AlignedWord("eight", 3.20, 3.32, 2)]),
]


def frame_features(wave):
    frames = wave.unfold(0, WIN, HOP) * torch.hann_window(WIN)
    spec = torch.fft.rfft(frames).abs().pow(2)
    # crude band pooling down to N_BINS log energies
    bands = torch.tensor_split(spec, N_BINS, dim=-1)
    return torch.stack([b.mean(-1) for b in bands], dim=-1).add(1e-6).log()


def seconds_to_frame(seconds, sample_rate):
    return int(seconds * sample_rate) // HOP


class FrameTagger(nn.Module):
    def __init__(self, n_in=N_BINS, d=32, n_tags=len(TAGS)):
        super().__init__()
        self.proj = nn.Linear(n_in, d)
        layer = nn.TransformerEncoderLayer(d, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(2 * d, n_tags)

    def forward(self, feats, spans):
        states = self.encoder(self.proj(feats).unsqueeze(0)).squeeze(0)
        reps = [torch.cat([states[s], states[e]]) for s, e in spans]
        return self.head(torch.stack(reps))


def prepare(calls):
    print(f"hop {HOP}, window {WIN}")
    examples = []
    for call in calls:
        feats = frame_features(call.waveform())
        spans = [(seconds_to_frame(w.start, call.sample_rate),
                  seconds_to_frame(w.end, call.sample_rate) - 1) for w in call.words]
        gold = torch.tensor([w.tag for w in call.words])
        print(f"  {call.call_id}: {feats.shape[0]} frames, {len(spans)} words")
        examples.append((call.call_id, feats, spans, gold))
    return examples


def main():
    examples = prepare(CALLS)
    tagger = FrameTagger()
    opt = torch.optim.Adam(tagger.parameters(), lr=1e-3)
    for epoch in range(3):
        total = 0.0
        for call_id, feats, spans, gold in examples:
            logits = tagger(feats, spans)
            loss = F.cross_entropy(logits, gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(examples):.4f}")

    tagger.eval()
    with torch.no_grad():
        for (call_id, feats, spans, gold), call in zip(examples, CALLS):
            pred = tagger(feats, spans).argmax(-1).tolist()
            tagged = " ".join(f"{w.text}/{TAGS[p]}" for w, p in zip(call.words, pred))
            print(f"{call_id}: {tagged}")


if __name__ == "__main__":
    main()
