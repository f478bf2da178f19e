import os
from dataclasses import dataclass
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

params = {
    "seed": 1234,
    "n_patients": 120,
    "seq_len": 32,
    "bert_hidden": 32,
    "n_covariates": 5,
    "fusion_hidden": 48,
    "n_chapters": 5,
    "batch_size": 12,
    "lr": 1e-3,
    "n_epochs": 2,
}

CHAPTER_NAMES = ["circulatory", "endocrine", "respiratory", "genitourinary", "digestive"]
NOTE_TOKENS = ["admitted", "with", "chest", "pain", "troponin", "elevated", "glucose", "a1c",
               "insulin", "dyspnea", "wheezing", "nebulizer", "oxygen", "dysuria", "creatinine",
               "foley", "abdominal", "nausea", "vomiting", "lft", "ct", "abdomen", "negative",
               "positive", "started", "on", "iv", "fluids", "antibiotics", "discharged", "stable"]


@dataclass
class Encounter:
    note: str
    age: float
    female: int
    los_days: float
    prior_admits: int
    charlson: int
    chapter: int


def write_vocab():
    vocab_path = os.path.join(HERE, "note_vocab.txt")
    f = open(vocab_path, "w")
    for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + NOTE_TOKENS:
        f.write(t + "\n")
    f.close()
    return vocab_path


def simulate_encounters(params):
    rng = np.random.RandomState(params["seed"])
    encounters = []
    for i in range(params["n_patients"]):
        n_tok = rng.randint(6, 25)
        tok_idx = rng.randint(0, len(NOTE_TOKENS), size=n_tok)
        words = []
        for k in range(n_tok):
            words.append(NOTE_TOKENS[tok_idx[k]])
        age = float(np.clip(rng.normal(64.0, 14.0), 18, 98))
        los = float(rng.gamma(2.0, 2.2))
        prior = int(rng.poisson(1.3))
        charlson = int(rng.poisson(2.0 + 0.03 * (age - 60.0)))
        encounters.append(Encounter(" ".join(words), age, int(rng.rand() < 0.52), los, prior,
                                    charlson, int(rng.randint(0, params["n_chapters"]))))
    return encounters


def covariate_matrix(encounters):
    age = np.zeros(len(encounters))
    female = np.zeros(len(encounters))
    log_los = np.zeros(len(encounters))
    prior = np.zeros(len(encounters))
    charlson = np.zeros(len(encounters))
    for i in range(len(encounters)):
        e = encounters[i]
        age[i] = e.age
        female[i] = e.female
        log_los[i] = np.log1p(e.los_days)
        prior[i] = e.prior_admits
        charlson[i] = e.charlson
    age_z = (age - age.mean()) / age.std()
    los_z = (log_los - log_los.mean()) / log_los.std()
    prior_z = (prior - prior.mean()) / (prior.std() + 1e-8)
    charlson_z = (charlson - charlson.mean()) / (charlson.std() + 1e-8)
    X = np.column_stack([age_z, female, los_z, prior_z, charlson_z]).astype(np.float32)
    return X


class NotePlusCovariates(nn.Module):
    def __init__(self, vocab_size, params):
        super().__init__()
        config = BertConfig(vocab_size=vocab_size, hidden_size=params["bert_hidden"],
                            num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                            max_position_embeddings=64)
        self.bert = BertModel(config)
        self.fuse = nn.Linear(params["bert_hidden"] + params["n_covariates"], params["fusion_hidden"])
        self.classify = nn.Linear(params["fusion_hidden"], params["n_chapters"])

    def forward(self, input_ids, attention_mask, covariates):
        cls_vec = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0, :]
        joint = torch.cat([cls_vec, covariates], dim=1)
        h = torch.tanh(self.fuse(joint))
        return self.classify(h)


def train_model(params):
    torch.manual_seed(params["seed"])
    tokenizer = BertTokenizer(write_vocab())
    encounters = simulate_encounters(params)
    notes = []
    chapters = np.zeros(len(encounters), dtype=np.int64)
    for i in range(len(encounters)):
        notes.append(encounters[i].note)
        chapters[i] = encounters[i].chapter
    X_cov = covariate_matrix(encounters)
    print("covariate means:", np.round(X_cov.mean(axis=0), 3))
    print("chapter counts:", np.bincount(chapters, minlength=params["n_chapters"]))

    enc = tokenizer(notes, padding="max_length", truncation=True, max_length=params["seq_len"],
                    return_tensors="pt")
    ids_all = enc["input_ids"]
    mask_all = enc["attention_mask"]
    cov_all = torch.from_numpy(X_cov)
    y_all = torch.from_numpy(chapters)

    model = NotePlusCovariates(tokenizer.vocab_size, params)
    optimizer = torch.optim.Adam(model.parameters(), lr=params["lr"])
    n = len(encounters)
    bs = params["batch_size"]
    for epoch in range(params["n_epochs"]):
        order = np.random.RandomState(params["seed"] + epoch).permutation(n)
        epoch_loss = 0.0
        n_seen = 0
        for start in range(0, n, bs):
            idx = torch.from_numpy(order[start:start + bs])
            logits = model(ids_all[idx], mask_all[idx], cov_all[idx])
            loss = F.cross_entropy(logits, y_all[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss = epoch_loss + loss.item() * len(idx)
            n_seen = n_seen + len(idx)
        print("epoch %d mean loss %.4f" % (epoch, epoch_loss / n_seen))
    return model


if __name__ == "__main__":
    train_model(params)
