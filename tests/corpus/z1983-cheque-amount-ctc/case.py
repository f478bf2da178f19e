"""Courtesy-amount recognition on bank cheques.

The handwritten amount box ("1,250.00") is cropped, resized to 28 px high
with the width scaled to keep the aspect ratio, and read by a small
convolutional model trained with CTC.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
random.seed(5)

BOX_HEIGHT = 28
GLYPHS = "0123456789,.$"
CTC_BLANK = len(GLYPHS)               # blank is the last class
glyph_id = {g: i for i, g in enumerate(GLYPHS)}


def random_amount():
    dollars = random.randint(1, 99999)
    return f"${dollars:,}.{random.randint(0, 99):02d}"


def scan_amount_box(amount):
    # synthetic scan: each glyph occupies ~10 px of width at height 28
    strip = torch.rand(1, BOX_HEIGHT, 10 * len(amount) + 6) * 0.15
    for k, g in enumerate(amount):
        x0 = 3 + 10 * k
        strip[:, 5:23, x0:x0 + 7] += 0.3 + glyph_id[g] / 20
    return strip


def make_batch(amounts):
    strips = [scan_amount_box(a) for a in amounts]
    widest = max(s.shape[-1] for s in strips)
    boxes = torch.ones(len(strips), 1, BOX_HEIGHT, widest)   # paper is white
    pix_widths = []
    for i, s in enumerate(strips):
        boxes[i, :, :, : s.shape[-1]] = s
        pix_widths.append(s.shape[-1])
    labels = torch.tensor([glyph_id[g] for a in amounts for g in a], dtype=torch.long)
    label_lens = torch.tensor([len(a) for a in amounts], dtype=torch.long)
    return boxes, torch.tensor(pix_widths), labels, label_lens


class AmountReader(nn.Module):
    def __init__(self, n_classes, width=64):
        super().__init__()
        self.width = width
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d((2, 2)),
            nn.Conv2d(32, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.MaxPool2d((2, 1)),
            nn.AdaptiveMaxPool2d((1, None)),
        )
        self.frame_mlp = nn.Sequential(nn.Linear(width, width), nn.ReLU(),
                                       nn.Linear(width, n_classes))

    def forward(self, boxes):
        cols = self.features(boxes).squeeze(2)            # (B, width, T)
        B, C, T = cols.shape
        frames = cols.transpose(1, 2)                     # (B, T, width)
        scores = self.frame_mlp(frames.view(B * T, C))    # (B*T, n_classes)
        return scores.view(B, T, -1)

    @staticmethod
    def frame_lengths(pix_widths):
        return pix_widths // 2


def best_path(log_probs, lengths):
    hyps = []
    for row, n in zip(log_probs.argmax(-1), lengths):
        prev, out = CTC_BLANK, []
        for k in row[: int(n)].tolist():
            if k != prev and k != CTC_BLANK:
                out.append(GLYPHS[k])
            prev = k
        hyps.append("".join(out))
    return hyps


def main():
    reader = AmountReader(len(GLYPHS) + 1)
    optim = torch.optim.AdamW(reader.parameters(), lr=2e-3, weight_decay=1e-4)
    cheques = [random_amount() for _ in range(48)]

    reader.train()
    for epoch in range(3):
        random.shuffle(cheques)
        for s in range(0, len(cheques), 12):
            boxes, pix_widths, labels, label_lens = make_batch(cheques[s:s + 12])
            log_probs = reader(boxes).log_softmax(-1)
            frame_lens = AmountReader.frame_lengths(pix_widths)
            loss = F.ctc_loss(log_probs.transpose(0, 1), labels, frame_lens, label_lens,
                              blank=CTC_BLANK, zero_infinity=True)
            optim.zero_grad()
            loss.backward()
            optim.step()
        print(f"epoch {epoch}: ctc={loss.item():.3f}")

    reader.eval()
    held_out = [random_amount() for _ in range(6)]
    with torch.no_grad():
        boxes, pix_widths, _, _ = make_batch(held_out)
        hyps = best_path(reader(boxes).log_softmax(-1), AmountReader.frame_lengths(pix_widths))
    for ref, hyp in zip(held_out, hyps):
        print(f"{ref:>12} -> {hyp}")


if __name__ == "__main__":
    main()
