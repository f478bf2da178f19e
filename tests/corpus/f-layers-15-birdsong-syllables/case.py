import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(9)
torch.manual_seed(9)

SEQ_LEN = 12
N_SYLLABLES = 20
SPECIES = ["wren", "chaffinch", "blackcap", "robin"]


def make_bias_table(n, max_dist=6):
    pos = torch.arange(n)
    dist = (pos[None, :] - pos[:, None]).abs().clamp(max=max_dist).float()
    return -0.25 * dist


class SyllableAttention(nn.Module):
    def __init__(self, dim, seq_len):
        super().__init__()
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.scale = 1.0 / math.sqrt(dim)
        self.rel_bias = make_bias_table(seq_len)

    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        scores = q @ k.transpose(-2, -1) * self.scale
        scores = scores + self.rel_bias
        return self.proj(scores.softmax(-1) @ v)


class SongClassifier(nn.Module):
    def __init__(self, n_syllables, n_species, dim=32, seq_len=SEQ_LEN):
        super().__init__()
        self.embed = nn.Embedding(n_syllables, dim)
        self.attn = SyllableAttention(dim, seq_len)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, n_species)

    def forward(self, syllables):
        h = self.embed(syllables)
        h = self.norm(h + self.attn(h))
        return self.head(h.mean(1))


def build():
    return SongClassifier(N_SYLLABLES, len(SPECIES))


def synth_song(species_idx):
    base = [species_idx * 4 + (i % 4) for i in range(SEQ_LEN)]
    return [s if random.random() > 0.2 else random.randrange(N_SYLLABLES) for s in base]


def dry_run(batch_size):
    probe = build().to("meta")
    x_meta = torch.zeros(batch_size, SEQ_LEN, dtype=torch.long, device="meta")
    out = probe(x_meta)
    n_params = sum(p.numel() for p in probe.parameters())
    print(f"dry run: output {tuple(out.shape)}, {n_params} parameters")
    return out.shape


def main():
    dry_run(batch_size=16)
    songs = [synth_song(i % len(SPECIES)) for i in range(160)]
    labels = torch.tensor([i % len(SPECIES) for i in range(160)])
    x = torch.tensor(songs)

    model = build()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for epoch in range(6):
        perm = torch.randperm(len(x))
        total = 0.0
        for start in range(0, len(x), 16):
            idx = perm[start:start + 16]
            loss = F.cross_entropy(model(x[idx]), labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch} loss {total / len(x):.4f}")

    with torch.no_grad():
        acc = (model(x).argmax(-1) == labels).float().mean().item()
    print(f"train accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
