"""Two-tower retrieval for the 'You may also like' carousel (fashion catalog).

User tower: mean of the styles the shopper clicked recently + shopper segment.
Style tower: style embedding + brand embedding.
Trained with in-batch sampled softmax on (shopper, next clicked style) pairs.
"""
import random
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(11)
torch.manual_seed(11)

N_SEGMENTS = 5
N_BRANDS = 25
RECENT_K = 8
DIM = 48
BATCH = 64
TEMPERATURE = 0.1


def load_catalog_and_clicks():
    """Stand-in for the catalog table + clickstream parquet."""
    catalog = {}
    for k in range(420):
        catalog[f"ST-{10000 + 7 * k}"] = {"brand": k % N_BRANDS}
    style_codes = list(catalog)
    clicks = []
    for shopper in range(80):
        segment = shopper % N_SEGMENTS
        favourite = random.sample(style_codes, 12)
        n = random.randint(6, 30)
        for t in range(n):
            code = random.choice(favourite) if random.random() < 0.6 else random.choice(style_codes)
            clicks.append((shopper, segment, t, code))
    return catalog, clicks


catalog, clicks = load_catalog_and_clicks()

# row 0 of the style table is reserved for padding short click histories
style_index = {code: i + 1 for i, code in enumerate(sorted(catalog))}
brand_of_style = torch.zeros(len(style_index) + 1, dtype=torch.long)
for code, row in style_index.items():
    brand_of_style[row] = catalog[code]["brand"]

by_shopper = defaultdict(list)
segment_of = {}
for shopper, segment, t, code in sorted(clicks, key=lambda c: (c[0], c[2])):
    by_shopper[shopper].append(style_index[code])
    segment_of[shopper] = segment

examples = []
for shopper, seq in by_shopper.items():
    for t in range(1, len(seq)):
        recent = seq[max(0, t - RECENT_K) : t]
        recent = [0] * (RECENT_K - len(recent)) + recent
        examples.append((recent, segment_of[shopper], seq[t]))
print(f"{len(style_index)} styles, {len(by_shopper)} shoppers, {len(examples)} training pairs")

n_styles = len(style_index)


class ShopperTower(nn.Module):
    def __init__(self, style_table):
        super().__init__()
        self.style_table = style_table
        self.segment_emb = nn.Embedding(N_SEGMENTS, DIM)
        self.proj = nn.Sequential(nn.Linear(2 * DIM, DIM), nn.ReLU(), nn.Linear(DIM, DIM))

    def forward(self, recent_styles, segments):
        clicked = self.style_table(recent_styles)
        valid = (recent_styles > 0).float().unsqueeze(-1)
        taste = (clicked * valid).sum(1) / valid.sum(1).clamp(min=1.0)
        return F.normalize(self.proj(torch.cat([taste, self.segment_emb(segments)], -1)), dim=-1)


class StyleTower(nn.Module):
    def __init__(self, style_table):
        super().__init__()
        self.style_table = style_table
        self.brand_emb = nn.Embedding(N_BRANDS, DIM)
        self.proj = nn.Linear(2 * DIM, DIM)

    def forward(self, styles):
        feats = torch.cat([self.style_table(styles), self.brand_emb(brand_of_style[styles])], -1)
        return F.normalize(self.proj(feats), dim=-1)


style_table = nn.Embedding(n_styles + 1, DIM, padding_idx=0)
shopper_tower = ShopperTower(style_table)
style_tower = StyleTower(style_table)
params = list(shopper_tower.parameters()) + [p for n, p in style_tower.named_parameters() if not n.startswith("style_table")]
optim = torch.optim.Adam(params, lr=2e-3)

for epoch in range(1):
    random.shuffle(examples)
    total, steps = 0.0, 0
    for b in range(0, len(examples), BATCH):
        chunk = examples[b : b + BATCH]
        recent = torch.tensor([e[0] for e in chunk])
        segs = torch.tensor([e[1] for e in chunk])
        target = torch.tensor([e[2] for e in chunk])

        u = shopper_tower(recent, segs)
        v = style_tower(target)
        sim = u @ v.T / TEMPERATURE
        # duplicates of the same style inside a batch are not negatives
        same = target[:, None] == target[None, :]
        sim = sim.masked_fill(same & ~torch.eye(len(chunk), dtype=torch.bool), float("-inf"))
        loss = F.cross_entropy(sim, torch.arange(len(chunk)))

        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
        steps += 1
    print(f"epoch {epoch}: in-batch softmax loss {total / steps:.4f}")

# recall@20 against the full catalog for a sample of pairs
with torch.no_grad():
    all_rows = torch.arange(1, n_styles + 1)
    catalog_vecs = style_tower(all_rows)
    sample = examples[:500]
    u = shopper_tower(torch.tensor([e[0] for e in sample]), torch.tensor([e[1] for e in sample]))
    top = (u @ catalog_vecs.T).topk(20, dim=-1).indices + 1
    truth = torch.tensor([e[2] for e in sample])
    print(f"recall@20: {(top == truth[:, None]).any(1).float().mean():.3f}")
