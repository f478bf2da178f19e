import csv
import os
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

SOIL_TYPES = ["clay", "loam", "sandy", "silt", "peat"]

SCOUT_ROWS = [
    # field_id, soil, moisture_pct, ph, nitrate_ppm, canopy_temp_c, note, risk
    ("F01", "clay", 31.2, 6.8, 22.0, 27.1, "leaves yellowing lower canopy aphids present", 2),
    ("F02", "loam", 24.5, 6.5, 35.5, 25.3, "uniform stand good color no pests", 0),
    ("F03", "sandy", 12.1, 5.9, 11.2, 31.8, "wilting afternoon soil dry cracked", 2),
    ("F04", "silt", 28.0, 7.1, 29.4, 26.0, "minor leaf spot upper canopy", 1),
    ("F05", "peat", 40.3, 5.4, 18.8, 24.2, "standing water low spots some yellowing", 1),
    ("F06", "loam", 22.9, 6.6, 33.1, 25.9, "good color uniform stand", 0),
    ("F07", "clay", 35.6, 7.0, 15.7, 26.4, "aphids present leaf spot spreading", 2),
    ("F08", "sandy", 15.0, 6.1, 20.3, 29.9, "some wilting afternoon no pests", 1),
]


@dataclass
class FieldRiskConfig:
    vocab_size: int
    n_soil_types: int = len(SOIL_TYPES)
    n_sensors: int = 4
    soil_dim: int = 8
    hidden: int = 32
    n_risk_levels: int = 3


def write_export(path):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["field_id", "soil_code", "moisture_pct", "ph", "nitrate_ppm", "canopy_temp_c", "note", "risk"])
        for fid, soil, *sensors, note, risk in SCOUT_ROWS:
            w.writerow([fid, SOIL_TYPES.index(soil), *sensors, note, risk])


def load_export(path):
    numeric = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=(1, 2, 3, 4, 5, 7))
    with open(path) as fh:
        notes = [row["note"] for row in csv.DictReader(fh)]
    return numeric, notes


class SensorBranch(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.soil_embedding = nn.Embedding(cfg.n_soil_types, cfg.soil_dim)
        self.norm = nn.BatchNorm1d(cfg.n_sensors)
        self.proj = nn.Linear(cfg.soil_dim + cfg.n_sensors, cfg.hidden)

    def forward(self, soil_codes, sensors):
        soil_vec = self.soil_embedding(soil_codes)
        return torch.relu(self.proj(torch.cat([soil_vec, self.norm(sensors)], dim=-1)))


class FieldRiskModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.notes_encoder = BertModel(BertConfig(
            vocab_size=cfg.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=24))
        self.sensor_branch = SensorBranch(cfg)
        self.gate = nn.Linear(2 * cfg.hidden, cfg.hidden)
        self.out = nn.Linear(cfg.hidden, cfg.n_risk_levels)

    def forward(self, note_ids, note_mask, soil_codes, sensors):
        text = self.notes_encoder(input_ids=note_ids, attention_mask=note_mask).last_hidden_state[:, 0]
        field = self.sensor_branch(soil_codes, sensors)
        g = torch.sigmoid(self.gate(torch.cat([text, field], dim=-1)))
        return self.out(g * text + (1 - g) * field)


def main():
    tmp = tempfile.mkdtemp()
    export_path = os.path.join(tmp, "scouting_export.csv")
    write_export(export_path)
    numeric, notes = load_export(export_path)

    words = sorted({w for n in notes for w in n.split()})
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    tokenizer = BertTokenizer(vocab_path)

    table = torch.tensor(numeric, dtype=torch.float32)
    soil_codes = table[:, 0].long()
    sensors = table[:, 1:5]
    risk = table[:, 5].long()

    enc = tokenizer(notes, padding=True, return_tensors="pt")
    cfg = FieldRiskConfig(vocab_size=len(tokenizer))
    model = FieldRiskModel(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

    for step in range(20):
        logits = model(enc["input_ids"], enc["attention_mask"], soil_codes, sensors)
        loss = nn.functional.cross_entropy(logits, risk)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step:02d} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(enc["input_ids"], enc["attention_mask"], soil_codes, sensors).argmax(-1)
    for row, p in zip(SCOUT_ROWS, pred.tolist()):
        print(f"{row[0]} ({row[1]}): predicted risk {p}, scouted {row[-1]}")


if __name__ == "__main__":
    main()
