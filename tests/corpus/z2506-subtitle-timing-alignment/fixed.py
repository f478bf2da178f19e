import os
import re

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(11)

FPS = 20                 # audio energy frames per second
WIN_S = 2.0              # look +-2 s around each subtitle start
SOUND_TAGS = ["[MUSIC]", "[DOOR SLAMS]", "[THUNDER]", "[LAUGHTER]", "♪", "[SIREN WAILS]"]
WORDS = np.array(["where", "were", "you", "last", "night", "i", "told", "her", "already",
                  "we", "need", "to", "go", "now", "don't", "look", "back", "listen", "it's", "over"])
TIME_RE = re.compile(r"(\d+):(\d+):(\d+),(\d+)")


def is_sound_tag(text):
    t = text.strip()
    return t.startswith("[") and t.endswith("]") or t.startswith("♪")


def fmt_ts(sec):
    ms = int(round(sec * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def parse_ts(ts):
    h, m, s, ms = map(int, TIME_RE.match(ts).groups())
    return h * 3600 + m * 60 + s + ms / 1000.0


def make_reel(n_cues, seed):
    rng = np.random.default_rng(seed)
    cues, t = [], 1.0
    drift = rng.uniform(-0.8, 0.8)
    for i in range(n_cues):
        dur = rng.uniform(1.0, 3.5)
        if rng.random() < 0.15:
            text = str(rng.choice(SOUND_TAGS))
        else:
            text = " ".join(rng.choice(WORDS, size=rng.integers(2, 8)))
        cues.append({"idx": i + 1, "start": t, "end": t + dur, "text": text})
        t += dur + rng.uniform(0.3, 1.5)
    energy = rng.normal(0.05, 0.02, int((t + 3) * FPS)).astype(np.float32)
    for c in cues:
        if is_sound_tag(c["text"]):
            s, e = int(c["start"] * FPS), int(c["end"] * FPS)
            energy[s:e] += rng.uniform(0.2, 0.4)
            continue
        c["true_shift"] = float(drift + rng.normal(0, 0.15))
        s = int((c["start"] + c["true_shift"]) * FPS)
        e = int((c["end"] + c["true_shift"]) * FPS)
        energy[max(s, 0):max(e, 0)] += 1.0
    return cues, energy


def write_srt(path, cues):
    with open(path, "w", encoding="utf-8") as f:
        for n, c in enumerate(cues, 1):
            f.write(f"{n}\n{fmt_ts(c['start'])} --> {fmt_ts(c['end'])}\n{c['text']}\n\n")


def read_srt(path):
    with open(path, encoding="utf-8") as f:
        blocks = [b for b in f.read().strip().split("\n\n") if b.strip()]
    cues = []
    for b in blocks:
        lines = b.splitlines()
        start, end = [parse_ts(x.strip()) for x in lines[1].split("-->")]
        cues.append({"idx": int(lines[0]), "start": start, "end": end, "text": " ".join(lines[2:])})
    return cues


def onset_windows(cues, energy):
    half = int(WIN_S * FPS)
    padded = np.pad(energy, (half, half))
    rows = []
    for c in cues:
        centre = int(c["start"] * FPS) + half
        rows.append(padded[centre - half:centre + half + 1])
    return torch.from_numpy(np.stack(rows))


def build_aligner():
    return nn.Sequential(
        nn.Linear(2 * int(WIN_S * FPS) + 1, 64),
        nn.Tanh(),
        nn.Linear(64, 32),
        nn.Tanh(),
        nn.Linear(32, 1),
    )


def train_aligner(model, reels, epochs=150, lr=3e-3):
    xs, ys = [], []
    for cues, energy in reels:
        dialogue = [c for c in cues if not is_sound_tag(c["text"])]
        xs.append(onset_windows(dialogue, energy))
        ys.append(torch.tensor([c["true_shift"] for c in dialogue]))
    x, y = torch.cat(xs), torch.cat(ys)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for ep in range(epochs):
        pred = model(x).squeeze(-1)
        loss = nn.functional.smooth_l1_loss(pred, y, beta=0.1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if ep % 50 == 0 or ep == epochs - 1:
            print(f"epoch {ep:3d}  loss {loss.item():.4f}")
    return model


def retime(cues, shifts, min_dur=0.5):
    out = []
    for i in range(len(cues)):
        c = dict(cues[i])
        delta = shifts[i].item()
        c["start"] = max(0.0, c["start"] + delta)
        c["end"] = max(c["start"] + min_dur, c["end"] + delta)
        out.append(c)
    return out


def main():
    train_reels = [make_reel(60, seed=s) for s in range(4)]
    model = train_aligner(build_aligner(), train_reels)

    test_cues, test_energy = make_reel(40, seed=99)
    srt_in = os.path.join(HERE, "reel5_draft.srt")
    write_srt(srt_in, test_cues)

    cues = read_srt(srt_in)
    dialogue = [c for c in cues if not is_sound_tag(c["text"])]
    model.eval()
    with torch.no_grad():
        shifts = model(onset_windows(dialogue, test_energy)).squeeze(-1)
    print(f"{len(cues)} cues, median predicted shift {shifts.median().item():+.3f}s")

    retimed = retime(dialogue, shifts)
    write_srt(os.path.join(HERE, "reel5_aligned.srt"), retimed)
    print("wrote", len(retimed), "aligned cues")


if __name__ == "__main__":
    main()
