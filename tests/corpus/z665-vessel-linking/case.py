# Entity linking for vessel mentions in maritime casualty reports -> IMO registry entries.
# Bi-encoder: hashed trigram bag for the mention context, learned vector per registry entry.
import random
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

REGISTRY = [
    # imo, name, flag, type
    (9321483, "NORDIC STAR", "NO", "chemical tanker"),
    (9187552, "NORDIC STAR", "PA", "bulk carrier"),
    (9450219, "NORDIC STAR", "MT", "ro-ro cargo"),
    (9703291, "OCEAN PRIDE", "LR", "container ship"),
    (9274115, "OCEAN PRIDE", "BS", "crude oil tanker"),
    (9612087, "MARIA K", "GR", "bulk carrier"),
    (9389024, "MARIA K", "CY", "general cargo"),
    (9556310, "BALTIC TRADER", "AG", "general cargo"),
    (9145872, "BALTIC TRADER", "DE", "container feeder"),
    (9811436, "SEA LION", "SG", "offshore supply"),
    (9238750, "SEA LION", "PH", "passenger ferry"),
    (9420663, "ATLANTIC DAWN", "IE", "fishing trawler"),
]
ROW_OF = {imo: r for r, (imo, *_rest) in enumerate(REGISTRY)}

REPORTS = [
    ("The chemical tanker NORDIC STAR (NO flag) reported a pump room fire off Bergen.", "NORDIC STAR", 9321483),
    ("Bulk carrier NORDIC STAR grounded near Paranagua while loading soybeans.", "NORDIC STAR", 9187552),
    ("Container ship OCEAN PRIDE lost 40 boxes overboard in the Bay of Biscay.", "OCEAN PRIDE", 9703291),
    ("Crude tanker OCEAN PRIDE under Bahamas flag detained in Rotterdam.", "OCEAN PRIDE", 9274115),
    ("General cargo MARIA K, Cyprus flag, collided with a pier in Limassol.", "MARIA K", 9389024),
    ("Feeder BALTIC TRADER had engine failure in the Kiel Canal.", "BALTIC TRADER", 9145872),
    ("Passenger ferry SEA LION evacuated after smoke in the car deck near Cebu.", "SEA LION", 9238750),
    ("Offshore supply vessel SEA LION struck a platform leg, Singapore flag.", "SEA LION", 9811436),
    ("Ro-ro NORDIC STAR, Maltese registry, listed heavily during discharge.", "NORDIC STAR", 9450219),
    ("Bulk carrier MARIA K anchored off Piraeus with cracked hatch covers.", "MARIA K", 9612087),
]

N_BUCKETS = 2048
DIM = 48
N_CANDS = 4
N_HARD_NEG = 4


def trigram_ids(text):
    t = f"  {text.lower()}  "
    return [zlib.crc32(t[i:i + 3].encode()) % N_BUCKETS for i in range(len(t) - 2)]


def alias_lookup(surface):
    return [imo for imo, name, _f, _t in REGISTRY if name == surface.upper()]


def build_example(text, surface, gold_imo, rng):
    alias_hits = alias_lookup(surface)
    others = [imo for imo, *_ in REGISTRY if imo not in alias_hits]
    pool = sorted(set(alias_hits) | set(rng.sample(others, N_HARD_NEG)))
    gold_pos = pool.index(gold_imo)

    # fixed-size candidate set, gold always kept, order randomised so position carries no signal
    negatives = rng.sample([c for c in pool if c != gold_imo], N_CANDS - 1)
    cands = [gold_imo] + negatives
    rng.shuffle(cands)
    return {
        "ctx": trigram_ids(text),
        "cand_rows": [ROW_OF[c] for c in cands],
        "gold": gold_pos,
    }


class BiEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.ctx_bag = nn.EmbeddingBag(N_BUCKETS, DIM, mode="mean")
        self.ctx_proj = nn.Linear(DIM, DIM)
        self.ent = nn.Embedding(len(REGISTRY), DIM)

    def forward(self, ctx_flat, ctx_offsets, cand_rows):
        m = self.ctx_proj(torch.tanh(self.ctx_bag(ctx_flat, ctx_offsets)))  # (B, D)
        e = self.ent(cand_rows)                                             # (B, K, D)
        return torch.einsum("bd,bkd->bk", m, e)


def make_batch(examples):
    flat, offsets = [], []
    for ex in examples:
        offsets.append(len(flat))
        flat.extend(ex["ctx"])
    return (torch.tensor(flat), torch.tensor(offsets),
            torch.tensor([ex["cand_rows"] for ex in examples]),
            torch.tensor([ex["gold"] for ex in examples]))


def margin_loss(scores, gold, margin=0.5):
    pos = scores.gather(1, gold.unsqueeze(1))          # (B, 1)
    hinge = F.relu(margin - pos + scores)
    not_gold = torch.ones_like(scores).scatter_(1, gold.unsqueeze(1), 0.0)
    return (hinge * not_gold).sum(1).mean()


def main():
    rng = random.Random(11)
    examples = [build_example(t, s, g, rng) for t, s, g in REPORTS]
    print(f"{len(examples)} mentions, {N_CANDS} candidates each")

    model = BiEncoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    bs = 4
    for epoch in range(3):
        random.shuffle(examples)
        total = 0.0
        for i in range(0, len(examples), bs):
            ctx_flat, ctx_off, cand_rows, gold = make_batch(examples[i:i + bs])
            scores = model(ctx_flat, ctx_off, cand_rows)
            loss = margin_loss(scores, gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total:.3f}")

    with torch.no_grad():
        ctx_flat, ctx_off, cand_rows, gold = make_batch(examples)
        hit = (model(ctx_flat, ctx_off, cand_rows).argmax(1) == gold).float().mean()
    print(f"train accuracy@1: {hit:.2f}")


if __name__ == "__main__":
    main()
