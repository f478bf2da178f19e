"""Text-CAPTCHA solver: train a tiny CRNN with CTC, checkpoint it, then reload
the checkpoint in a fresh recognizer for the solving service.
"""
import random
import string
import tempfile
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
random.seed(5)

IMG_H, IMG_W = 32, 112
GLYPHS = string.digits + string.ascii_uppercase


def random_captcha():
    return "".join(random.choice(GLYPHS) for _ in range(random.randint(4, 6)))


def draw(code):
    """Placeholder renderer: noisy canvas, same size for every challenge."""
    img = torch.rand(1, IMG_H, IMG_W) * 0.3
    for k, _ in enumerate(code):
        x0 = 6 + k * 17
        img[:, 8:24, x0:x0 + 12] += 0.6
    return img.clamp(0, 1)


class CaptchaNet(nn.Module):
    def __init__(self, n_out):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d((8, 1)),
        )
        self.rnn = nn.LSTM(64, 64, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(128, n_out)

    def forward(self, x):
        cols = self.conv(x).squeeze(2).permute(0, 2, 1)   # B, 28, 64
        cols, _ = self.rnn(cols)
        return self.fc(cols)                                # B, 28, n_out


class CTCTrainer(nn.Module):
    """Bundles the recognizer with its loss so the loop stays short."""

    def __init__(self, n_out):
        super().__init__()
        self.net = CaptchaNet(n_out)
        self.ctc = nn.CTCLoss(blank=0, zero_infinity=True)

    def forward(self, imgs, targets, target_lens):
        logits = self.net(imgs)
        logp = F.log_softmax(logits, -1).permute(1, 0, 2)
        frames = torch.full((imgs.size(0),), logp.size(0), dtype=torch.long)
        return self.ctc(logp, targets, frames, target_lens)


def encode(codes, table):
    flat = torch.tensor([table[c] for code in codes for c in code])
    return flat, torch.tensor([len(code) for code in codes])


def solve(model, imgs, symbols):
    best = model(imgs).argmax(-1)
    answers = []
    for row in best.tolist():
        prev, chars = 0, []
        for s in row:
            if s and s != prev:
                chars.append(symbols[s])
            prev = s
        answers.append("".join(chars))
    return answers


def main():
    train_codes = [random_captcha() for _ in range(64)]
    symbols = ["-"] + sorted(set("".join(train_codes)))
    table = {c: i for i, c in enumerate(symbols)}

    trainer = CTCTrainer(len(symbols))
    opt = torch.optim.Adam(trainer.parameters(), lr=2e-3)
    for epoch in range(3):
        for i in range(0, len(train_codes), 16):
            codes = train_codes[i:i + 16]
            imgs = torch.stack([draw(c) for c in codes])
            targets, target_lens = encode(codes, table)
            loss = trainer(imgs, targets, target_lens)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: {loss.item():.3f}")

    with tempfile.TemporaryDirectory() as tmp:
        ckpt = Path(tmp) / "captcha_crnn.pt"
        torch.save({"weights": trainer.state_dict(), "symbols": symbols}, ckpt)

        # --- solving service side ---
        bundle = torch.load(ckpt)
        solver = CaptchaNet(len(bundle["symbols"]))
        solver.load_state_dict(bundle["weights"])
        solver.eval()

    challenges = [c for c in (random_captcha() for _ in range(20))
                  if set(c) <= set(table)][:5]
    with torch.no_grad():
        guesses = solve(solver, torch.stack([draw(c) for c in challenges]),
                        bundle["symbols"])
    for truth, guess in zip(challenges, guesses):
        print(f"{truth:>6} -> {guess}")


if __name__ == "__main__":
    main()
