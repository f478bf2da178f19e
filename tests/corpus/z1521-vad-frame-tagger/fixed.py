"""Voice-activity tagger: conv subsampler + GRU that labels every output frame speech / non-speech."""
import argparse
import json
import os
import sys
import tempfile

import torch
import torch.nn as nn

CONFIG_FILE = os.path.join(tempfile.gettempdir(), "vad_tagger", "vad_config.json")

BASE_CONFIG = {
    "n_mels": 40,
    "clip_seconds": 2.0,
    "hop_ms": 10,
    "subsample": 2,
    "rnn_hidden": 48,
    "clips_per_batch": 6,
    "steps": 5,
    "lr": 1e-3,
    "seed": 0,
}


def dump_config(path=CONFIG_FILE):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(BASE_CONFIG, fh, indent=2)
    return path


def resolve_config(path, flags):
    with open(path) as fh:
        cfg = json.load(fh)
    overrides = {k: v for k, v in vars(flags).items() if v is not None and k in cfg}
    cfg.update(overrides)
    return cfg


class FrameTagger(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.subsample = cfg["subsample"]
        self.front = nn.Sequential(
            nn.Conv1d(cfg["n_mels"], cfg["rnn_hidden"], kernel_size=3, stride=self.subsample, padding=1),
            nn.ReLU(),
        )
        self.rnn = nn.GRU(cfg["rnn_hidden"], cfg["rnn_hidden"], batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * cfg["rnn_hidden"], 2)

    def forward(self, mels):
        x = self.front(mels).transpose(1, 2)
        x, _ = self.rnn(x)
        return self.head(x)


def speech_segments(gen, clip_seconds):
    start = float(torch.rand(1, generator=gen)) * clip_seconds * 0.5
    length = 0.3 + float(torch.rand(1, generator=gen)) * clip_seconds * 0.4
    return [(start, min(start + length, clip_seconds))]


def segments_to_frames(segments, num_frames, hop_s):
    tags = torch.zeros(num_frames, dtype=torch.long)
    for begin, end in segments:
        lo = int(begin / hop_s)
        hi = min(int(end / hop_s), num_frames)
        tags[lo:hi] = 1
    return tags


def make_batch(cfg, gen):
    hop_s = cfg["hop_ms"] / 1000.0
    num_frames = int(cfg["clip_seconds"] / hop_s)
    mels, tags = [], []
    for _ in range(cfg["clips_per_batch"]):
        segs = speech_segments(gen, cfg["clip_seconds"])
        frame_tags = segments_to_frames(segs, num_frames, hop_s)
        spec = torch.randn(cfg["n_mels"], num_frames, generator=gen) + 2.0 * frame_tags.float()
        mels.append(spec)
        tags.append(frame_tags[::cfg["subsample"]])
    return torch.stack(mels), torch.stack(tags)


def tagging_loss(logits, tags):
    return nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), tags.reshape(-1))


def cmd_train(cfg):
    torch.manual_seed(cfg["seed"])
    gen = torch.Generator().manual_seed(cfg["seed"])
    model = FrameTagger(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for step in range(cfg["steps"]):
        mels, tags = make_batch(cfg, gen)
        logits = model(mels)
        loss = tagging_loss(logits, tags)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.4f}")


def cmd_shapes(cfg):
    gen = torch.Generator().manual_seed(cfg["seed"])
    mels, tags = make_batch(cfg, gen)
    print("mels", tuple(mels.shape), "tags", tuple(tags.shape))


def build_parser():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    tr = sub.add_parser("train")
    tr.add_argument("--steps", type=int)
    tr.add_argument("--lr", type=float)
    tr.add_argument("--subsample", type=int)
    sh = sub.add_parser("shapes")
    sh.add_argument("--clips-per-batch", dest="clips_per_batch", type=int)
    return p


def main(argv=None):
    flags = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    cfg = resolve_config(dump_config(), flags)
    {"train": cmd_train, "shapes": cmd_shapes}[flags.cmd](cfg)


if __name__ == "__main__":
    if len(sys.argv) == 1:
        sys.argv.append("train")
    main()
