"""Groove-style classifier for 2-bar drum patterns.

Each pattern is a grid of 16th-note steps; every step is encoded as a single
token that packs which drum voices hit on that step (kick/snare/hat/tom/ride).
A bidirectional GRU reads the step tokens and we predict the groove style.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

DRUM_VOICES = ["kick", "snare", "closed_hat", "open_hat", "low_tom", "ride"]
STYLES = ["rock", "funk", "bossa", "hiphop", "dnb", "shuffle"]
STEPS_PER_BAR = 16
N_BARS = 2

GROOVE_CFG = {
    "step_embed": 48,
    "rnn_hidden": 64,
    "rnn_layers": 1,
    "bidirectional": True,
    "dropout": 0.1,
}


def hits_to_token(hits):
    """Pack a set of drum voices into one integer (bitmask) token."""
    tok = 0
    for voice in hits:
        tok |= 1 << DRUM_VOICES.index(voice)
    return tok


N_STEP_TOKENS = 1 << len(DRUM_VOICES)


def synth_pattern(style_idx):
    """Make a toy pattern whose density depends a bit on the style."""
    grid = []
    for step in range(STEPS_PER_BAR * N_BARS):
        hits = set()
        if step % 4 == 0:
            hits.add("kick")
        if step % 8 == 4:
            hits.add("snare")
        if random.random() < 0.3 + 0.1 * style_idx:
            hits.add("closed_hat")
        if style_idx in (2, 5) and random.random() < 0.2:
            hits.add("ride")
        if random.random() < 0.05:
            hits.add(random.choice(["low_tom", "open_hat"]))
        grid.append(hits_to_token(hits))
    return grid


class GrooveClassifier(nn.Module):
    def __init__(self, n_tokens, n_styles, cfg):
        super().__init__()
        self.step_embedding = nn.Embedding(n_tokens, cfg["step_embed"])
        self.encoder = nn.GRU(
            input_size=cfg["step_embed"],
            hidden_size=cfg["rnn_hidden"],
            num_layers=cfg["rnn_layers"],
            batch_first=True,
            bidirectional=cfg["bidirectional"],
        )
        self.drop = nn.Dropout(cfg["dropout"])
        self.style_head = nn.Linear(cfg["rnn_hidden"], n_styles)

    def forward(self, step_tokens):
        emb = self.step_embedding(step_tokens)
        states, _ = self.encoder(emb)
        pooled = states.mean(dim=1)
        return self.style_head(self.drop(pooled))


def make_dataset(n_per_style):
    patterns, labels = [], []
    for s_idx in range(len(STYLES)):
        for _ in range(n_per_style):
            patterns.append(synth_pattern(s_idx))
            labels.append(s_idx)
    return torch.tensor(patterns, dtype=torch.long), torch.tensor(labels)


def train(model, patterns, labels, epochs=3, batch_size=8):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    n = patterns.size(0)
    for epoch in range(epochs):
        order = torch.randperm(n)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            logits = model(patterns[idx])
            loss = F.cross_entropy(logits, labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * idx.numel()
        print(f"epoch {epoch}: loss {total / n:.4f}")


@torch.no_grad()
def evaluate(model, patterns, labels):
    model.eval()
    preds = model(patterns).argmax(dim=-1)
    acc = (preds == labels).float().mean().item()
    print(f"style accuracy: {acc:.3f}")


def main():
    train_x, train_y = make_dataset(n_per_style=12)
    test_x, test_y = make_dataset(n_per_style=4)
    print("train grid:", tuple(train_x.shape), "styles:", len(STYLES))
    model = GrooveClassifier(N_STEP_TOKENS, len(STYLES), GROOVE_CFG)
    train(model, train_x, train_y)
    evaluate(model, test_x, test_y)


if __name__ == "__main__":
    main()
