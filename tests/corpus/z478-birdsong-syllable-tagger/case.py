"""Frame-level syllable tagger for zebra finch song recordings.

Every spectrogram frame gets one of a handful of syllable labels (silence,
intro note, or motif syllables A-D).  Spectrograms are simulated here: each
syllable type has its own spectral template plus noise.
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F

SYLLABLES = ["silence", "intro", "A", "B", "C", "D"]


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-mels", type=int, default=32)
    p.add_argument("--frames", type=int, default=48)
    p.add_argument("--hidden", type=int, default=40)
    p.add_argument("--songs", type=int, default=4)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=3)
    return p.parse_args()


def simulate_songs(n_songs, n_frames, n_mels, gen):
    templates = torch.randn(len(SYLLABLES), n_mels, generator=gen)
    specs, tags = [], []
    for _ in range(n_songs):
        seq = []
        while len(seq) < n_frames:
            syl = int(torch.randint(len(SYLLABLES), (1,), generator=gen))
            dur = int(torch.randint(2, 7, (1,), generator=gen))
            seq.extend([syl] * dur)
        seq = torch.tensor(seq[:n_frames])
        spec = templates[seq] + 0.5 * torch.randn(n_frames, n_mels, generator=gen)
        specs.append(spec)
        tags.append(seq)
    return torch.stack(specs), torch.stack(tags)


class SyllableTagger(nn.Module):
    def __init__(self, n_mels, hidden, n_classes):
        super().__init__()
        self.conv = nn.Conv1d(n_mels, hidden, kernel_size=5, padding=2)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_classes)

    def forward(self, spec):                     # spec: (B, T, n_mels)
        h = F.relu(self.conv(spec.transpose(1, 2))).transpose(1, 2)
        h, _ = self.rnn(h)
        return self.out(h)                       # (B, T, n_classes)


class Trainer:
    def __init__(self, model, lr=2e-3):
        self.model = model
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)

    def frame_loss(self, spec, tags):
        logits = self.model(spec)
        return F.cross_entropy(logits, tags)

    def fit(self, specs, tags, epochs, batch_size=4):
        for epoch in range(epochs):
            total = 0.0
            for i in range(0, len(specs), batch_size):
                loss = self.frame_loss(specs[i:i + batch_size], tags[i:i + batch_size])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                total += loss.item()
            print(f"epoch {epoch}: mean loss {total / (len(specs) // batch_size):.4f}")

    @torch.no_grad()
    def frame_accuracy(self, specs, tags):
        pred = self.model(specs).argmax(-1)
        return (pred == tags).float().mean().item()


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    specs, tags = simulate_songs(args.songs, args.frames, args.n_mels, gen)
    model = SyllableTagger(args.n_mels, args.hidden, len(SYLLABLES))
    trainer = Trainer(model)
    trainer.fit(specs, tags, args.epochs)
    print(f"frame accuracy: {trainer.frame_accuracy(specs, tags):.3f}")


if __name__ == "__main__":
    main()
