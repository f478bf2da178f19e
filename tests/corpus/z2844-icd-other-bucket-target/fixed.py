import os
import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

hp = {
    "seed": 20190412,
    "n_notes": 240,
    "train_frac": 0.75,
    "min_code_count": 12,
    "max_len": 40,
    "batch_size": 16,
    "lr": 3e-4,
    "n_epochs": 2,
    "hidden_size": 32,
}

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = ["patient", "presents", "with", "history", "of", "type", "2", "diabetes", "mellitus",
         "hypertension", "chest", "pain", "shortness", "breath", "denies", "fever", "cough",
         "admitted", "for", "acute", "kidney", "injury", "chronic", "heart", "failure", "copd",
         "exacerbation", "sepsis", "pneumonia", "discharged", "home", "stable", "on", "insulin",
         "metformin", "lisinopril", "furosemide", "and", "no", "known", "allergies", "the"]
ICD_POOL = ["E11.9", "I10", "I50.9", "J44.1", "N17.9", "A41.9", "J18.9", "R07.9", "E78.5", "K21.9",
            "F32.9", "Z79.4", "G47.33"]


def write_vocab(path):
    fh = open(path, "w")
    for tok in SPECIAL:
        fh.write(tok + "\n")
    for tok in WORDS:
        fh.write(tok + "\n")
    fh.close()
    return path


def simulate_notes(hp):
    rng = np.random.RandomState(hp["seed"])
    code_probs = np.array([0.2, 0.17, 0.12, 0.1, 0.09, 0.08, 0.07, 0.05, 0.04, 0.03, 0.02, 0.02, 0.01])
    code_probs = code_probs / code_probs.sum()
    notes = []
    codes = []
    for i in range(hp["n_notes"]):
        n_words = rng.randint(8, 30)
        word_idx = rng.randint(0, len(WORDS), size=n_words)
        text_words = []
        for j in range(n_words):
            text_words.append(WORDS[word_idx[j]])
        notes.append(" ".join(text_words))
        codes.append(ICD_POOL[rng.choice(len(ICD_POOL), p=code_probs)])
    return notes, codes


def build_code_index(train_codes, hp):
    uniq, counts = np.unique(np.array(train_codes), return_counts=True)
    code_to_idx = {}
    for k in range(len(uniq)):
        if counts[k] >= hp["min_code_count"]:
            code_to_idx[uniq[k]] = len(code_to_idx)
    other_idx = len(code_to_idx)
    return code_to_idx, other_idx


def encode_codes(codes, code_to_idx, other_idx):
    y = np.zeros(len(codes), dtype=np.int64)
    for i in range(len(codes)):
        if codes[i] in code_to_idx:
            y[i] = code_to_idx[codes[i]]
        else:
            y[i] = other_idx
    return y


class NoteDataset(Dataset):
    def __init__(self, enc, y):
        self.enc = enc
        self.y = y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        item = {}
        for key in self.enc:
            item[key] = self.enc[key][i]
        item["labels"] = torch.tensor(self.y[i])
        return item


def run_training(hp):
    torch.manual_seed(hp["seed"])
    vocab_path = write_vocab(os.path.join(HERE, "clinical_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)

    notes, codes = simulate_notes(hp)
    n_train = int(hp["train_frac"] * len(notes))
    perm = np.random.RandomState(hp["seed"] + 1).permutation(len(notes))
    train_ids = perm[:n_train]
    valid_ids = perm[n_train:]
    train_notes = []
    train_codes = []
    for i in train_ids:
        train_notes.append(notes[i])
        train_codes.append(codes[i])
    valid_notes = []
    valid_codes = []
    for i in valid_ids:
        valid_notes.append(notes[i])
        valid_codes.append(codes[i])

    code_to_idx, other_idx = build_code_index(train_codes, hp)
    hp["num_labels"] = len(code_to_idx) + 1
    y_train = encode_codes(train_codes, code_to_idx, other_idx)
    y_valid = encode_codes(valid_codes, code_to_idx, other_idx)
    prevalence = np.bincount(y_train, minlength=other_idx + 1) / float(len(y_train))
    print("kept codes:", len(code_to_idx), "train prevalence:", np.round(prevalence, 3))

    enc_train = tokenizer(train_notes, padding="max_length", truncation=True,
                          max_length=hp["max_len"], return_tensors="pt")
    enc_valid = tokenizer(valid_notes, padding="max_length", truncation=True,
                          max_length=hp["max_len"], return_tensors="pt")
    train_loader = DataLoader(NoteDataset(enc_train, y_train), batch_size=hp["batch_size"], shuffle=True)
    valid_loader = DataLoader(NoteDataset(enc_valid, y_valid), batch_size=hp["batch_size"])

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=hp["hidden_size"],
                        num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=hp["num_labels"])
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=hp["lr"])

    history = []
    for epoch in range(hp["n_epochs"]):
        model.train()
        running = 0.0
        n_batches = 0
        for batch in train_loader:
            optimizer.zero_grad()
            out = model(**batch)
            out.loss.backward()
            optimizer.step()
            running = running + out.loss.item()
            n_batches = n_batches + 1
        model.eval()
        correct = 0
        total = 0
        with torch.no_grad():
            for batch in valid_loader:
                out = model(**batch)
                pred = out.logits.argmax(dim=-1)
                correct = correct + int((pred == batch["labels"]).sum())
                total = total + len(batch["labels"])
        history.append((epoch, running / n_batches, correct / total))
        print("epoch %d  train loss %.4f  valid acc %.3f" % history[-1])
    return history


if __name__ == "__main__":
    run_training(hp)
