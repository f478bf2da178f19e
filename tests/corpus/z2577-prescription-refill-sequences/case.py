"""Predict 90-day ADE hospitalisation risk from a patient's dispensing history
(ATC codes + days supply) with a small transformer encoder."""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(7)
random.seed(7)
torch.manual_seed(7)

ATC_CODES = [
    "B01AA03", "A10BA02", "C01BD01", "J01XA01", "L01XA01", "C09AA03",
    "N05AH02", "C03CA01", "N02AA01", "M01AE01", "C07AB02", "H02AB06",
]
HIGH_RISK = {"B01AA03", "C01BD01", "N05AH02", "N02AA01"}
PAD_IDX = 0
code2idx = {c: i + 1 for i, c in enumerate(ATC_CODES)}


def simulate_histories(n_patients):
    patients = []
    for pid in range(n_patients):
        n_fills = int(rng.integers(3, 20))
        codes = list(rng.choice(ATC_CODES, size=n_fills))
        supply = rng.choice([7, 14, 28, 30, 90], size=n_fills).astype(np.float32)
        risk = sum(c in HIGH_RISK for c in codes) / n_fills
        label = float(rng.random() < 0.2 + 0.6 * risk)
        patients.append({"patient_id": pid, "atc": codes, "days_supply": supply, "ade_90d": label})
    return patients


class DispensingDataset(Dataset):
    def __init__(self, patients):
        self.patients = patients

    def __len__(self):
        return len(self.patients)

    def __getitem__(self, i):
        p = self.patients[i]
        ids = torch.tensor([code2idx[c] for c in p["atc"]], dtype=torch.long)
        supply = torch.from_numpy(np.log1p(p["days_supply"]))
        return ids, supply, torch.tensor(p["ade_90d"])


def collate_fills(batch):
    ids, supply, y = zip(*batch)
    max_len = max(len(s) for s in ids)
    B = len(ids)
    ids_pad = torch.full((B, max_len), PAD_IDX, dtype=torch.long)
    supply_pad = torch.zeros(B, max_len)
    pad_mask = torch.zeros(B, max_len, dtype=torch.long)
    for b, (s, d) in enumerate(zip(ids, supply)):
        n = len(s)
        ids_pad[b, :n] = s
        supply_pad[b, :n] = d
        pad_mask[b, n:] = 1
    return ids_pad, supply_pad, pad_mask, torch.stack(y)


class RxEncoder(nn.Module):
    def __init__(self, n_codes, d_model=32, n_heads=4, n_layers=2, max_fills=64):
        super().__init__()
        self.code_emb = nn.Embedding(n_codes + 1, d_model, padding_idx=PAD_IDX)
        self.pos_emb = nn.Embedding(max_fills, d_model)
        self.supply_proj = nn.Linear(1, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, 1))

    def forward(self, ids, supply, pad_mask):
        pos = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        h = self.code_emb(ids) + self.pos_emb(pos) + self.supply_proj(supply.unsqueeze(-1))
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask.bool()).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def evaluate(model, loader):
    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for ids, supply, mask, y in loader:
            pred = (torch.sigmoid(model(ids, supply, mask)) > 0.5).float()
            tp += ((pred == 1) & (y == 1)).sum().item()
            fp += ((pred == 1) & (y == 0)).sum().item()
            fn += ((pred == 0) & (y == 1)).sum().item()
    return tp / max(1, tp + 0.5 * (fp + fn))


def main():
    patients = simulate_histories(160)
    random.shuffle(patients)
    train, val = patients[:128], patients[128:]
    train_dl = DataLoader(DispensingDataset(train), batch_size=16, shuffle=True, collate_fn=collate_fills)
    val_dl = DataLoader(DispensingDataset(val), batch_size=32, collate_fn=collate_fills)

    model = RxEncoder(len(ATC_CODES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(3):
        model.train()
        running = 0.0
        for ids, supply, mask, y in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(ids, supply, mask), y)
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / len(train_dl):.4f} val F1 {evaluate(model, val_dl):.3f}")


if __name__ == "__main__":
    main()
