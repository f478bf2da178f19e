"""Fit a small transformer regressor to deep mutational scanning (DMS) fitness scores.
Variants are single substitutions like 'K12R' applied to the wild-type sequence."""
import csv
import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
DMS_CSV = os.path.join(HERE, "dms_scores.csv")
AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
SEED = 11

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

WT_SEQ = "".join(np.random.choice(list(AMINO_ACIDS), size=72))


class ProteinTokenizer:
    special = ["<pad>", "<cls>", "<eos>", "<unk>"]

    def __init__(self):
        self.itos = self.special + list(AMINO_ACIDS)
        self.stoi = {t: i for i, t in enumerate(self.itos)}
        self.pad_id = self.stoi["<pad>"]

    def encode(self, seq):
        ids = [self.stoi["<cls>"]] + [self.stoi.get(a, self.stoi["<unk>"]) for a in seq]
        return ids + [self.stoi["<eos>"]]

    def __len__(self):
        return len(self.itos)


def write_dms_table(path, wt, n_variants=480, n_from_isoform2=14):
    """Assay export; a handful of rows were numbered against isoform 2 (+3 offset)."""
    rng = np.random.default_rng(SEED)
    hydro = {a: i / 19 for i, a in enumerate("RKDENQHSTGPCYAWMVLIF")}
    rows = []
    for _ in range(n_variants):
        pos = int(rng.integers(0, len(wt)))
        mt = rng.choice([a for a in AMINO_ACIDS if a != wt[pos]])
        score = -abs(hydro[mt] - hydro[wt[pos]]) * 2.0 + rng.normal(0, 0.3)
        rows.append((f"{wt[pos]}{pos + 1}{mt}", round(float(score), 4)))
    for _ in range(n_from_isoform2):
        pos = int(rng.integers(0, len(wt) - 3))
        mt = rng.choice(list(AMINO_ACIDS))
        rows.append((f"{wt[pos]}{pos + 4}{mt}", round(float(rng.normal(-1, 0.5)), 4)))
    rng.shuffle(rows)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["mutant", "DMS_score"])
        w.writerows(rows)


def parse_mutant(code):
    return code[0], int(code[1:-1]) - 1, code[-1]


class DMSDataset(Dataset):
    def __init__(self, csv_path, wt_seq, tokenizer):
        with open(csv_path) as fh:
            rows = list(csv.DictReader(fh))
        self.wt_seq = wt_seq
        self.tok = tokenizer
        self.rows = [r for r in rows if self._matches_wt(r["mutant"])]
        print(f"kept {len(self.rows)}/{len(rows)} variants matching the reference")

    def _matches_wt(self, code):
        wt, pos, _ = parse_mutant(code)
        return pos < len(self.wt_seq) and self.wt_seq[pos] == wt

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        wt, pos, mt = parse_mutant(row["mutant"])
        mut_seq = self.wt_seq[:pos] + mt + self.wt_seq[pos + 1:]
        return {
            "input_ids": torch.tensor(self.tok.encode(mut_seq), dtype=torch.long),
            "position": pos + 1,
            "score": float(row["DMS_score"]),
        }


def collate_variants(batch):
    return {
        "input_ids": torch.stack([b["input_ids"] for b in batch]),
        "position": torch.tensor([b["position"] for b in batch]),
        "score": torch.tensor([b["score"] for b in batch], dtype=torch.float32),
    }


class VariantEffectModel(nn.Module):
    def __init__(self, vocab_size, max_len, d_model=64, nhead=4, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=pad_id)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=128,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Sequential(nn.Linear(2 * d_model, 64), nn.GELU(), nn.Linear(64, 1))

    def forward(self, input_ids, position):
        positions = torch.arange(input_ids.size(1)).unsqueeze(0)
        h = self.encoder(self.embed(input_ids) + self.pos(positions))
        site = h[torch.arange(h.size(0)), position]
        return self.head(torch.cat([h[:, 0], site], dim=-1)).squeeze(-1)


def main():
    write_dms_table(DMS_CSV, WT_SEQ)
    tok = ProteinTokenizer()
    ds = DMSDataset(DMS_CSV, WT_SEQ, tok)
    loader = DataLoader(ds, batch_size=32, shuffle=True, collate_fn=collate_variants)

    model = VariantEffectModel(len(tok), max_len=len(WT_SEQ) + 2, pad_id=tok.pad_id)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    loss_fn = nn.MSELoss()

    for epoch in range(3):
        model.train()
        preds, targets = [], []
        for batch in loader:
            pred = model(batch["input_ids"], batch["position"])
            loss = loss_fn(pred, batch["score"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            preds.append(pred.detach())
            targets.append(batch["score"])
        p, t = torch.cat(preds).numpy(), torch.cat(targets).numpy()
        rho = np.corrcoef(np.argsort(np.argsort(p)), np.argsort(np.argsort(t)))[0, 1]
        print(f"epoch {epoch}: mse={np.mean((p - t) ** 2):.4f} spearman={rho:.3f}")


if __name__ == "__main__":
    main()
