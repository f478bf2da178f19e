"""Handwritten herbarium specimen labels -> transcription (CRNN + CTC).

Scanned label lines have arbitrary resolution; every line is rescaled to a height of
32 px keeping its aspect ratio, then right-padded inside the batch.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
random.seed(3)

TARGET_H = 32
genera = ["Quercus", "Salix", "Carex", "Rosa", "Betula", "Viola", "Juncus"]
epithets = ["robur", "alba", "nigra", "canina", "pendula", "riviniana", "effusus"]
collectors = ["Hooker", "Gray", "Britton", "Lindley"]

labels = [f"{random.choice(genera)} {random.choice(epithets)} leg. {random.choice(collectors)} "
          f"{random.randint(1850, 1930)}" for _ in range(40)]

charset = sorted(set("".join(labels)))
char_index = {c: i + 1 for i, c in enumerate(charset)}
index_char = {i: c for c, i in char_index.items()}


def scan_label(text):
    """Fake a scan: one random stroke pattern per character at a random dpi."""
    dpi_scale = random.uniform(1.4, 1.9)
    h = int(TARGET_H * dpi_scale)
    char_w = int(10 * dpi_scale)
    cols = [torch.sin(torch.linspace(0, 3 + char_index[c] % 7, char_w))[None].expand(h, -1)
            for c in text]
    scan = torch.cat(cols, dim=1) + 0.2 * torch.rand(h, char_w * len(text))
    return scan[None]                                   # 1, H, W


def normalize_height(scan):
    w, h = scan.shape[-2:]
    new_w = max(1, round(w * TARGET_H / h))
    return F.interpolate(scan[None], size=(TARGET_H, new_w), mode="bilinear",
                         align_corners=False)[0]


def build_batch(texts):
    lines = [normalize_height(scan_label(t)) for t in texts]
    widths = torch.tensor([ln.shape[-1] for ln in lines])
    batch = torch.ones(len(lines), 1, TARGET_H, int(widths.max()))
    for i, ln in enumerate(lines):
        batch[i, :, :, :ln.shape[-1]] = ln
    flat_targets = torch.tensor([char_index[c] for t in texts for c in t])
    target_lens = torch.tensor([len(t) for t in texts])
    return batch, widths, flat_targets, target_lens


class LabelHTR(nn.Module):
    downsample = 8

    def __init__(self, n_out):
        super().__init__()
        blocks = []
        for cin, cout in [(1, 24), (24, 48), (48, 64)]:
            blocks += [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                       nn.MaxPool2d(2)]
        self.conv = nn.Sequential(*blocks)
        self.lstm = nn.LSTM(64 * (TARGET_H // 8), 96, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(192, n_out)

    def forward(self, lines):
        feat = self.conv(lines)
        n, c, h, w = feat.shape
        seq = feat.reshape(n, c * h, w).permute(2, 0, 1)
        seq, _ = self.lstm(seq)
        return F.log_softmax(self.fc(seq), dim=-1)


def best_path(log_probs, frame_lens):
    paths = log_probs.argmax(-1).T.tolist()
    out = []
    for path, n in zip(paths, frame_lens.tolist()):
        chars, last = [], 0
        for k in path[:n]:
            if k and k != last:
                chars.append(index_char[k])
            last = k
        out.append("".join(chars))
    return out


htr = LabelHTR(len(charset) + 1)
criterion = nn.CTCLoss(blank=0, zero_infinity=True)
optim = torch.optim.Adam(htr.parameters(), lr=1e-3)

train_labels, val_labels = labels[:32], labels[32:36]
for epoch in range(2):
    random.shuffle(train_labels)
    for i in range(0, len(train_labels), 8):
        lines, widths, flat_targets, target_lens = build_batch(train_labels[i:i + 8])
        log_probs = htr(lines)
        frame_lens = torch.clamp(widths // htr.downsample, max=log_probs.shape[0])
        loss = criterion(log_probs, flat_targets, frame_lens, target_lens)
        optim.zero_grad()
        loss.backward()
        optim.step()
    print(f"epoch {epoch}: ctc {loss.item():.3f}")

htr.eval()
with torch.no_grad():
    lines, widths, _, _ = build_batch(val_labels)
    log_probs = htr(lines)
    guesses = best_path(log_probs, widths // htr.downsample)
for truth, guess in zip(val_labels, guesses):
    print(f"{truth}\n  -> {guess}")
