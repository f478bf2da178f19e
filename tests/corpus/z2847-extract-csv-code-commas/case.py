import os
import csv
import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

HP = {
    "seed": 31,
    "n_admissions": 90,
    "extract_name": "admissions_extract.csv",
    "prolonged_los_days": 7.0,
    "max_len": 36,
    "batch_size": 10,
    "lr": 2e-4,
    "epochs": 1,
}

ICD_CODES = ["I10", "E11.9", "N17.9", "J18.9", "A41.9", "I50.9", "E87.1", "D62", "K92.2", "R65.20"]
VOCAB_WORDS = ["admitted", "from", "ed", "with", "fever", "hypotension", "lactate", "cultures",
               "drawn", "started", "vancomycin", "cefepime", "aki", "creatinine", "peaked",
               "improved", "gi", "bleed", "transfused", "hyponatremia", "fluid", "restriction",
               "chf", "diuresed", "pneumonia", "cxr", "infiltrate", "transferred", "to", "floor",
               "discharged", "snf", "home", "services"]


def write_vocab(hp):
    path = os.path.join(HERE, "extract_vocab.txt")
    with open(path, "w") as fh:
        for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]:
            fh.write(w + "\n")
        for w in VOCAB_WORDS:
            fh.write(w + "\n")
    return path


def write_extract(hp):
    rng = np.random.RandomState(hp["seed"])
    path = os.path.join(HERE, hp["extract_name"])
    out = open(path, "w")
    out.write("hadm_id,icd_codes,los_days,age,note\n")
    for i in range(hp["n_admissions"]):
        n_codes = 1 + rng.poisson(0.8)
        code_idx = rng.choice(len(ICD_CODES), size=min(n_codes, 4), replace=False)
        codes = []
        for c in code_idx:
            codes.append(ICD_CODES[c])
        severity = len(codes) + rng.normal(0, 1)
        los = max(1.0, round(float(rng.gamma(1.5 + 0.6 * severity, 2.0)), 1))
        age = int(np.clip(rng.normal(67, 13), 19, 99))
        n_words = rng.randint(8, 28)
        word_idx = rng.randint(0, len(VOCAB_WORDS), size=n_words)
        words = []
        for w in word_idx:
            words.append(VOCAB_WORDS[w])
        line = [str(100000 + i), ",".join(codes), str(los), str(age), " ".join(words)]
        out.write(",".join(line) + "\n")
    out.close()
    return path


def load_extract(path, hp):
    hadm_ids = []
    code_lists = []
    los_values = []
    ages = []
    notes = []
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            hadm_ids.append(int(row["hadm_id"]))
            code_lists.append(row["icd_codes"].split(","))
            los_values.append(float(row["los_days"]))
            ages.append(int(row["age"]))
            notes.append(row["note"])
    los_arr = np.array(los_values)
    age_arr = np.array(ages, dtype=np.float64)
    prolonged = (los_arr > hp["prolonged_los_days"]).astype(np.int64)
    print("n admissions:", len(hadm_ids), " median LOS:", np.median(los_arr),
          " prolonged rate: %.3f" % prolonged.mean(), " mean age: %.1f" % age_arr.mean())
    return notes, code_lists, prolonged


def train_prolonged_stay(hp):
    torch.manual_seed(hp["seed"])
    tokenizer = BertTokenizer(write_vocab(hp))
    extract_path = write_extract(hp)
    notes, code_lists, prolonged = load_extract(extract_path, hp)

    n_codes_per_adm = np.zeros(len(code_lists))
    for i in range(len(code_lists)):
        n_codes_per_adm[i] = len(code_lists[i])
    print("mean codes per admission: %.2f" % n_codes_per_adm.mean())

    enc = tokenizer(notes, padding="max_length", truncation=True, max_length=hp["max_len"],
                    return_tensors="pt")
    labels = torch.from_numpy(prolonged)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=2)
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=hp["lr"])

    n = labels.shape[0]
    for epoch in range(hp["epochs"]):
        perm = torch.randperm(n)
        total_loss = 0.0
        n_steps = 0
        for start in range(0, n, hp["batch_size"]):
            idx = perm[start:start + hp["batch_size"]]
            out = model(input_ids=enc["input_ids"][idx], attention_mask=enc["attention_mask"][idx],
                        labels=labels[idx])
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            total_loss = total_loss + out.loss.item()
            n_steps = n_steps + 1
        print("epoch %d loss %.4f" % (epoch, total_loss / n_steps))
    return model


if __name__ == "__main__":
    train_prolonged_stay(HP)
