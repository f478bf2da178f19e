import os
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
rng = np.random.default_rng(0)

NOTE_VOCAB = [
    "chest", "pain", "shortness", "of", "breath", "fever", "cough", "fall", "head",
    "injury", "dizzy", "vomiting", "abdominal", "since", "morning", "two", "days",
    "history", "diabetes", "hypertension", "confused", "weak", "left", "arm", "no",
]
VITAL_NAMES = ["heart_rate", "resp_rate", "spo2", "temp_c", "sys_bp", "gcs"]
ACUITY = ["resuscitation", "emergent", "urgent", "less_urgent", "non_urgent"]

TRIAGE_NOTES = [
    "chest pain left arm since morning",
    "shortness of breath fever cough two days",
    "fall head injury dizzy",
    "abdominal pain vomiting since morning",
    "confused weak history of diabetes",
    "cough no fever",
    "chest pain history of hypertension",
    "dizzy weak two days",
    "fall no head injury",
    "shortness of breath confused",
]


@dataclass
class TriageConfig:
    vocab_size: int = 0
    note_dim: int = 32
    vitals_dim: int = len(VITAL_NAMES)
    vitals_hidden: int = 16
    n_acuity: int = len(ACUITY)
    note_max_tokens: int = 12
    batch_size: int = 4


class TriageDataset(Dataset):
    def __init__(self, notes, vitals, acuity, tokenizer, cfg):
        self.notes = notes
        self.acuity = acuity
        self.tok = tokenizer
        self.cfg = cfg
        self.mu = vitals.mean(axis=0)
        self.sd = vitals.std(axis=0) + 1e-6
        self.vitals = (vitals - self.mu) / self.sd

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, i):
        enc = self.tok(self.notes[i], padding="max_length", truncation=True,
                       max_length=self.cfg.note_max_tokens, return_tensors="pt")
        return {
            "note_ids": enc["input_ids"][0],
            "note_mask": enc["attention_mask"][0],
            "vitals": self.vitals[i],
            "acuity": self.acuity[i],
        }


class VitalsBranch(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(cfg.vitals_dim, cfg.vitals_hidden), nn.Tanh())

    def forward(self, v):
        return self.mlp(v)


class AcuityModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.note_enc = BertModel(BertConfig(
            vocab_size=cfg.vocab_size, hidden_size=cfg.note_dim, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
        ))
        self.vitals = VitalsBranch(cfg)
        self.gate = nn.Linear(cfg.vitals_hidden, cfg.note_dim)
        self.head = nn.Linear(cfg.note_dim + cfg.vitals_hidden, cfg.n_acuity)

    def forward(self, note_ids, note_mask, vitals):
        note_vec = self.note_enc(input_ids=note_ids, attention_mask=note_mask).pooler_output
        vit_vec = self.vitals(vitals)
        note_vec = note_vec * torch.sigmoid(self.gate(vit_vec))
        return self.head(torch.cat([note_vec, vit_vec], dim=-1))


def simulate_vitals(n):
    base = np.array([88, 18, 96, 37.0, 128, 15])
    spread = np.array([15, 4, 3, 0.7, 18, 1])
    return base + spread * rng.standard_normal((n, len(VITAL_NAMES)))


def main():
    with tempfile.TemporaryDirectory() as d:
        vocab_file = os.path.join(d, "triage_vocab.txt")
        with open(vocab_file, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + NOTE_VOCAB))
        tokenizer = BertTokenizer(vocab_file)
    cfg = TriageConfig(vocab_size=tokenizer.vocab_size)

    vitals = simulate_vitals(len(TRIAGE_NOTES))
    acuity = rng.integers(0, cfg.n_acuity, size=len(TRIAGE_NOTES))
    ds = TriageDataset(TRIAGE_NOTES, vitals, acuity, tokenizer, cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    model = AcuityModel(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(2):
        total = 0.0
        for batch in loader:
            logits = model(batch["note_ids"], batch["note_mask"], batch["vitals"])
            loss = loss_fn(logits, batch["acuity"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} mean loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
