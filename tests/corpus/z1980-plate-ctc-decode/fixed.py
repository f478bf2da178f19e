"""Licence-plate reader: CRNN + CTC on synthetic plate crops.

Plate crops are resized to a fixed height of 32 px; width grows with the
number of characters on the plate, so every batch is right-padded to the
widest crop.  Greedy CTC decoding is used to compute sequence accuracy.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

PLATE_HEIGHT = 32
PX_PER_CHAR = 16
ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
BLANK = 0
sym2idx = {s: i + 1 for i, s in enumerate(ALPHABET)}   # 0 is the CTC blank
idx2sym = {i: s for s, i in sym2idx.items()}


def random_plate():
    n = random.choice([6, 7, 8])
    return "".join(random.choice(ALPHABET) for _ in range(n))


def render_crop(plate):
    # stand-in for a real crop: noise with a brighter band per glyph
    w = len(plate) * PX_PER_CHAR
    img = torch.rand(1, PLATE_HEIGHT, w) * 0.2
    for k, ch in enumerate(plate):
        band = slice(k * PX_PER_CHAR + 3, (k + 1) * PX_PER_CHAR - 3)
        img[:, 6:26, band] += 0.5 + sym2idx[ch] / (2 * len(ALPHABET))
    return img


def collate(plates):
    crops = [render_crop(p) for p in plates]
    widths = torch.tensor([c.shape[-1] for c in crops])
    max_w = int(widths.max())
    batch = torch.zeros(len(crops), 1, PLATE_HEIGHT, max_w)
    for i, c in enumerate(crops):
        batch[i, :, :, : c.shape[-1]] = c
    targets = torch.cat([torch.tensor([sym2idx[s] for s in p]) for p in plates])
    target_lens = torch.tensor([len(p) for p in plates])
    return batch, widths, targets, target_lens


class PlateCRNN(nn.Module):
    downsample = 4   # two 2x2 poolings along the width

    def __init__(self, n_symbols):
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 16 x W/2
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 8 x W/4
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d((1, None)),
        )
        self.rnn = nn.LSTM(64, 48, bidirectional=True, batch_first=True)
        self.head = nn.Linear(96, n_symbols + 1)

    def forward(self, crops):
        feats = self.cnn(crops).squeeze(2).permute(0, 2, 1)   # (B, T, 64)
        seq, _ = self.rnn(feats)
        return self.head(seq).log_softmax(-1)                  # (B, T, C)


def greedy_decode(log_probs, lengths):
    best_path = log_probs.argmax(-1)           # (B, T)
    decoded = []
    for i in range(best_path.size(0)):
        row = best_path[i]
        chars, prev = [], BLANK
        for t in range(int(lengths[i])):
            cur = int(row[t])
            if cur != prev and cur != BLANK:
                chars.append(idx2sym[cur])
            prev = cur
        decoded.append("".join(chars))
    return decoded


def main():
    model = PlateCRNN(len(ALPHABET))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)

    train_plates = [random_plate() for _ in range(64)]
    val_plates = [random_plate() for _ in range(16)]

    for epoch in range(2):
        random.shuffle(train_plates)
        for s in range(0, len(train_plates), 16):
            crops, widths, targets, target_lens = collate(train_plates[s:s + 16])
            log_probs = model(crops)
            frame_lens = widths // PlateCRNN.downsample
            loss = ctc(log_probs.transpose(0, 1), targets, frame_lens, target_lens)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} ctc {loss.item():.3f}")

    model.eval()
    with torch.no_grad():
        crops, widths, _, _ = collate(val_plates)
        log_probs = model(crops)
        predictions = greedy_decode(log_probs, widths // PlateCRNN.downsample)

    exact = sum(p == g for p, g in zip(predictions, val_plates))
    print(f"plate accuracy {exact}/{len(val_plates)}")
    for p, g in list(zip(predictions, val_plates))[:4]:
        print(f"  gt={g:<9} pred={p}")


if __name__ == "__main__":
    main()
