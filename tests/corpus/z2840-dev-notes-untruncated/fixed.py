"""
Multi-label ICD-10 assignment from discharge notes.
Pilot run: tiny BERT encoder, random init, synthetic cohort.
"""
import os
import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HP = {
    "seed": 20231,
    "n_train": 48,
    "n_dev": 16,
    "max_len": 64,
    "hidden": 32,
    "n_layers": 1,
    "n_heads": 2,
    "ffn": 64,
    "batch_size": 8,
    "lr": 3e-4,
    "epochs": 1,
    "threshold": 0.5,
}

ICD_CODES = ["I10", "E11.9", "N18.3", "J44.1", "I50.9", "E78.5", "K21.9", "F32.9"]

CLINICAL_WORDS = [
    "patient", "admitted", "with", "chest", "pain", "shortness", "of", "breath",
    "history", "hypertension", "diabetes", "mellitus", "chronic", "kidney", "disease",
    "copd", "exacerbation", "heart", "failure", "hyperlipidemia", "reflux", "depression",
    "denies", "fever", "cough", "edema", "bilateral", "lower", "extremity", "creatinine",
    "elevated", "stable", "discharged", "home", "on", "metformin", "lisinopril",
    "atorvastatin", "furosemide", "omeprazole", "sertraline", "follow", "up", "clinic",
    "in", "two", "weeks", "the", "and", "was", "no", "acute", "distress",
]


def write_vocab(folder):
    vocab_path = os.path.join(folder, "icd_pilot_vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    punct = [".", ",", ":", ";"]
    with open(vocab_path, "w") as fh:
        for tok in specials + punct + CLINICAL_WORDS:
            fh.write(tok + "\n")
    return vocab_path


def simulate_cohort(n_notes, rng, min_words, max_words):
    notes = []
    labels = np.zeros((n_notes, len(ICD_CODES)), dtype=np.float32)
    for i in range(n_notes):
        n_words = int(rng.integers(min_words, max_words + 1))
        word_idx = rng.integers(0, len(CLINICAL_WORDS), size=n_words)
        words = []
        for j in range(n_words):
            words.append(CLINICAL_WORDS[word_idx[j]])
            if j > 0 and j % 11 == 0:
                words.append(".")
        notes.append(" ".join(words))
        n_codes = int(rng.integers(1, 4))
        code_idx = rng.choice(len(ICD_CODES), size=n_codes, replace=False)
        for c in code_idx:
            labels[i, c] = 1.0
    return notes, labels


def encode_split(notes, tokenizer, hp, max_length=None):
    if max_length is not None:
        enc = tokenizer(notes, padding="max_length", truncation=True,
                        max_length=max_length, return_tensors="pt")
    else:
        enc = tokenizer(notes, padding="longest", return_tensors="pt")
    input_ids = enc["input_ids"]
    attn = enc["attention_mask"]
    seg = enc["token_type_ids"]
    n_tok = attn.sum(dim=1).numpy()
    print("  encoded %d notes, tokens/note mean=%.1f max=%d, tensor width=%d"
          % (len(notes), float(np.mean(n_tok)), int(np.max(n_tok)), input_ids.shape[1]))
    return {"input_ids": input_ids, "attention_mask": attn, "token_type_ids": seg}


class NoteICDClassifier(nn.Module):
    def __init__(self, bert_config, n_labels):
        super().__init__()
        self.encoder = BertModel(bert_config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(bert_config.hidden_size, n_labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids)
        cls_vec = out.last_hidden_state[:, 0, :]
        return self.head(self.dropout(cls_vec))


def micro_f1(y_true, y_prob, threshold):
    y_hat = (y_prob >= threshold).astype(np.float32)
    tp = float(np.sum(y_hat * y_true))
    fp = float(np.sum(y_hat * (1.0 - y_true)))
    fn = float(np.sum((1.0 - y_hat) * y_true))
    prec = tp / max(tp + fp, 1.0)
    rec = tp / max(tp + fn, 1.0)
    if prec + rec == 0.0:
        return 0.0
    return 2.0 * prec * rec / (prec + rec)


def run_pilot(hp):
    rng = np.random.default_rng(hp["seed"])
    torch.manual_seed(hp["seed"])
    here = os.path.dirname(os.path.abspath(__file__))
    vocab_path = write_vocab(here)
    tokenizer = BertTokenizer(vocab_path)

    train_notes, train_y = simulate_cohort(hp["n_train"], rng, 20, 120)
    dev_notes, dev_y = simulate_cohort(hp["n_dev"], rng, 20, 120)

    print("train split:")
    train_enc = encode_split(train_notes, tokenizer, hp, max_length=hp["max_len"])
    print("dev split:")
    dev_enc = encode_split(dev_notes, tokenizer, hp, max_length=hp["max_len"])

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=hp["hidden"],
        num_hidden_layers=hp["n_layers"],
        num_attention_heads=hp["n_heads"],
        intermediate_size=hp["ffn"],
        max_position_embeddings=hp["max_len"],
        pad_token_id=tokenizer.pad_token_id,
    )
    model = NoteICDClassifier(config, len(ICD_CODES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=hp["lr"])
    loss_fn = nn.BCEWithLogitsLoss()
    train_y_t = torch.from_numpy(train_y)

    n_train = train_enc["input_ids"].shape[0]
    for epoch in range(hp["epochs"]):
        model.train()
        perm = rng.permutation(n_train)
        running = 0.0
        n_batches = 0
        for start in range(0, n_train, hp["batch_size"]):
            idx = torch.from_numpy(perm[start:start + hp["batch_size"]])
            logits = model(train_enc["input_ids"][idx], train_enc["attention_mask"][idx],
                           train_enc["token_type_ids"][idx])
            loss = loss_fn(logits, train_y_t[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item()
            n_batches += 1
        print("epoch %d train BCE %.4f" % (epoch, running / n_batches))

    model.eval()
    dev_probs = []
    n_dev = dev_enc["input_ids"].shape[0]
    with torch.no_grad():
        for start in range(0, n_dev, hp["batch_size"]):
            stop = start + hp["batch_size"]
            logits = model(dev_enc["input_ids"][start:stop], dev_enc["attention_mask"][start:stop],
                           dev_enc["token_type_ids"][start:stop])
            dev_probs.append(torch.sigmoid(logits).numpy())
    dev_probs = np.concatenate(dev_probs, axis=0)
    f1 = micro_f1(dev_y, dev_probs, hp["threshold"])
    print("dev micro-F1 @%.2f: %.3f" % (hp["threshold"], f1))
    os.remove(vocab_path)
    return f1


if __name__ == "__main__":
    run_pilot(HP)
