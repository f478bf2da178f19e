import os
import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

PARAMS = {
    "seed": 99,
    "n_patients": 30,
    "notes_per_patient": 2,
    "max_len": 48,
    "hidden_size": 32,
    "num_layers": 1,
    "num_heads": 2,
    "ffn_size": 64,
    "batch_size": 6,
    "lr": 5e-4,
    "epochs": 1,
    "code_min_freq": 3,
    "dev_fraction": 0.3,
}

PHRASES = [
    "pt with hx of htn",
    "bp 150 / 90 , hr 88",
    "denies cp , sob",
    "a1c 9 . 1",
    "on metformin , lisinopril",
    "cr 2 . 3 from baseline",
    "cxr clear",
    "afebrile overnight",
    "wbc 14 , lactate 3",
    "plan continue current meds",
]

DIAG = ["I10", "E11.9", "N17.9", "A41.9", "J18.9", "I48.91", "E87.6"]


def write_vocab(folder):
    path = os.path.join(folder, "ehr_vocab.txt")
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for ph in PHRASES:
        for w in ph.split(" "):
            if w not in toks:
                toks.append(w)
    with open(path, "w") as fh:
        for t in toks:
            fh.write(t + "\n")
    return path


def simulate_records(params, rng):
    records = []
    note_id = 5000
    for subj in range(params["n_patients"]):
        for _ in range(params["notes_per_patient"]):
            n_ph = int(rng.integers(2, 6))
            idx = rng.choice(len(PHRASES), size=n_ph, replace=False)
            parts = []
            for k in idx:
                parts.append(PHRASES[k])
            n_dx = int(rng.integers(1, 3))
            dx = rng.choice(DIAG, size=n_dx, replace=False)
            records.append({"note_id": note_id, "subject_id": 100 + subj,
                            "codes": [str(c) for c in dx], "text": " . ".join(parts)})
            note_id += 1
    return records


def roc_auc_by_hand(y, score):
    order = np.argsort(-score)
    y_sorted = y[order]
    n_pos = float(y_sorted.sum())
    n_neg = float(len(y_sorted) - n_pos)
    tpr, fpr = [0.0], [0.0]
    tp, fp = 0.0, 0.0
    for i in range(len(y_sorted)):
        if y_sorted[i] > 0.5:
            tp += 1.0
        else:
            fp += 1.0
        tpr.append(tp / n_pos)
        fpr.append(fp / n_neg)
    tpr, fpr = np.asarray(tpr), np.asarray(fpr)
    return float(np.trapz(tpr, fpr))


class CodingExperiment:
    def __init__(self, params, tokenizer, records):
        self.params = params
        self.tokenizer = tokenizer
        self.records = records
        freq = {}
        for r in records:
            for c in r["codes"]:
                freq[c] = freq.get(c, 0) + 1
        self.code_list = []
        for c in sorted(freq):
            if freq[c] >= params["code_min_freq"]:
                self.code_list.append(c)
        self.Y = np.zeros((len(records), len(self.code_list)), dtype=np.float32)
        for i in range(len(records)):
            for c in records[i]["codes"]:
                if c in self.code_list:
                    self.Y[i, self.code_list.index(c)] = 1.0
        print("notes:", len(records), "codes kept:", self.code_list)

        cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=params["hidden_size"],
                         num_hidden_layers=params["num_layers"],
                         num_attention_heads=params["num_heads"],
                         intermediate_size=params["ffn_size"],
                         max_position_embeddings=params["max_len"])
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(params["hidden_size"], len(self.code_list))
        all_params = list(self.encoder.parameters()) + list(self.head.parameters())
        self.opt = torch.optim.Adam(all_params, lr=params["lr"])

    def batch_texts(self, rows):
        texts = []
        for i in rows:
            texts.append(self.records[i]["text"])
        enc = self.tokenizer(texts, padding=True, truncation=True,
                             max_length=self.params["max_len"], return_tensors="pt")
        return enc

    def train(self, rng, train_rows):
        n = len(train_rows)
        for ep in range(self.params["epochs"]):
            order = train_rows[rng.permutation(n)]
            losses = []
            for s in range(0, n, self.params["batch_size"]):
                rows = order[s:s + self.params["batch_size"]]
                enc = self.batch_texts(rows)
                h = self.encoder(**enc).last_hidden_state
                m = enc["attention_mask"].unsqueeze(-1).float()
                pooled = (h * m).sum(dim=1) / m.sum(dim=1)
                logits = self.head(pooled)
                target = torch.from_numpy(self.Y[rows])
                loss = nn.functional.binary_cross_entropy_with_logits(logits, target)
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                losses.append(loss.item())
            print("epoch", ep, "loss", round(float(np.mean(losses)), 4))

    def predict(self, rows):
        probs = []
        with torch.no_grad():
            for s in range(0, len(rows), self.params["batch_size"]):
                chunk = rows[s:s + self.params["batch_size"]]
                enc = self.batch_texts(chunk)
                h = self.encoder(**enc).last_hidden_state
                m = enc["attention_mask"].unsqueeze(-1).float()
                pooled = (h * m).sum(dim=1) / m.sum(dim=1)
                probs.append(torch.sigmoid(self.head(pooled)).numpy())
        return np.concatenate(probs, axis=0)

    def evaluate(self, rows):
        self.encoder.eval()
        P = self.predict(rows)
        Y_dev = self.Y[rows]
        per_code = {}
        for j in range(len(self.code_list)):
            n_pos = Y_dev[:, j].sum()
            if n_pos == 0 or n_pos == Y_dev.shape[0]:
                continue
            per_code[self.code_list[j]] = roc_auc_by_hand(Y_dev[:, j], P[:, j])
        aucs = np.array(list(per_code.values()))
        print("macro AUC = %.3f over %d codes" % (aucs.mean(), len(aucs)))
        return per_code


def main():
    rng = np.random.default_rng(PARAMS["seed"])
    torch.manual_seed(PARAMS["seed"])
    here = os.path.dirname(os.path.abspath(__file__))
    vocab_path = write_vocab(here)
    tokenizer = BertTokenizer(vocab_path)
    records = simulate_records(PARAMS, rng)
    exp = CodingExperiment(PARAMS, tokenizer, records)
    subjects = np.unique(np.array([r["subject_id"] for r in records]))
    n_dev_subj = int(PARAMS["dev_fraction"] * len(subjects))
    dev_subjects = set(rng.choice(subjects, size=n_dev_subj, replace=False).tolist())
    train_rows = []
    dev_rows = []
    for i in range(len(records)):
        if records[i]["subject_id"] in dev_subjects:
            dev_rows.append(i)
        else:
            train_rows.append(i)
    train_rows = np.array(train_rows)
    dev_rows = np.array(dev_rows)
    print("train notes:", len(train_rows), "dev notes:", len(dev_rows))
    exp.train(rng, train_rows)
    exp.evaluate(dev_rows)
    os.remove(vocab_path)


if __name__ == "__main__":
    main()
