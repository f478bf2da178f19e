"""Suggest chord progressions in a given key with a small GRU + beam search.

A songwriting helper: it learns from synthetic pop progressions and proposes
the N best continuations, restricted to chords diatonic to the chosen key and
never repeating the same chord twice in a row.
"""
import argparse
import random

import torch
import torch.nn as nn

NOTES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
CHORDS = [n for n in NOTES] + [n + "m" for n in NOTES]
BOS, EOS = len(CHORDS), len(CHORDS) + 1
VOCAB = len(CHORDS) + 2
MAJOR_DEGREES = [(0, ""), (2, "m"), (4, "m"), (5, ""), (7, ""), (9, "m")]


def diatonic(key):
    root = NOTES.index(key)
    return [CHORDS.index(NOTES[(root + s) % 12] + q) for s, q in MAJOR_DEGREES]


def synth_progressions(n, seed=3):
    rng = random.Random(seed)
    patterns = [[0, 4, 5, 3], [0, 5, 3, 4], [1, 4, 0, 0], [0, 3, 4, 3], [5, 3, 0, 4]]
    data = []
    for _ in range(n):
        key = rng.choice(NOTES)
        scale = diatonic(key)
        pat = rng.choice(patterns) * 2
        data.append([BOS] + [scale[d] for d in pat] + [EOS])
    return torch.tensor(data)


class ChordLM(nn.Module):
    def __init__(self, dim=48):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, dim)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, VOCAB)

    def forward(self, seqs):
        h, _ = self.gru(self.emb(seqs))
        return self.out(h)

    def next_log_probs(self, seqs):
        return self.forward(seqs)[:, -1].log_softmax(-1)


def train(model, data, epochs):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for ep in range(epochs):
        logits = model(data[:, :-1])
        loss = nn.functional.cross_entropy(logits.reshape(-1, VOCAB), data[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"final train loss {loss.item():.3f}")


@torch.no_grad()
def suggest(model, key, num_beams, max_len):
    allowed = torch.full((VOCAB,), float("-inf"))
    allowed[diatonic(key)] = 0.0
    beams = [([BOS], 0.0)]
    finished = []
    for step in range(max_len):
        seqs = torch.tensor([b[0] for b in beams])
        logp = model.next_log_probs(seqs) + allowed
        if step > 0:
            logp[:, EOS] = model.next_log_probs(seqs)[:, EOS]
        for row, (seq, _) in enumerate(beams):
            logp[row, seq[-1]] = float("-inf")
        total = torch.tensor([b[1] for b in beams]).unsqueeze(1) + logp
        flat = total.view(-1)
        valid = torch.isfinite(flat).nonzero().squeeze(1)
        top = flat[valid].topk(min(num_beams, valid.numel()))
        new_beams = []
        for r in range(num_beams):
            pos = valid[top.indices[r]].item()
            src, tok = divmod(pos, VOCAB)
            seq = beams[src][0] + [tok]
            if tok == EOS:
                finished.append((seq, top.values[r].item()))
            else:
                new_beams.append((seq, top.values[r].item()))
        beams = new_beams
        if not beams:
            break
    finished.extend(beams)
    finished.sort(key=lambda b: b[1] / len(b[0]), reverse=True)
    return [[CHORDS[t] for t in s[1:] if t < len(CHORDS)] for s, _ in finished[:num_beams]]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--key", default="G")
    parser.add_argument("--num-beams", type=int, default=8)
    parser.add_argument("--max-len", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()

    torch.manual_seed(0)
    model = ChordLM()
    train(model, synth_progressions(256), args.epochs)
    for prog in suggest(model, args.key, args.num_beams, args.max_len):
        print(" - ".join(prog))
