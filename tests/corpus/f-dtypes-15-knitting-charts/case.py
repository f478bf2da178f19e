import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(21)
torch.manual_seed(21)

PAD = 0
STITCHES = ["<pad>", "k", "p", "yo", "k2tog", "ssk", "sl", "c4f", "c4b", "m1"]
GARMENTS = ["lace_shawl", "cable_sweater", "ribbed_hat"]
STITCH_ID = {s: i for i, s in enumerate(STITCHES)}


def random_row(garment):
    if garment == "lace_shawl":
        motif = ["k", "yo", "k2tog", "k", "ssk", "yo"]
    elif garment == "cable_sweater":
        motif = ["p", "k", "c4f", "k", "p", "c4b"]
    else:
        motif = ["k", "k", "p", "p", "m1"]
    reps = random.randint(2, 5)
    row = (motif * reps)[: random.randint(len(motif), len(motif) * reps)]
    return [STITCH_ID[s] for s in row]


def make_dataset(n_per_class=40):
    rows, labels = [], []
    for label, garment in enumerate(GARMENTS):
        for _ in range(n_per_class):
            rows.append(random_row(garment))
            labels.append(label)
    return rows, torch.tensor(labels)


def pad_rows(rows):
    longest = max(len(r) for r in rows)
    out = torch.full((len(rows), longest), PAD, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r)
    return out


class StitchEncoder(nn.Module):
    def __init__(self, n_stitches, n_classes, dim=32, heads=4):
        super().__init__()
        self.embed = nn.Embedding(n_stitches, dim, padding_idx=PAD)
        self.pos = nn.Embedding(64, dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, tokens):
        keep = (tokens != PAD).long()
        positions = torch.arange(tokens.size(1), device=tokens.device)
        h = self.embed(tokens) + self.pos(positions)
        attended, _ = self.attn(h, h, h, key_padding_mask=1 - keep)
        h = self.norm(h + attended)
        pooled = (h * keep.unsqueeze(-1)).sum(1) / keep.sum(1, keepdim=True)
        return self.head(pooled)


def main():
    rows, labels = make_dataset()
    print(f"{len(rows)} chart rows, longest {max(len(r) for r in rows)} stitches")
    model = StitchEncoder(len(STITCHES), len(GARMENTS))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(8):
        perm = torch.randperm(len(rows)).tolist()
        total = 0.0
        for start in range(0, len(perm), 16):
            idx = perm[start:start + 16]
            tokens = pad_rows([rows[i] for i in idx])
            loss = F.cross_entropy(model(tokens), labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch} loss {total / len(rows):.4f}")

    model.eval()
    with torch.no_grad():
        probe = pad_rows([random_row(g) for g in GARMENTS])
        pred = model(probe).argmax(-1).tolist()
    print("predicted garments:", [GARMENTS[p] for p in pred])


if __name__ == "__main__":
    main()
