"""Adverse-event report triage: seriousness of spontaneous reports.

Small transformer encoder in plain PyTorch, 4-fold CV on the labelled reports,
out-of-fold probabilities kept for threshold tuning / stacking later.
The export table mixes labelled reports and the unlabelled reports we must score.
"""
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

N_FOLDS = 4
MAX_LEN = 16
GRADES = ["non_serious", "hospitalised", "life_threatening"]

REPORTS = [
    "mild headache after first dose resolved next day", "non_serious",
    "rash on forearm itching two days", "non_serious",
    "admitted to hospital with severe vomiting dehydration", "hospitalised",
    "anaphylaxis epinephrine given intensive care", "life_threatening",
    "dizziness when standing no treatment needed", None,
    "nausea after dose resolved without treatment", "non_serious",
    "hospital admission for liver enzymes raised", "hospitalised",
    "respiratory arrest resuscitated in emergency room", "life_threatening",
    "fatigue for a week mild", "non_serious",
    "swollen tongue airway compromise intubated", None,
    "overnight hospital stay for fainting episode", "hospitalised",
    "injection site pain mild redness", "non_serious",
    "cardiac arrest after infusion resuscitated", "life_threatening",
    "admitted with severe allergic rash observation", "hospitalised",
    "headache and mild fever resolved", None,
    "itching and hives no treatment", "non_serious",
    "ventricular arrhythmia intensive care monitoring", "life_threatening",
    "hospitalised for pancreatitis three days", "hospitalised",
    "mild diarrhoea for two days", "non_serious",
    "admitted to ward with kidney injury", None,
    "seizure ambulance intensive care airway", "life_threatening",
    "dry mouth mild no action", "non_serious",
    "hospital stay for low platelets bleeding", "hospitalised",
    "mild sleepiness after dose", "non_serious",
    "anaphylactic shock epinephrine intensive care", "life_threatening",
    "fainting at home no treatment", None,
    "admitted with severe dehydration drip", "hospitalised",
    "mild muscle ache resolved", "non_serious",
    "respiratory failure ventilated intensive care", "life_threatening",
    "hospitalised for jaundice liver", "hospitalised",
]


def seed_everything(seed=2024):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def load_table():
    rows = []
    for n, (text, grade) in enumerate(zip(REPORTS[::2], REPORTS[1::2])):
        rows.append({"row_id": n, "text": text, "grade": grade})
    return rows


class Vocab:
    def __init__(self, texts):
        words = Counter(w for t in texts for w in t.split())
        self.itos = ["<pad>", "<unk>"] + sorted(words)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, texts):
        ids = torch.zeros(len(texts), MAX_LEN, dtype=torch.long)
        for r, t in enumerate(texts):
            toks = [self.stoi.get(w, 1) for w in t.split()][:MAX_LEN]
            ids[r, :len(toks)] = torch.tensor(toks)
        return ids


class ReportEncoder(nn.Module):
    def __init__(self, vocab_size, n_cls, dim=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(MAX_LEN, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_cls)

    def forward(self, ids):
        pad = ids.eq(0)
        h = self.tok(ids) + self.pos(torch.arange(ids.size(1)))
        h = self.enc(h, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        return self.head((h * keep).sum(1) / keep.sum(1).clamp(min=1.0))


def train_fold(model, x, y, epochs=15):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(epochs):
        for b in torch.randperm(len(y)).split(8):
            loss = F.cross_entropy(model(x[b]), y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


def main():
    seed_everything()
    table = load_table()
    labelled = [r for r in table if r["grade"] is not None]
    to_score = [r for r in table if r["grade"] is None]
    print(f"table {len(table)} rows: {len(labelled)} labelled, {len(to_score)} to score")

    vocab = Vocab([r["text"] for r in table])
    X = vocab.encode([r["text"] for r in labelled])
    y = torch.tensor([GRADES.index(r["grade"]) for r in labelled])
    fold_of = np.arange(len(labelled)) % N_FOLDS

    oof = torch.zeros(len(labelled), len(GRADES))
    for k in range(N_FOLDS):
        tr_idx = np.where(fold_of != k)[0]
        va_idx = np.where(fold_of == k)[0]
        model = ReportEncoder(len(vocab.itos), len(GRADES))
        last = train_fold(model, X[tr_idx], y[tr_idx])
        model.eval()
        with torch.no_grad():
            probs = model(X[va_idx]).softmax(-1)
        va_pos = torch.from_numpy(va_idx)
        oof[va_pos] = probs
        acc = (probs.argmax(-1) == y[va_idx]).float().mean().item()
        print(f"fold {k}: train {len(tr_idx)} / valid {len(va_idx)}  loss {last:.3f}  acc {acc:.3f}")

    oof_acc = (oof.argmax(-1) == y).float().mean().item()
    print(f"OOF accuracy {oof_acc:.3f}, oof shape {tuple(oof.shape)}")


if __name__ == "__main__":
    main()
