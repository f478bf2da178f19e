import csv
import os
import random
from collections import Counter, defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "mimic_iv_extract")

COLS = {
    "note_id": "note_id",
    "subject": "subject_id",
    "hadm": "hadm_id",
    "text": "text",
    "code": "ICD9_CODE",
    "seq": "seq_num",
}

MAX_TOKENS = 200
EMB_DIM, N_FILTERS, KERNEL = 48, 32, 5
TOP_CODES = ["038.9", "486", "428.0", "584.9", "585.9", "401.9", "250.00", "427.31", "995.92", "518.81"]
WORDS = ("patient admitted with sepsis pneumonia chf exacerbation aki on ckd hypotension "
         "started vancomycin zosyn pressors weaned intubated extubated cultures negative "
         "discharged to rehab home stable follow up diabetes hypertension afib anticoagulation").split()

rnd = random.Random(11)
torch.manual_seed(11)


def write_extract(n_adm=60):
    os.makedirs(DATA_DIR, exist_ok=True)
    with open(os.path.join(DATA_DIR, "discharge.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["note_id", "subject_id", "hadm_id", "note_type", "charttime", "text"])
        with open(os.path.join(DATA_DIR, "diagnoses_icd.csv"), "w", newline="") as g:
            d = csv.writer(g)
            d.writerow(["subject_id", "hadm_id", "seq_num", "icd_code", "icd_version"])
            for i in range(n_adm):
                subj, hadm = 10000000 + rnd.randint(0, 99999), 20000000 + i
                text = " ".join(rnd.choices(WORDS, k=rnd.randint(30, 150)))
                w.writerow([f"{subj}-DS-{i}", subj, hadm, "DS", "2150-01-01 12:00:00", text])
                for seq, code in enumerate(rnd.sample(TOP_CODES, k=rnd.randint(1, 4)), 1):
                    d.writerow([subj, hadm, seq, code, 9])


def read_csv(name):
    with open(os.path.join(DATA_DIR, name), newline="") as f:
        return list(csv.DictReader(f))


class DischargeCodingDataset(Dataset):
    def __init__(self, notes, dx_by_hadm, word2idx, code2idx):
        self.notes = notes
        self.dx_by_hadm = dx_by_hadm
        self.word2idx = word2idx
        self.code2idx = code2idx

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, i):
        note = self.notes[i]
        tokens = [self.word2idx.get(w, 1) for w in note[COLS["text"]].split()[:MAX_TOKENS]]
        target = torch.zeros(len(self.code2idx))
        for dx in self.dx_by_hadm[note[COLS["hadm"]]]:
            code = dx[COLS["code"]]
            if code in self.code2idx:
                target[self.code2idx[code]] = 1.0
        return {"tokens": tokens, "target": target, "hadm_id": note[COLS["hadm"]]}


def collate_notes(batch):
    max_len = max(len(b["tokens"]) for b in batch)
    ids = torch.zeros(len(batch), max_len, dtype=torch.long)
    for i, b in enumerate(batch):
        ids[i, : len(b["tokens"])] = torch.tensor(b["tokens"])
    return {"input_ids": ids,
            "targets": torch.stack([b["target"] for b in batch]),
            "hadm_ids": [b["hadm_id"] for b in batch]}


class ConvMaxPoolCoder(nn.Module):
    def __init__(self, vocab_size, n_codes):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, EMB_DIM, padding_idx=0)
        self.conv = nn.Conv1d(EMB_DIM, N_FILTERS, KERNEL, padding=KERNEL // 2)
        self.fc = nn.Linear(N_FILTERS, n_codes)

    def forward(self, input_ids):
        h = torch.tanh(self.conv(self.emb(input_ids).transpose(1, 2)))
        return self.fc(h.max(dim=2).values)


def main():
    write_extract()
    notes = read_csv("discharge.csv")
    dx_by_hadm = defaultdict(list)
    for row in read_csv("diagnoses_icd.csv"):
        dx_by_hadm[row[COLS["hadm"]]].append(row)
    notes = [n for n in notes if n[COLS["hadm"]] in dx_by_hadm]

    counts = Counter(w for n in notes for w in n[COLS["text"]].split())
    word2idx = {"<pad>": 0, "<unk>": 1}
    for w, _ in counts.most_common():
        word2idx[w] = len(word2idx)
    code2idx = {c: i for i, c in enumerate(TOP_CODES)}

    patients = sorted({n[COLS["subject"]] for n in notes})
    rnd.shuffle(patients)
    train_subj = set(patients[: int(0.8 * len(patients))])
    train_notes = [n for n in notes if n[COLS["subject"]] in train_subj]
    dev_notes = [n for n in notes if n[COLS["subject"]] not in train_subj]

    train_dl = DataLoader(DischargeCodingDataset(train_notes, dx_by_hadm, word2idx, code2idx),
                          batch_size=8, shuffle=True, collate_fn=collate_notes)
    dev_dl = DataLoader(DischargeCodingDataset(dev_notes, dx_by_hadm, word2idx, code2idx),
                        batch_size=8, collate_fn=collate_notes)

    model = ConvMaxPoolCoder(len(word2idx), len(code2idx))
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(3):
        model.train()
        for batch in train_dl:
            loss = F.binary_cross_entropy_with_logits(model(batch["input_ids"]), batch["targets"])
            optim.zero_grad()
            loss.backward()
            optim.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for batch in dev_dl:
            pred = (torch.sigmoid(model(batch["input_ids"])) > 0.5).float()
            y = batch["targets"]
            tp += (pred * y).sum().item()
            fp += (pred * (1 - y)).sum().item()
            fn += ((1 - pred) * y).sum().item()
    print(f"dev micro-F1: {2 * tp / max(2 * tp + fp + fn, 1):.4f}")


if __name__ == "__main__":
    main()
