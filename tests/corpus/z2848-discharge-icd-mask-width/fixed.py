import os
import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

HPARAMS = {
    "seed": 20231,
    "n_notes": 48,
    "max_len": 64,
    "max_note_tokens": 80,
    "hidden": 32,
    "n_layers": 1,
    "n_heads": 2,
    "ffn": 64,
    "batch_size": 8,
    "lr": 3e-4,
    "epochs": 1,
    "deid_tokens": ["[**name**]", "[**date**]", "[**hospital**]"],
}

CLINICAL_WORDS = [
    "patient", "admitted", "with", "chest", "pain", "shortness", "of", "breath",
    "history", "hypertension", "diabetes", "mellitus", "type", "ii", "ckd",
    "stage", "iii", "afib", "on", "warfarin", "discharged", "home", "stable",
    "copd", "exacerbation", "pneumonia", "sepsis", "lactate", "elevated",
    "creatinine", "troponin", "negative", "positive", "echo", "ef", "reduced",
    "heart", "failure", "insulin", "metformin", "follow", "up", "pcp", "in",
    "weeks", "denies", "fever", "cough", "nausea", "the", "and", "to", "was",
]
ICD_CODES = ["I10", "E11.9", "N18.3", "I48.91", "J44.1", "J18.9", "A41.9", "I50.9", "R07.9", "E78.5"]


def write_vocab(hp):
    vocab_path = os.path.join(HERE, "vocab.txt")
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    deid = []
    for tok in hp["deid_tokens"]:
        deid.append(tok)
    fh = open(vocab_path, "w")
    for w in special + deid + CLINICAL_WORDS:
        fh.write(w + "\n")
    fh.close()
    return vocab_path


def simulate_notes(hp, rng):
    notes = []
    code_matrix = np.zeros((hp["n_notes"], len(ICD_CODES)), dtype=np.float32)
    for i in range(hp["n_notes"]):
        n_words = int(rng.integers(20, 110))
        word_idx = rng.integers(0, len(CLINICAL_WORDS), size=n_words)
        words = []
        for j in range(n_words):
            if rng.random() < 0.05:
                words.append(hp["deid_tokens"][int(rng.integers(0, len(hp["deid_tokens"])))])
            else:
                words.append(CLINICAL_WORDS[int(word_idx[j])])
        notes.append(" ".join(words))
        n_codes = int(rng.integers(1, 4))
        chosen = rng.choice(len(ICD_CODES), size=n_codes, replace=False)
        for c in chosen:
            code_matrix[i, c] = 1.0
    return notes, code_matrix


def build_inputs(notes, tokenizer, hp):
    enc = tokenizer(notes, padding="max_length", truncation=True, max_length=hp["max_len"], return_tensors="np")
    input_ids = enc["input_ids"]
    deid_ids = tokenizer.convert_tokens_to_ids(hp["deid_tokens"])
    pad_id = tokenizer.pad_token_id
    n_rows = input_ids.shape[0]
    keep_mask = np.zeros((n_rows, hp["max_len"]), dtype=np.int64)
    n_deid_masked = 0
    for r in range(n_rows):
        row = input_ids[r]
        for t in range(row.shape[0]):
            tok = int(row[t])
            if tok == pad_id:
                continue
            if tok in deid_ids:
                n_deid_masked += 1
                continue
            keep_mask[r, t] = 1
    print("masked de-identification placeholders:", n_deid_masked)
    return input_ids, keep_mask


class NoteCoder(nn.Module):
    def __init__(self, hp, vocab_size, n_labels):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=hp["hidden"],
            num_hidden_layers=hp["n_layers"],
            num_attention_heads=hp["n_heads"],
            intermediate_size=hp["ffn"],
            max_position_embeddings=128,
        )
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hp["hidden"], n_labels)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        hidden_states = out.last_hidden_state
        weights = attention_mask.unsqueeze(-1).float()
        summed = (hidden_states * weights).sum(dim=1)
        counts = weights.sum(dim=1).clamp(min=1.0)
        pooled = summed / counts
        return self.head(self.dropout(pooled))


def train_one_epoch(model, optimizer, ids, mask, y, hp, rng):
    model.train()
    loss_fn = nn.BCEWithLogitsLoss()
    order = rng.permutation(ids.shape[0])
    running = 0.0
    n_batches = 0
    for start in range(0, len(order), hp["batch_size"]):
        batch_idx = order[start:start + hp["batch_size"]]
        b_ids = torch.from_numpy(ids[batch_idx]).long()
        b_mask = torch.from_numpy(mask[batch_idx]).long()
        b_y = torch.from_numpy(y[batch_idx])
        logits = model(b_ids, b_mask)
        loss = loss_fn(logits, b_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += float(loss.item())
        n_batches += 1
    return running / max(n_batches, 1)


def main(hp):
    torch.manual_seed(hp["seed"])
    rng = np.random.default_rng(hp["seed"])
    vocab_path = write_vocab(hp)
    tokenizer = BertTokenizer(vocab_path)
    for tok in hp["deid_tokens"]:
        tokenizer.add_tokens([tok], special_tokens=True)
    notes, y = simulate_notes(hp, rng)
    prevalence = y.mean(axis=0)
    print("code prevalence:", np.round(prevalence, 3))
    ids, mask = build_inputs(notes, tokenizer, hp)
    print("ids", ids.shape, "mask", mask.shape)
    model = NoteCoder(hp, len(tokenizer), len(ICD_CODES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=hp["lr"])
    for epoch in range(hp["epochs"]):
        avg_loss = train_one_epoch(model, optimizer, ids, mask, y, hp, rng)
        print("epoch", epoch, "bce", round(avg_loss, 4))


if __name__ == "__main__":
    main(HPARAMS)
