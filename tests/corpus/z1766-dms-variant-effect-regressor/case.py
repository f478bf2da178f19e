"""Variant effect regression on a deep mutational scan.

Variants come as coding-DNA HGVS strings (c.<pos><ref>><alt>).  We translate
them to the affected residue, encode the wild-type protein with a small
transformer encoder, and regress the fitness score from the hidden state at
the mutated residue together with the substituted amino acid.
"""
import random
import re

import torch
import torch.nn as nn

random.seed(3)
torch.manual_seed(3)

AMINO = "ACDEFGHIKLMNPQRSTVWY"
AA_INDEX = {aa: i + 1 for i, aa in enumerate(AMINO)}  # 0 = padding
CODON_TABLE = {}
_bases = "TCAG"
_aas = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
for n, (a, b, c) in enumerate((x, y, z) for x in _bases for y in _bases for z in _bases):
    CODON_TABLE[a + b + c] = _aas[n]

HGVS = re.compile(r"c\.(\d+)([ACGT])>([ACGT])")


def translate(cds):
    return "".join(CODON_TABLE[cds[i:i + 3]] for i in range(0, len(cds) - 2, 3))


def random_cds(n_codons):
    sense = [c for c, aa in CODON_TABLE.items() if aa != "*"]
    return "ATG" + "".join(random.choice(sense) for _ in range(n_codons - 1))


def parse_variant(cds, hgvs):
    c_pos, ref, alt = HGVS.fullmatch(hgvs).groups()
    c_pos = int(c_pos)
    assert cds[c_pos - 1] == ref
    mutant = cds[:c_pos - 1] + alt + cds[c_pos:]
    residue_idx = (c_pos - 1) / 3
    codon_start = (c_pos - 1) - (c_pos - 1) % 3
    alt_aa = CODON_TABLE[mutant[codon_start:codon_start + 3]]
    return residue_idx, alt_aa


def build_dms(cds, n_variants):
    variants = []
    while len(variants) < n_variants:
        pos = random.randint(4, len(cds))
        ref = cds[pos - 1]
        alt = random.choice([b for b in "ACGT" if b != ref])
        hgvs = f"c.{pos}{ref}>{alt}"
        residue_idx, alt_aa = parse_variant(cds, hgvs)
        if alt_aa == "*":
            continue
        score = -abs(AMINO.index(alt_aa) - 10) / 10.0 + random.gauss(0, 0.1)
        variants.append((residue_idx, AA_INDEX[alt_aa], score))
    return variants


class ResidueEffectModel(nn.Module):
    def __init__(self, dim=32):
        super().__init__()
        self.aa_emb = nn.Embedding(len(AMINO) + 1, dim, padding_idx=0)
        self.pos_emb = nn.Embedding(512, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Sequential(nn.Linear(2 * dim, dim), nn.ReLU(), nn.Linear(dim, 1))

    def forward(self, protein, site, alt_aa):
        positions = torch.arange(protein.size(1)).unsqueeze(0)
        h = self.encoder(self.aa_emb(protein) + self.pos_emb(positions))
        rows = torch.arange(protein.size(0))
        site_h = h[rows, site]
        return self.head(torch.cat([site_h, self.aa_emb(alt_aa)], dim=-1)).squeeze(-1)


def batches(variants, bs):
    for i in range(0, len(variants), bs):
        chunk = variants[i:i + bs]
        site = torch.tensor([v[0] for v in chunk])
        alt = torch.tensor([v[1] for v in chunk])
        score = torch.tensor([v[2] for v in chunk], dtype=torch.float32)
        yield site, alt, score


def main():
    cds = random_cds(60)
    protein = translate(cds)
    wt = torch.tensor([[AA_INDEX[a] for a in protein]])
    dms = build_dms(cds, 80)
    random.shuffle(dms)
    train_set, test_set = dms[:64], dms[64:]
    print(f"protein length {len(protein)}, {len(train_set)} train / {len(test_set)} test variants")

    model = ResidueEffectModel()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    mse = nn.MSELoss()
    for epoch in range(1):
        model.train()
        total = 0.0
        for site, alt, score in batches(train_set, 32):
            pred = model(wt.expand(site.size(0), -1), site, alt)
            loss = mse(pred, score)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * site.size(0)
        print(f"epoch {epoch} train mse {total / len(train_set):.4f}")

    model.eval()
    with torch.no_grad():
        site, alt, score = next(batches(test_set, len(test_set)))
        pred = model(wt.expand(site.size(0), -1), site, alt)
    r = torch.corrcoef(torch.stack([pred, score]))[0, 1].item()
    print(f"test pearson r = {r:.3f}")


if __name__ == "__main__":
    main()
