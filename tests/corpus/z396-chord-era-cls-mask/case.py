"""Classify the stylistic era of a chord progression (baroque / classical / romantic / jazz).

Progressions are sequences of chord symbols mapped to ids; a small transformer encoder
with a learned summary token reads them and predicts the era.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

ROOTS = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
QUALITIES = ["", "m", "7", "maj7", "m7", "dim", "aug", "sus4", "9", "m9"]
CHORD_VOCAB = ["<pad>"] + [r + q for r in ROOTS for q in QUALITIES]
CHORD_TO_ID = {c: i for i, c in enumerate(CHORD_VOCAB)}
PAD_ID = 0
ERAS = ["baroque", "classical", "romantic", "jazz"]

ENC_CFG = {"d_model": 64, "nhead": 4, "ff": 128, "layers": 2, "dropout": 0.1}


def fake_progression(era_idx):
    n = random.randint(6, 24)
    allowed = QUALITIES[: 3 + 2 * era_idx]
    return [random.choice(ROOTS) + random.choice(allowed) for _ in range(n)]


def build_corpus(n_pieces=32):
    corpus = []
    for _ in range(n_pieces):
        era = random.randrange(len(ERAS))
        corpus.append(([CHORD_TO_ID[c] for c in fake_progression(era)], era))
    return corpus


def collate_progressions(batch):
    lengths = [len(ids) for ids, _ in batch]
    longest = max(lengths)
    chord_ids = torch.full((len(batch), longest), PAD_ID, dtype=torch.long)
    for row, (ids, _) in enumerate(batch):
        chord_ids[row, : len(ids)] = torch.tensor(ids)
    pad_mask = chord_ids == PAD_ID
    eras = torch.tensor([era for _, era in batch])
    return chord_ids, pad_mask, eras


class EraClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, cfg, max_len=64):
        super().__init__()
        d = cfg["d_model"]
        self.chord_emb = nn.Embedding(vocab_size, d, padding_idx=PAD_ID)
        self.pos_emb = nn.Embedding(max_len + 1, d)
        self.summary_token = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        layer = nn.TransformerEncoderLayer(
            d_model=d,
            nhead=cfg["nhead"],
            dim_feedforward=cfg["ff"],
            dropout=cfg["dropout"],
            batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=cfg["layers"])
        self.head = nn.Linear(d, n_classes)

    def forward(self, chord_ids, pad_mask):
        x = self.chord_emb(chord_ids)
        summary = self.summary_token.expand(x.size(0), -1, -1)
        x = torch.cat([summary, x], dim=1)
        positions = torch.arange(x.size(1), device=x.device)
        x = x + self.pos_emb(positions)[None]
        h = self.encoder(x, src_key_padding_mask=pad_mask)
        return self.head(h[:, 0])


def train(model, corpus, epochs=1, batch_size=16, lr=3e-4):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for epoch in range(epochs):
        random.shuffle(corpus)
        total, correct, running = 0, 0, 0.0
        for start in range(0, len(corpus), batch_size):
            chord_ids, pad_mask, eras = collate_progressions(corpus[start : start + batch_size])
            logits = model(chord_ids, pad_mask)
            loss = F.cross_entropy(logits, eras)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(eras)
            correct += (logits.argmax(-1) == eras).sum().item()
            total += len(eras)
        print(f"epoch {epoch}: loss={running / total:.3f} acc={correct / total:.3f}")


if __name__ == "__main__":
    corpus = build_corpus()
    model = EraClassifier(len(CHORD_VOCAB), len(ERAS), ENC_CFG)
    print(f"{sum(p.numel() for p in model.parameters())} parameters")
    train(model, corpus)
