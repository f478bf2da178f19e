import csv
import os
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

hyper = {
    "seed": 7,
    "n_encounters": 300,
    "max_codes_per_visit": 12,
    "pad_idx": 0,
    "emb_dim": 24,
    "hidden_dim": 32,
    "batch_size": 32,
    "lr": 1e-3,
    "n_epochs": 2,
    "min_code_count": 3,
}

CHAPTERS = {
    "I": ["I10", "I11.9", "I25.10", "I48.91", "I50.9", "I63.9"],
    "E": ["E11.9", "E11.65", "E78.5", "E66.9", "E87.1"],
    "N": ["N17.9", "N18.3", "N39.0"],
    "J": ["J18.9", "J44.1", "J96.01"],
    "F": ["F32.9", "F10.20"],
    "Z": ["Z79.4", "Z95.1", "Z87.891"],
}


def simulate_claims(path, hp):
    rng = np.random.default_rng(hp["seed"])
    all_codes = []
    for chap in CHAPTERS:
        for c in CHAPTERS[chap]:
            all_codes.append(c)
    code_weights = rng.dirichlet(np.ones(len(all_codes)) * 0.7)
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["encounter_id", "age", "icd_list", "readmit_30d"])
        for e in range(hp["n_encounters"]):
            n_dx = int(rng.integers(1, hp["max_codes_per_visit"] + 4))
            picks = rng.choice(len(all_codes), size=n_dx, replace=True, p=code_weights)
            dx = []
            for p in picks:
                dx.append(all_codes[int(p)])
            age = int(rng.normal(67, 12))
            risk = 0.15 + 0.05 * sum(1 for d in dx if d.startswith("I5") or d.startswith("N18"))
            readmit = int(rng.random() < min(risk, 0.9))
            writer.writerow([f"ENC{e:05d}", age, "|".join(dx), readmit])


def load_and_index(path, hp):
    rows = []
    with open(path) as fh:
        reader = csv.DictReader(fh)
        for r in reader:
            rows.append(r)
    counts = {}
    for r in rows:
        for code in r["icd_list"].split("|"):
            counts[code] = counts.get(code, 0) + 1
    code2idx = {"<pad>": hp["pad_idx"], "<rare>": 1}
    for code in sorted(counts):
        if counts[code] >= hp["min_code_count"]:
            code2idx[code] = len(code2idx)
    n = len(rows)
    K = hp["max_codes_per_visit"]
    code_mat = np.full((n, K), np.nan)
    ages = np.zeros(n, dtype=np.float32)
    labels = np.zeros(n, dtype=np.float32)
    n_truncated = 0
    for i in range(n):
        codes = rows[i]["icd_list"].split("|")
        seen = []
        for c in codes:
            if c not in seen:
                seen.append(c)
        if len(seen) > K:
            n_truncated += 1
            seen = seen[:K]
        for j in range(len(seen)):
            code_mat[i, j] = code2idx.get(seen[j], 1)
        ages[i] = float(rows[i]["age"])
        labels[i] = float(rows[i]["readmit_30d"])
    n_codes_per_visit = (~np.isnan(code_mat)).sum(axis=1)
    print("mean distinct codes/visit:", round(float(n_codes_per_visit.mean()), 2), "truncated:", n_truncated)
    code_mat_filled = np.nan_to_num(code_mat, nan=hp["pad_idx"])
    age_z = (ages - ages.mean()) / (ages.std() + 1e-6)
    return code_mat_filled, age_z.astype(np.float32), labels, code2idx


class EncounterDataset(Dataset):
    def __init__(self, codes, age_z, y):
        self.codes = codes
        self.age_z = age_z
        self.y = y

    def __len__(self):
        return self.codes.shape[0]

    def __getitem__(self, i):
        return {
            "codes": torch.from_numpy(self.codes[i]),
            "age": torch.tensor([self.age_z[i]]),
            "y": torch.tensor(self.y[i]),
        }


class ReadmitNet(nn.Module):
    def __init__(self, n_vocab, hp):
        super().__init__()
        self.code_emb = nn.Embedding(n_vocab, hp["emb_dim"], padding_idx=hp["pad_idx"])
        self.attn_score = nn.Linear(hp["emb_dim"], 1)
        self.mlp = nn.Sequential(
            nn.Linear(hp["emb_dim"] + 1, hp["hidden_dim"]),
            nn.ReLU(),
            nn.Linear(hp["hidden_dim"], 1),
        )
        self.pad_idx = hp["pad_idx"]

    def forward(self, codes, age):
        e = self.code_emb(codes)
        scores = self.attn_score(e).squeeze(-1)
        scores = scores.masked_fill(codes == self.pad_idx, -1e9)
        alpha = torch.softmax(scores, dim=1)
        visit_vec = (alpha.unsqueeze(-1) * e).sum(dim=1)
        z = torch.cat([visit_vec, age], dim=1)
        return self.mlp(z).squeeze(-1)


def run(hp):
    torch.manual_seed(hp["seed"])
    csv_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "encounters.csv")
    simulate_claims(csv_path, hp)
    codes, age_z, y, code2idx = load_and_index(csv_path, hp)
    print("vocab size:", len(code2idx), "readmission rate:", round(float(y.mean()), 3))
    n_train = int(0.8 * len(y))
    train_ds = EncounterDataset(codes[:n_train], age_z[:n_train], y[:n_train])
    valid_ds = EncounterDataset(codes[n_train:], age_z[n_train:], y[n_train:])
    train_dl = DataLoader(train_ds, batch_size=hp["batch_size"], shuffle=True)
    valid_dl = DataLoader(valid_ds, batch_size=hp["batch_size"], shuffle=False)
    model = ReadmitNet(len(code2idx), hp)
    opt = torch.optim.Adam(model.parameters(), lr=hp["lr"])
    pos_frac = float(y[:n_train].mean())
    pos_weight = torch.tensor([(1.0 - pos_frac) / max(pos_frac, 1e-3)])
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    for epoch in range(hp["n_epochs"]):
        model.train()
        tot = 0.0
        nb = 0
        for batch in train_dl:
            logit = model(batch["codes"], batch["age"])
            loss = loss_fn(logit, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
            nb += 1
        model.eval()
        probs = []
        trues = []
        with torch.no_grad():
            for batch in valid_dl:
                p = torch.sigmoid(model(batch["codes"], batch["age"]))
                probs.append(p.numpy())
                trues.append(batch["y"].numpy())
        probs = np.concatenate(probs)
        trues = np.concatenate(trues)
        brier = float(np.mean((probs - trues) ** 2))
        print(f"epoch {epoch} train_loss {tot / nb:.4f} valid_brier {brier:.4f}")


if __name__ == "__main__":
    run(hyper)
