import os
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

HYPER = {
    "seed": 7,
    "n_admissions": 160,
    "max_codes_per_note": 4,
    "max_seq_len": 48,
    "batch_size": 8,
    "learning_rate": 5e-4,
    "weight_decay": 0.01,
    "epochs": 1,
    "hidden": 32,
    "dropout": 0.1,
    "pos_weight_cap": 20.0,
}

CODE_LIST = ["I10", "E11.9", "E78.5", "N18.3", "I25.10", "J44.9", "F17.210", "K21.9", "E03.9",
             "Z79.01", "I48.91", "D64.9"]
TERMS = ["hpi", "pt", "is", "a", "yo", "male", "female", "with", "htn", "dm2", "hld", "ckd", "cad",
         "copd", "gerd", "afib", "anemia", "hypothyroid", "smoker", "on", "warfarin", "statin",
         "home", "meds", "reviewed", "assessment", "plan", "continue", "follow", "up", "labs",
         "stable", "worsening", "creatinine", "hemoglobin", "low", "elevated", "tsh", "ecg"]


def make_vocab_file(hyper):
    vocab_file = os.path.join(HERE, "vocab_icd.txt")
    lines = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for t in TERMS:
        lines.append(t)
    with open(vocab_file, "w") as f:
        f.write("\n".join(lines) + "\n")
    return vocab_file


def simulate_cohort(hyper):
    rng = np.random.default_rng(hyper["seed"])
    n = hyper["n_admissions"]
    n_codes = len(CODE_LIST)
    base_rate = np.linspace(0.35, 0.05, n_codes)
    texts = []
    assigned = []
    for i in range(n):
        n_terms = int(rng.integers(10, 35))
        chosen = rng.integers(0, len(TERMS), size=n_terms)
        words = []
        for j in range(n_terms):
            words.append(TERMS[chosen[j]])
        texts.append(" ".join(words))
        draws = rng.random(n_codes)
        codes_i = []
        for c in range(n_codes):
            if draws[c] < base_rate[c] and len(codes_i) < hyper["max_codes_per_note"]:
                codes_i.append(CODE_LIST[c])
        if len(codes_i) == 0:
            codes_i.append(CODE_LIST[int(rng.integers(0, n_codes))])
        assigned.append(codes_i)
    return texts, assigned


def multi_hot(assigned, hyper):
    code_pos = {}
    for c in range(len(CODE_LIST)):
        code_pos[CODE_LIST[c]] = c
    label_matrix = np.zeros((len(assigned), len(CODE_LIST)), dtype=np.float32)
    for i in range(len(assigned)):
        for code in assigned[i]:
            label_matrix[i, code_pos[code]] = 1
    n_pos = label_matrix.sum(axis=0)
    n_neg = label_matrix.shape[0] - n_pos
    pos_weight = np.minimum(n_neg / np.maximum(n_pos, 1), hyper["pos_weight_cap"])
    return label_matrix, pos_weight.astype(np.float32)


class AdmissionNotes(Dataset):
    def __init__(self, encodings, label_matrix):
        self.input_ids = encodings["input_ids"]
        self.attention_mask = encodings["attention_mask"]
        self.label_matrix = label_matrix

    def __len__(self):
        return self.label_matrix.shape[0]

    def __getitem__(self, idx):
        return {
            "input_ids": self.input_ids[idx],
            "attention_mask": self.attention_mask[idx],
            "targets": torch.from_numpy(self.label_matrix[idx]),
        }


class ICDCoder(nn.Module):
    def __init__(self, vocab_size, n_labels, hyper):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hyper["hidden"], num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=hyper["max_seq_len"] + 16)
        self.encoder = BertModel(cfg)
        self.drop = nn.Dropout(hyper["dropout"])
        self.out = nn.Linear(hyper["hidden"], n_labels)

    def forward(self, input_ids, attention_mask):
        hidden_states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).float()
        summed = (hidden_states * mask).sum(dim=1)
        denom = mask.sum(dim=1).clamp(min=1.0)
        pooled = summed / denom
        return self.out(self.drop(pooled))


def fit(hyper):
    torch.manual_seed(hyper["seed"])
    tok = BertTokenizer(make_vocab_file(hyper))
    texts, assigned = simulate_cohort(hyper)
    label_matrix, pos_weight = multi_hot(assigned, hyper)
    print("code frequencies:", label_matrix.sum(axis=0))
    print("pos_weight:", np.round(pos_weight, 2))

    encodings = tok(texts, padding="max_length", truncation=True, max_length=hyper["max_seq_len"],
                    return_tensors="pt")
    loader = DataLoader(AdmissionNotes(encodings, label_matrix), batch_size=hyper["batch_size"],
                        shuffle=True)

    model = ICDCoder(tok.vocab_size, len(CODE_LIST), hyper)
    criterion = nn.BCEWithLogitsLoss(pos_weight=torch.from_numpy(pos_weight))
    opt = torch.optim.AdamW(model.parameters(), lr=hyper["learning_rate"],
                            weight_decay=hyper["weight_decay"])

    step_losses = []
    for epoch in range(hyper["epochs"]):
        model.train()
        for step, batch in enumerate(loader):
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = criterion(logits, batch["targets"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step_losses.append(loss.item())
            if step % 5 == 0:
                print("epoch %d step %d loss %.4f" % (epoch, step, loss.item()))
    mean_loss = float(np.mean(np.array(step_losses)))
    print("mean training loss: %.4f" % mean_loss)
    return model, mean_loss


if __name__ == "__main__":
    fit(HYPER)
