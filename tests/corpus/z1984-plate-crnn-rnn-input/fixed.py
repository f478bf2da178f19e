"""Licence-plate reader: CRNN + CTC trained on synthetic plate strips.

Plate crops are converted to grayscale, resized to a fixed strip height while
keeping the aspect ratio, padded on the right to the widest plate in the batch,
and read left to right by a BiLSTM over the CNN column features.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

STRIP_H = 48          # plates are taller than text lines, keep more detail
RAW_H = 60            # height of the raw crops coming out of the detector
BLANK = 0

TRAIN_PLATES = ["KA01AB1234", "MH12DE4321", "DL8CAF0042", "TN22BZ9087",
                "GJ05RT7710", "HR26DK8337", "AP09CX1189", "WB02QL5520"]

charset = sorted(set("".join(TRAIN_PLATES)))
char_to_idx = {ch: i + 1 for i, ch in enumerate(charset)}   # 0 is the CTC blank
idx_to_char = {i: ch for ch, i in char_to_idx.items()}
num_classes = len(charset) + 1


def fake_crop(plate):
    """Stand-in for a detector crop: random pixels, width grows with text length."""
    width = 14 * len(plate) + random.randint(-6, 12)
    return torch.rand(1, RAW_H, width)


def to_strip(crop):
    _, h, w = crop.shape
    new_w = max(8, round(w * STRIP_H / h))
    strip = F.interpolate(crop.unsqueeze(0), size=(STRIP_H, new_w),
                          mode="bilinear", align_corners=False)
    return strip.squeeze(0)


def collate(plates):
    strips = [to_strip(fake_crop(p)) for p in plates]
    max_w = max(s.shape[-1] for s in strips)
    batch = torch.zeros(len(strips), 1, STRIP_H, max_w)
    for i, s in enumerate(strips):
        batch[i, :, :, : s.shape[-1]] = s
    widths = torch.tensor([s.shape[-1] for s in strips])
    targets = torch.tensor([char_to_idx[c] for p in plates for c in p])
    target_lens = torch.tensor([len(p) for p in plates])
    return batch, widths, targets, target_lens


class PlateCRNN(nn.Module):
    def __init__(self, n_classes, img_h=32, channels=64, hidden=96):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2, 2),
            nn.Conv2d(32, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU(),
            nn.MaxPool2d(2, 2),
        )
        feat_h = img_h // 4
        self.rnn = nn.LSTM(channels * feat_h, hidden, num_layers=2,
                           bidirectional=True, batch_first=False)
        self.classifier = nn.Linear(2 * hidden, n_classes)

    def forward(self, x):
        f = self.backbone(x)                       # B, C, H', W'
        b, c, h, w = f.shape
        f = f.permute(3, 0, 1, 2).reshape(w, b, c * h)
        seq, _ = self.rnn(f)
        return self.classifier(seq).log_softmax(-1)   # T, B, K


def greedy_decode(log_probs):
    best = log_probs.argmax(-1).transpose(0, 1)   # B, T
    out = []
    for row in best.tolist():
        chars, prev = [], BLANK
        for k in row:
            if k != prev and k != BLANK:
                chars.append(idx_to_char[k])
            prev = k
        out.append("".join(chars))
    return out


def main():
    model = PlateCRNN(num_classes, img_h=STRIP_H)
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)

    for epoch in range(3):
        random.shuffle(TRAIN_PLATES)
        total = 0.0
        for start in range(0, len(TRAIN_PLATES), 4):
            plates = TRAIN_PLATES[start:start + 4]
            images, widths, targets, target_lens = collate(plates)
            log_probs = model(images)
            frame_lens = torch.div(widths, 4, rounding_mode="floor")
            loss = ctc(log_probs, targets, frame_lens, target_lens)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: ctc {total:.3f}")

    model.eval()
    with torch.no_grad():
        images, _, _, _ = collate(TRAIN_PLATES[:4])
        for gt, pred in zip(TRAIN_PLATES[:4], greedy_decode(model(images))):
            print(f"{gt} -> {pred!r}")


if __name__ == "__main__":
    main()
