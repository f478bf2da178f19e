import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(7)
np.random.seed(7)
random.seed(7)

VITALS = ["heart_rate", "resp_rate", "temp_c", "sbp", "spo2", "etco2"]
SPECIES_BASELINE = {
    "canine": np.array([95.0, 24.0, 38.6, 130.0, 97.0, 38.0]),
    "feline": np.array([180.0, 30.0, 38.7, 140.0, 97.0, 34.0]),
}
VITAL_SCALE = np.array([25.0, 8.0, 0.6, 20.0, 2.0, 5.0])


def simulate_hospital_stay(species, deteriorates, n_hours):
    base = SPECIES_BASELINE[species]
    t = np.arange(n_hours)[:, None]
    drift = np.zeros((n_hours, len(VITALS)))
    if deteriorates:
        onset = np.random.randint(n_hours // 3, n_hours)
        ramp = np.clip(t - onset, 0, None) / 6.0
        drift += ramp * np.array([20.0, 6.0, 0.5, -18.0, -2.5, -3.0])
    noise = np.random.randn(n_hours, len(VITALS)) * VITAL_SCALE * 0.3
    return (base + drift + noise).astype(np.float32)


class ICUStayDataset(Dataset):
    def __init__(self, n_patients=160):
        self.records = []
        for pid in range(n_patients):
            species = random.choice(list(SPECIES_BASELINE))
            label = int(random.random() < 0.35)
            hours = random.randint(12, 72)
            series = simulate_hospital_stay(species, label, hours)
            series = (series - SPECIES_BASELINE[species]) / VITAL_SCALE
            self.records.append({"patient_id": f"VH-{pid:05d}", "species": species,
                                 "vitals": series.astype(np.float32), "deteriorated": label})

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        r = self.records[idx]
        return torch.from_numpy(r["vitals"]), torch.tensor(r["deteriorated"], dtype=torch.float32)


def pad_vitals_collate(batch):
    series, labels = zip(*batch)
    lengths = torch.tensor([s.shape[0] for s in series])
    max_len = int(lengths.max())
    vitals = torch.zeros(len(series), max_len, len(VITALS))
    pad_mask = torch.zeros(len(series), max_len, dtype=torch.bool)
    for i, s in enumerate(series):
        vitals[i, : s.shape[0]] = s
        pad_mask[i, s.shape[0]:] = True
    return vitals, pad_mask, torch.stack(labels)


class HourlyPositionalEncoding(nn.Module):
    def __init__(self, d_model, max_hours=128):
        super().__init__()
        pe = torch.zeros(max_hours, d_model)
        pos = torch.arange(max_hours).unsqueeze(1).float()
        div = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class VitalsDeteriorationModel(nn.Module):
    def __init__(self, n_vitals, d_model=32, n_heads=4, n_layers=2):
        super().__init__()
        self.proj = nn.Linear(n_vitals, d_model)
        self.pos = HourlyPositionalEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.head = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, 1))

    def forward(self, vitals, pad_mask):
        h = self.pos(self.proj(vitals))
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, n = 0.0, 0
    for vitals, pad_mask, labels in loader:
        optimizer.zero_grad()
        logits = model(vitals, pad_mask)
        loss = loss_fn(logits, labels)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        total += loss.item() * labels.size(0)
        n += labels.size(0)
    return total / n


def main():
    ds = ICUStayDataset()
    loader = DataLoader(ds, batch_size=16, shuffle=True, collate_fn=pad_vitals_collate)
    model = VitalsDeteriorationModel(len(VITALS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=1e-2)
    pos_weight = torch.tensor([0.65 / 0.35])
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    for epoch in range(3):
        loss = train_epoch(model, loader, optimizer, loss_fn)
        print(f"epoch {epoch} train_loss={loss:.4f}")


if __name__ == "__main__":
    main()
