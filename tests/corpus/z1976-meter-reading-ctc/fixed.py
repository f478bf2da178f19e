"""CRNN + CTC for reading the digit window of utility meters.

Synthetic meter strips: every digit is a fixed 24x12 glyph template with noise,
strips have 4-8 digits and are padded to the widest strip in the batch.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

STRIP_H = 24
GLYPH_W = 12
MARGIN = 4

train_readings = ["".join(random.choice("0123456789") for _ in range(random.randint(4, 8)))
                  for _ in range(64)]
eval_readings = ["04571", "1289330", "77", "500162"]

# vocabulary from the training text, index 0 is the CTC blank
charset = sorted(set("".join(train_readings)))
char_to_id = {c: i + 1 for i, c in enumerate(charset)}
id_to_char = {i: c for c, i in char_to_id.items()}
BLANK = 0

glyphs = {c: (torch.rand(STRIP_H, GLYPH_W) > 0.55).float() for c in charset}


def render_strip(reading):
    width = 2 * MARGIN + GLYPH_W * len(reading)
    img = torch.zeros(STRIP_H, width)
    for k, ch in enumerate(reading):
        x0 = MARGIN + k * GLYPH_W
        img[:, x0:x0 + GLYPH_W] = glyphs[ch]
    img += 0.1 * torch.randn_like(img)
    return img


def make_batch(readings):
    strips = [render_strip(r) for r in readings]
    pixel_widths = torch.tensor([s.shape[1] for s in strips])
    max_w = int(pixel_widths.max())
    max_w += (-max_w) % 4
    batch = torch.zeros(len(strips), 1, STRIP_H, max_w)
    for i, s in enumerate(strips):
        batch[i, 0, :, :s.shape[1]] = s
    targets = torch.tensor([char_to_id[c] for r in readings for c in r])
    target_lengths = torch.tensor([len(r) for r in readings])
    return batch, pixel_widths, targets, target_lengths


class MeterCRNN(nn.Module):
    width_stride = 4

    def __init__(self, num_classes, hidden=48):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.rnn = nn.LSTM(32 * (STRIP_H // 4), hidden, bidirectional=True)
        self.head = nn.Linear(2 * hidden, num_classes)

    def forward(self, x):
        f = self.features(x)                      # B, C, H/4, W/4
        b, c, h, w = f.shape
        f = f.permute(3, 0, 1, 2).reshape(w, b, c * h)
        seq, _ = self.rnn(f)
        return self.head(seq).log_softmax(-1)     # T, B, classes


def greedy_decode(log_probs, lengths):
    best = log_probs.argmax(-1)                   # T, B
    texts = []
    for b in range(best.shape[1]):
        prev, chars = BLANK, []
        for t in range(int(lengths[b])):
            k = best[t, b].item()
            if k != BLANK and k != prev:
                chars.append(id_to_char[k])
            prev = k
        texts.append("".join(chars))
    return texts


model = MeterCRNN(num_classes=len(charset) + 1)
ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(3):
    random.shuffle(train_readings)
    for i in range(0, len(train_readings), 16):
        chunk = train_readings[i:i + 16]
        strips, pixel_widths, targets, target_lengths = make_batch(chunk)
        log_probs = model(strips)
        frame_lengths = pixel_widths // model.width_stride
        loss = ctc(log_probs, targets, frame_lengths, target_lengths)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch} ctc {loss.item():.3f}")

model.eval()
with torch.no_grad():
    strips, pixel_widths, targets, target_lengths = make_batch(eval_readings)
    log_probs = model(strips)
    predictions = greedy_decode(log_probs, pixel_widths // model.width_stride)

correct = 0
for truth, pred in zip(eval_readings, predictions):
    correct += truth == pred
    print(f"{truth:>10} -> {pred}")
print(f"exact match {correct}/{len(eval_readings)}")
