"""Frame-level bird call tagger over log-mel spectrograms.

Subcommands:
    features  synthesize clips and show spectrogram shapes
    tag       run the frame tagger and print per-species call frames
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

import torch
import torch.nn as nn

SPECIES = ["wren", "robin", "blackbird", "chiffchaff"]
DEFAULTS = {
    "sample_rate": 8000,
    "clip_seconds": 2.0,
    "n_fft": 256,
    "hop": 128,
    "n_mels": 20,
    "hidden": 32,
    "seed": 11,
}


def dump_defaults(path):
    with open(path, "w") as fh:
        json.dump(DEFAULTS, fh, indent=2)


def effective_params(path, ns):
    with open(path) as fh:
        params = json.load(fh)
    for key in params:
        val = getattr(ns, key, None)
        if val is not None:
            params[key] = val
    return params


def synth_clips(params, n_clips, gen):
    n = int(params["sample_rate"] * params["clip_seconds"])
    t = torch.arange(n) / params["sample_rate"]
    clips = []
    for k in range(n_clips):
        pitch = 1500 + 400 * k
        chirp = torch.sin(2 * torch.pi * pitch * t * (1 + 0.3 * t))
        envelope = (torch.rand(n // 400 + 1, generator=gen) > 0.6).float().repeat_interleave(400)[:n]
        clips.append(chirp * envelope + 0.05 * torch.randn(n, generator=gen))
    return torch.stack(clips)


def mel_filterbank(n_fft, n_mels, sample_rate):
    n_bins = n_fft // 2 + 1
    centers = torch.linspace(0, n_bins - 1, n_mels + 2)
    bins = torch.arange(n_bins, dtype=torch.float32)
    fb = torch.zeros(n_mels, n_bins)
    for m in range(n_mels):
        lo, mid, hi = centers[m], centers[m + 1], centers[m + 2]
        up = (bins - lo) / (mid - lo)
        down = (hi - bins) / (hi - mid)
        fb[m] = torch.clamp(torch.minimum(up, down), min=0)
    return fb


def log_mel(clips, params):
    window = torch.hann_window(params["n_fft"])
    spec = torch.stft(clips, params["n_fft"], hop_length=params["hop"], window=window,
                      return_complex=True).abs() ** 2          # (B, bins, frames)
    fb = mel_filterbank(params["n_fft"], params["n_mels"], params["sample_rate"])
    return torch.log(fb @ spec + 1e-6)  # (B, mels, frames)


class FrameTagger(nn.Module):
    def __init__(self, n_mels, hidden, n_species):
        super().__init__()
        self.proj = nn.Linear(n_mels, hidden)
        self.out = nn.Linear(hidden, n_species)

    def forward(self, frames):
        return self.out(torch.relu(self.proj(frames)))


def tag_frames(model, mel):
    batch, n_mels, n_frames = mel.shape
    frames = mel.transpose(1, 2)                  # (B, frames, mels)
    flat = frames.view(batch * n_frames, n_mels)
    scores = torch.sigmoid(model(flat))
    return scores.view(batch, n_frames, -1)


def cmd_features(params):
    gen = torch.Generator().manual_seed(params["seed"])
    mel = log_mel(synth_clips(params, len(SPECIES), gen), params)
    print("log-mel batch:", tuple(mel.shape))


def cmd_tag(params):
    gen = torch.Generator().manual_seed(params["seed"])
    torch.manual_seed(params["seed"])
    mel = log_mel(synth_clips(params, len(SPECIES), gen), params)
    mel = (mel - mel.mean()) / mel.std()
    model = FrameTagger(params["n_mels"], params["hidden"], len(SPECIES)).eval()
    with torch.no_grad():
        scores = tag_frames(model, mel)
    sec_per_frame = params["hop"] / params["sample_rate"]
    for clip_idx, clip_scores in enumerate(scores):
        active = (clip_scores > 0.5).sum(dim=0)
        summary = ", ".join(f"{sp}={n.item() * sec_per_frame:.2f}s" for sp, n in zip(SPECIES, active))
        print(f"clip {clip_idx}: {summary}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("features", "tag"):
        sp = sub.add_parser(name)
        sp.add_argument("--n-mels", dest="n_mels", type=int)
        sp.add_argument("--hop", type=int)
        sp.add_argument("--seed", type=int)
    ns = parser.parse_args(argv)
    cfg = Path(tempfile.mkdtemp(prefix="birdtag_")) / "tagger.json"
    dump_defaults(cfg)
    params = effective_params(cfg, ns)
    if ns.command == "features":
        cmd_features(params)
    else:
        cmd_tag(params)


if __name__ == "__main__":
    main(sys.argv[1:] or ["tag"])
