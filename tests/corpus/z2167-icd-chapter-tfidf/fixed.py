import csv
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import TensorDataset, DataLoader

HERE = os.path.dirname(os.path.abspath(__file__))
NOTES_CSV = os.path.join(HERE, "discharge_notes.csv")

PARAMS = {
    "seed": 3,
    "n_notes": 400,
    "max_features": 300,
    "hidden": 64,
    "dropout": 0.2,
    "lr": 1e-3,
    "epochs": 5,
    "batch_size": 32,
}

CHAPTERS = {
    "circulatory": "heart failure chf echo ejection fraction lasix troponin afib stent hypertension",
    "respiratory": "pneumonia copd exacerbation nebulizer oxygen infiltrate cxr intubated sputum",
    "digestive": "gi bleed egd colonoscopy cirrhosis varices pancreatitis lipase melena",
    "genitourinary": "aki creatinine uti foley hydronephrosis dialysis nephrology urine",
    "endocrine": "dka insulin glucose hyperglycemia a1c thyroid hypoglycemia anion gap",
}
BOILERPLATE = "patient admitted hospital course discharged home follow up pcp stable medications reviewed"


def write_synthetic_notes(path, n, seed):
    rng = np.random.default_rng(seed)
    names = list(CHAPTERS)
    rows = []
    for i in range(n):
        chapter = names[rng.integers(len(names))]
        key = rng.choice(CHAPTERS[chapter].split(), size=6)
        noise = rng.choice(CHAPTERS[names[rng.integers(len(names))]].split(), size=2)
        words = list(key) + list(noise) + rng.choice(BOILERPLATE.split(), size=10).tolist()
        rng.shuffle(words)
        rows.append({
            "hadm_id": 100000 + i,
            "text": " ".join(words),
            "age": float(rng.integers(18, 95)),
            "los_days": round(float(rng.gamma(2.0, 2.5)), 1),
            "n_prior_admits": int(rng.poisson(1.2)),
            "icd_chapter": chapter,
        })
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def load_notes(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


STRUCT_COLS = ["age", "los_days", "n_prior_admits"]


def struct_matrix(rows):
    return np.array([[float(r[c]) for c in STRUCT_COLS] for r in rows])


def featurize(train_rows, test_rows, max_features):
    tfidf = TfidfVectorizer(max_features=max_features, ngram_range=(1, 2), sublinear_tf=True)
    scaler = StandardScaler()

    X_train = np.hstack([
        tfidf.fit_transform([r["text"] for r in train_rows]).toarray(),
        scaler.fit_transform(struct_matrix(train_rows)),
    ])
    X_test = np.hstack([
        tfidf.transform([r["text"] for r in test_rows]).toarray(),
        scaler.transform(struct_matrix(test_rows)),
    ])
    return X_train.astype(np.float32), X_test.astype(np.float32)


def make_mlp(in_dim, n_classes, hidden, dropout):
    return nn.Sequential(
        nn.Linear(in_dim, hidden),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden, n_classes),
    )


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for xb, yb in loader:
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            total_loss += loss.item() * len(yb)
            correct += (logits.argmax(1) == yb).sum().item()
            seen += len(yb)
    return total_loss / seen, correct / seen


def main(params):
    torch.manual_seed(params["seed"])
    write_synthetic_notes(NOTES_CSV, params["n_notes"], params["seed"])
    rows = load_notes(NOTES_CSV)
    label_names = sorted({r["icd_chapter"] for r in rows})
    label2id = {name: i for i, name in enumerate(label_names)}
    y = [label2id[r["icd_chapter"]] for r in rows]

    train_rows, test_rows, y_train, y_test = train_test_split(
        rows, y, test_size=0.2, stratify=y, random_state=params["seed"])
    X_train, X_test = featurize(train_rows, test_rows, params["max_features"])

    train_ds = TensorDataset(torch.from_numpy(X_train), torch.tensor(y_train))
    test_ds = TensorDataset(torch.from_numpy(X_test), torch.tensor(y_test))
    train_dl = DataLoader(train_ds, batch_size=params["batch_size"], shuffle=True)
    test_dl = DataLoader(test_ds, batch_size=128)

    model = make_mlp(X_train.shape[1], len(label_names), params["hidden"], params["dropout"])
    optimizer = torch.optim.Adam(model.parameters(), lr=params["lr"])
    for epoch in range(params["epochs"]):
        tr_loss, tr_acc = run_epoch(model, train_dl, optimizer)
        te_loss, te_acc = run_epoch(model, test_dl)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.3f}  test {te_loss:.3f}/{te_acc:.3f}")


if __name__ == "__main__":
    main(PARAMS)
