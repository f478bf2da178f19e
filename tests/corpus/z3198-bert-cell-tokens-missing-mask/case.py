import csv
import io
import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

HERE = os.path.dirname(os.path.abspath(__file__))
CATEGORICAL = ["workclass", "education", "marital", "occupation"]
CONTINUOUS = ["age", "hours_per_week", "capital_gain"]
TARGET = "income_gt_50k"
MISSING = "?"


def census_csv(n=256):
    pools = {
        "workclass": ["private", "self-emp", "gov", MISSING],
        "education": ["hs", "some-college", "bachelors", "masters", "doctorate"],
        "marital": ["married", "never-married", "divorced", "widowed"],
        "occupation": ["tech", "sales", "craft", "admin", "exec", MISSING],
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CATEGORICAL + CONTINUOUS + [TARGET])
    writer.writeheader()
    for _ in range(n):
        row = {c: random.choice(pools[c]) for c in CATEGORICAL}
        row["age"] = random.randint(18, 80)
        row["hours_per_week"] = random.choice([20, 35, 40, 45, 50, 60])
        row["capital_gain"] = MISSING if random.random() < 0.1 else int(random.expovariate(1 / 800))
        score = (row["education"] in ("masters", "doctorate")) + (row["hours_per_week"] >= 45) + (row["age"] > 40)
        row[TARGET] = int(score >= 2)
        writer.writerow(row)
    return out.getvalue()


def cell_token(col, value):
    return f"{col}:{value}"


def write_vocab(rows, path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    cells = sorted({cell_token(c, r[c]) for r in rows for c in CATEGORICAL})
    with open(path, "w") as fh:
        fh.write("\n".join(specials + cells) + "\n")
    return len(specials) + len(cells)


def fit_scalers(rows):
    scalers = {}
    for c in CONTINUOUS:
        v = np.array([float(r[c]) for r in rows if r[c] != MISSING])
        if c == "capital_gain":
            v = np.log1p(v)
        scalers[c] = (float(v.mean()), float(v.std()) or 1.0)
    return scalers


def make_collate(tokenizer, scalers):
    def collate(batch):
        ids, masks, conts, labels = [], [], [], []
        for r in batch:
            cell_ids = tokenizer.convert_tokens_to_ids([cell_token(c, r[c]) for c in CATEGORICAL])
            ids.append([tokenizer.cls_token_id] + cell_ids + [tokenizer.sep_token_id])
            masks.append([0 if r[c] == MISSING else 1 for c in CATEGORICAL])
            feats = []
            for c in CONTINUOUS:
                if r[c] == MISSING:
                    feats += [0.0, 1.0]
                    continue
                x = np.log1p(float(r[c])) if c == "capital_gain" else float(r[c])
                mu, sd = scalers[c]
                feats += [(x - mu) / sd, 0.0]
            conts.append(feats)
            labels.append(int(r[TARGET]))
        return {
            "input_ids": torch.tensor(ids),
            "attention_mask": torch.tensor(masks),
            "cont": torch.tensor(conts, dtype=torch.float32),
            "labels": torch.tensor(labels),
        }
    return collate


class CellBert(nn.Module):
    def __init__(self, config, n_cont):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.cont_proj = nn.Sequential(nn.Linear(n_cont, config.hidden_size), nn.GELU())
        self.classifier = nn.Linear(2 * config.hidden_size, 2)

    def forward(self, input_ids, attention_mask, cont):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask)
        cls_vec = out.last_hidden_state[:, 0]
        return self.classifier(torch.cat([cls_vec, self.cont_proj(cont)], dim=-1))


def main():
    rows = list(csv.DictReader(io.StringIO(census_csv())))
    random.shuffle(rows)
    train_rows, test_rows = rows[:200], rows[200:]

    vocab_path = os.path.join(HERE, "cell_vocab.txt")
    vocab_size = write_vocab(rows, vocab_path)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=False)
    scalers = fit_scalers(train_rows)

    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=16, type_vocab_size=1)
    model = CellBert(config, n_cont=2 * len(CONTINUOUS))
    collate = make_collate(tokenizer, scalers)
    train_dl = DataLoader(train_rows, batch_size=16, shuffle=True, collate_fn=collate)
    test_dl = DataLoader(test_rows, batch_size=32, collate_fn=collate)

    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    ce = nn.CrossEntropyLoss()
    for epoch in range(3):
        model.train()
        for step, b in enumerate(train_dl):
            logits = model(b["input_ids"], b["attention_mask"], b["cont"])
            loss = ce(logits, b["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        hits = 0
        with torch.no_grad():
            for b in test_dl:
                hits += (model(b["input_ids"], b["attention_mask"], b["cont"]).argmax(-1) == b["labels"]).sum().item()
        print(f"epoch {epoch} last_loss {loss.item():.4f} test_acc {hits / len(test_rows):.3f}")


if __name__ == "__main__":
    main()
