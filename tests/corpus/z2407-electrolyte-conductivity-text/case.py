"""Ionic conductivity from literature electrolyte descriptions + tabulated descriptors.

Each record is an electrolyte sentence mined from an experimental section plus the numbers
parsed out of the same paragraph. A tiny BERT encodes the sentence, the descriptors are
z-scored and concatenated to the [CLS] vector, and a head regresses log10(sigma / mS cm-1).
"""
import os
import random

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 11
MAX_LEN = 48
DESC_COLS = ["salt_molarity", "ec_fraction", "additive_wt", "temperature_c"]
TARGET = "log_sigma"

SALTS = ["lipf6", "litfsi", "lifsi", "libf4"]
SOLVENT_PAIRS = [("ec", "dmc"), ("ec", "emc"), ("ec", "dec"), ("pc", "dmc")]
ADDITIVES = ["fec", "vc", "lidfob", "none"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = [
    "m", "in", "by", "-", ",", "wt", "vol", "with", "additive", "measured", "at", "c", "conductivity",
    "electrolyte", "the", "was", "prepared", "mixture", "of", "and", "no", "%", ":", ".", "(", ")",
    "argon", "glovebox", "ratio", "solution", "salt", "dissolved",
]


def write_vocab(path):
    toks = SPECIAL + [str(d) for d in range(10)] + [f"##{d}" for d in range(10)] + WORDS + SALTS + sorted({s for p in SOLVENT_PAIRS for s in p}) + ADDITIVES
    with open(path, "w") as fh:
        fh.write("\n".join(dict.fromkeys(toks)) + "\n")
    return path


def make_records(n, rng):
    recs = []
    for _ in range(n):
        salt = rng.choice(SALTS)
        a, b = SOLVENT_PAIRS[rng.randrange(len(SOLVENT_PAIRS))]
        molarity = round(rng.uniform(0.5, 2.0), 1)
        ec_part = rng.choice([1, 2, 3, 5])
        ec_frac = ec_part / 10.0
        add = rng.choice(ADDITIVES)
        add_wt = 0.0 if add == "none" else float(rng.choice([1, 2, 5]))
        temp = float(rng.choice([-20, 0, 25, 40, 60]))
        text = (
            f"{molarity} m {salt} dissolved in {a} : {b} ( {ec_part} : {10 - ec_part} by vol ) "
            + (f"with {int(add_wt)} wt % {add} additive" if add != "none" else "with no additive")
            + f" , conductivity measured at {int(temp)} c"
        )
        sigma = 11.0 * np.exp(-((molarity - 1.1) ** 2) / 0.6) * (1 + 0.02 * (temp - 25)) * (1 - 0.3 * abs(ec_frac - 0.3))
        sigma *= {"lipf6": 1.0, "litfsi": 0.85, "lifsi": 1.1, "libf4": 0.55}[salt] * (1 - 0.01 * add_wt)
        recs.append({
            "text": text,
            "salt_molarity": molarity,
            "ec_fraction": ec_frac,
            "additive_wt": add_wt,
            "temperature_c": temp,
            "log_sigma": float(np.log10(max(sigma, 0.05)) + rng.gauss(0, 0.03)),
        })
    return recs


def encode_corpus(tokenizer, records):
    enc = tokenizer(
        [r["text"] for r in records],
        padding="max_length",
        truncation=True,
        max_length=MAX_LEN,
        return_tensors="pt",
    )
    table = np.array([[r[c] for c in DESC_COLS + [TARGET]] for r in records], dtype=np.float32)
    return enc, table


class ElectrolyteRegressor(nn.Module):
    def __init__(self, bert_cfg, n_desc, desc_mean, desc_std):
        super().__init__()
        self.encoder = BertModel(bert_cfg)
        self.register_buffer("desc_mean", torch.as_tensor(desc_mean))
        self.register_buffer("desc_std", torch.as_tensor(desc_std))
        self.desc_proj = nn.Linear(n_desc, 16)
        self.head = nn.Sequential(
            nn.Linear(bert_cfg.hidden_size + 16, 32), nn.GELU(), nn.Linear(32, 1)
        )

    def forward(self, input_ids, attention_mask, descriptors):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        cls_vec = out.last_hidden_state[:, 0]
        z = (descriptors - self.desc_mean) / self.desc_std
        d = torch.relu(self.desc_proj(z))
        return self.head(torch.cat([cls_vec, d], dim=-1)).squeeze(-1)


def batches(n, bs, shuffle, rng):
    idx = list(range(n))
    if shuffle:
        rng.shuffle(idx)
    for i in range(0, n, bs):
        yield idx[i : i + bs]


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "electrolyte_vocab.txt")))

    records = make_records(160, rng)
    train_recs, val_recs = records[:128], records[128:]
    enc_tr, tab_tr = encode_corpus(tokenizer, train_recs)
    enc_va, tab_va = encode_corpus(tokenizer, val_recs)

    col_mean = tab_tr.mean(axis=0)
    col_std = tab_tr.std(axis=0) + 1e-6
    y_mean, y_std = col_mean[-1], col_std[-1]
    n_desc = len(DESC_COLS)
    desc_tr, y_tr = torch.from_numpy(tab_tr[:, :n_desc]), torch.from_numpy((tab_tr[:, -1] - y_mean) / y_std)
    desc_va, y_va = torch.from_numpy(tab_va[:, :n_desc]), torch.from_numpy((tab_va[:, -1] - y_mean) / y_std)

    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64,
    )
    model = ElectrolyteRegressor(bert_cfg, n_desc, col_mean, col_std)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)

    for epoch in range(3):
        model.train()
        for idx in batches(len(train_recs), 16, True, rng):
            pred = model(enc_tr["input_ids"][idx], enc_tr["attention_mask"][idx], desc_tr[idx])
            loss = nn.functional.mse_loss(pred, y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            pv = model(enc_va["input_ids"], enc_va["attention_mask"], desc_va)
            mae = ((pv - y_va).abs() * float(y_std)).mean().item()
        print(f"epoch {epoch}: train_loss={loss.item():.4f}  val_MAE(log10 sigma)={mae:.3f}")


if __name__ == "__main__":
    main()
