"""Missense variant effect regression on a (synthetic) deep mutational scan.

Each variant is described by an 11-residue wild-type window around the mutated
site, the substituted amino acid, and a few per-site numeric annotations
(conservation, hydropathy change, relative position). Target: DMS fitness score.
"""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

AA = "ACDEFGHIKLMNPQRSTVWY"
AA_INDEX = {a: i + 1 for i, a in enumerate(AA)}  # 0 = off-chain padding
KYTE_DOOLITTLE = {
    "A": 1.8, "R": -4.5, "N": -3.5, "D": -3.5, "C": 2.5, "Q": -3.5, "E": -3.5, "G": -0.4,
    "H": -3.2, "I": 4.5, "L": 3.8, "K": -3.9, "M": 1.9, "F": 2.8, "P": -1.6, "S": -0.8,
    "T": -0.7, "W": -0.9, "Y": -1.3, "V": 4.2,
}
FLANK = 5

rng = np.random.default_rng(3)
random.seed(3)
torch.manual_seed(3)


def simulate_scan(protein, n_variants):
    conservation = rng.beta(2.0, 2.0, size=len(protein))
    rows = []
    for _ in range(n_variants):
        pos = random.randrange(len(protein))
        wt = protein[pos]
        mt = random.choice([a for a in AA if a != wt])
        dhyd = KYTE_DOOLITTLE[mt] - KYTE_DOOLITTLE[wt]
        fitness = -2.0 * conservation[pos] * abs(dhyd) / 9.0 + rng.normal(0, 0.1)
        rows.append({"pos": pos, "wt": wt, "mt": mt, "fitness": fitness})
    return conservation, rows


class VariantScan(Dataset):
    def __init__(self, protein, conservation, variants):
        self.windows, self.mutants, numeric, scores = [], [], [], []
        for v in variants:
            p = v["pos"]
            window = [
                AA_INDEX[protein[j]] if 0 <= j < len(protein) else 0
                for j in range(p - FLANK, p + FLANK + 1)
            ]
            self.windows.append(window)
            self.mutants.append(AA_INDEX[v["mt"]])
            numeric.append([
                conservation[p],
                (KYTE_DOOLITTLE[v["mt"]] - KYTE_DOOLITTLE[v["wt"]]) / 9.0,
                p / len(protein),
            ])
            scores.append(v["fitness"])
        self.windows = torch.tensor(self.windows, dtype=torch.long)
        self.mutants = torch.tensor(self.mutants, dtype=torch.long)
        self.site_feats = torch.from_numpy(np.asarray(numeric, dtype=np.float32))
        self.fitness = torch.tensor(scores, dtype=torch.float32)

    def __len__(self):
        return len(self.fitness)

    def __getitem__(self, i):
        return self.windows[i], self.mutants[i], self.site_feats[i], self.fitness[i]


class VariantEffectNet(nn.Module):
    def __init__(self, emb_dim=16, n_site_feats=3, hidden=64):
        super().__init__()
        self.aa_emb = nn.Embedding(len(AA) + 1, emb_dim, padding_idx=0)
        self.context = nn.Conv1d(emb_dim, emb_dim, kernel_size=3, padding=1)
        in_dim = emb_dim * 2 + emb_dim + n_site_feats
        self.regressor = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.GELU(), nn.Dropout(0.1), nn.Linear(hidden, 1)
        )

    def forward(self, window, mutant, site_feats):
        ctx = self.aa_emb(window)                                   # (B, 11, E)
        ctx = torch.relu(self.context(ctx.transpose(1, 2))).transpose(1, 2)
        centre = ctx[:, FLANK]                                      # wild-type site in context
        pooled = ctx.mean(dim=1)
        mut = self.aa_emb(mutant)
        features = torch.cat([centre, pooled, mut, site_feats], dim=-1)
        return self.regressor(features).squeeze(-1)


def spearman(a, b):
    ra = torch.argsort(torch.argsort(a)).float()
    rb = torch.argsort(torch.argsort(b)).float()
    ra, rb = ra - ra.mean(), rb - rb.mean()
    return (ra * rb).sum().item() / (ra.norm() * rb.norm()).item()


def main():
    protein = "".join(random.choice(AA) for _ in range(180))
    conservation, variants = simulate_scan(protein, 600)
    random.shuffle(variants)
    train_ds = VariantScan(protein, conservation, variants[:500])
    test_ds = VariantScan(protein, conservation, variants[500:])

    net = VariantEffectNet()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.MSELoss()

    for epoch in range(5):
        net.train()
        total = 0.0
        for window, mutant, feats, fitness in DataLoader(train_ds, batch_size=32, shuffle=True):
            pred = net(window, mutant, feats)
            loss = loss_fn(pred, fitness)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(fitness)
        print(f"epoch {epoch}: train MSE {total / len(train_ds):.4f}")

    net.eval()
    with torch.no_grad():
        pred = net(test_ds.windows, test_ds.mutants, test_ds.site_feats)
    print(f"held-out Spearman rho: {spearman(pred, test_ds.fitness):.3f}")


if __name__ == "__main__":
    main()
