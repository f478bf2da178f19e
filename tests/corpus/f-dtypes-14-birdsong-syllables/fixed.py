import random

import torch
import torch.nn as nn

torch.manual_seed(3)
random.seed(3)

SYLLABLES = ["<pad>", "chip", "tsee", "trill", "buzz", "whistle", "chuck", "zee", "warble"]
SPECIES = ["wren", "warbler", "sparrow"]
SONG_BANK = {
    0: ["trill", "chip", "trill", "trill", "warble"],
    1: ["zee", "zee", "buzz", "tsee", "zee", "buzz", "whistle"],
    2: ["chip", "chuck", "whistle", "chip"],
}


def sample_song(species):
    motif = SONG_BANK[species]
    n = random.randint(3, len(motif))
    return [SYLLABLES.index(s) for s in motif[:n]]


def batch_songs(songs):
    width = max(len(s) for s in songs)
    tokens, flags = [], []
    for s in songs:
        gap = width - len(s)
        tokens.append(s + [0] * gap)
        flags.append([0] * len(s) + [1] * gap)
    return torch.tensor(tokens), torch.tensor(flags, dtype=torch.bool)


class SongClassifier(nn.Module):
    def __init__(self, n_syllables, n_species, dim=32):
        super().__init__()
        self.embed = nn.Embedding(n_syllables, dim, padding_idx=0)
        self.pos = nn.Parameter(torch.randn(16, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.out = nn.Linear(dim, n_species)

    def forward(self, tokens, pad_flags):
        h = self.embed(tokens) + self.pos[: tokens.size(1)]
        h = self.encoder(h, src_key_padding_mask=pad_flags)
        h = h.masked_fill(pad_flags.unsqueeze(-1), 0.0)
        pooled = h.sum(1) / (~pad_flags).sum(1, keepdim=True)
        return self.out(pooled)


def make_batch(n):
    labels = [random.randrange(len(SPECIES)) for _ in range(n)]
    tokens, pad_flags = batch_songs([sample_song(y) for y in labels])
    return tokens, pad_flags, torch.tensor(labels)


def main():
    model = SongClassifier(len(SYLLABLES), len(SPECIES))
    optim = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    print(f"{len(SYLLABLES) - 1} syllable types, {len(SPECIES)} species")

    for step in range(30):
        model.train()
        tokens, pad_flags, labels = make_batch(12)
        loss = loss_fn(model(tokens, pad_flags), labels)
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 10 == 0:
            print(f"step {step}: loss {loss.item():.4f}")

    model.eval()
    tokens, pad_flags, labels = make_batch(30)
    with torch.no_grad():
        acc = (model(tokens, pad_flags).argmax(-1) == labels).float().mean().item()
    print(f"held-out accuracy: {acc:.2%}")


if __name__ == "__main__":
    main()
