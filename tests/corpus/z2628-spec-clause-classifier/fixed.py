import os
import re
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))

CFG = {
    "max_len": 64,
    "batch_size": 8,
    "epochs": 2,
    "lr": 3e-4,
    "hidden": 32,
    "vocab_path": os.path.join(HERE, "spec_vocab.txt"),
}

CLAUSE_TYPES = ["requirement", "submittal", "testing", "reference"]

TEMPLATES = {
    "requirement": [
        "{sec} concrete shall achieve a minimum compressive strength of {n} mpa at 28 days",
        "{sec} contractor shall provide formwork true to line and level",
        "{sec} reinforcement shall be placed with minimum cover of {n} mm",
    ],
    "submittal": [
        "{sec} submit shop drawings for reinforcement prior to fabrication",
        "{sec} submit product data for admixtures and curing compounds",
        "{sec} submit mix design for each class of concrete {n} days before placement",
    ],
    "testing": [
        "{sec} field testing of concrete slump shall be performed per astm c143",
        "{sec} cylinders shall be cast for each {n} cubic meters placed",
        "{sec} testing agency shall report strength results within {n} days",
    ],
    "reference": [
        "{sec} comply with aci 301 specifications for structural concrete",
        "{sec} reference standards astm c150 portland cement",
        "{sec} comply with requirements of division 01 general requirements",
    ],
}

SECTION_RE = re.compile(r"^\d{2}$")


def write_vocab(path, texts):
    words = set()
    for t in texts:
        words.update(t.split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        for tok in specials + sorted(words):
            f.write(tok + "\n")


def make_clauses(n):
    rows = []
    for _ in range(n):
        ctype = random.choice(CLAUSE_TYPES)
        tmpl = random.choice(TEMPLATES[ctype])
        sec = "03 {:02d} {:02d}".format(random.randint(10, 40), random.randint(0, 99))
        text = tmpl.format(sec=sec, n=random.choice([20, 25, 30, 40, 50, 75, 100]))
        rows.append((text, CLAUSE_TYPES.index(ctype)))
    return rows


def clause_mask(input_ids, tokenizer, pad_to):
    """Attention mask that also hides the MasterFormat section number at the start of each clause."""
    masks = []
    for row in input_ids.tolist():
        toks = tokenizer.convert_ids_to_tokens(row)
        m = []
        for i, tok in enumerate(toks):
            if tok == tokenizer.pad_token:
                m.append(0)
            elif 1 <= i <= 3 and SECTION_RE.match(tok):
                m.append(0)
            else:
                m.append(1)
        m = m + [0] * (pad_to - len(m))
        masks.append(m[:pad_to])
    return torch.tensor(masks, dtype=torch.long)


class ClauseClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, hidden, max_len):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=max_len + 8,
        )
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0])


def batches(rows, bs):
    for i in range(0, len(rows), bs):
        yield rows[i:i + bs]


def main():
    train = make_clauses(96)
    write_vocab(CFG["vocab_path"], [t for t, _ in train])
    tokenizer = BertTokenizer(CFG["vocab_path"])

    model = ClauseClassifier(tokenizer.vocab_size, len(CLAUSE_TYPES), CFG["hidden"], CFG["max_len"])
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(CFG["epochs"]):
        random.shuffle(train)
        total, correct, seen = 0.0, 0, 0
        for chunk in batches(train, CFG["batch_size"]):
            texts = [t for t, _ in chunk]
            labels = torch.tensor([y for _, y in chunk])
            enc = tokenizer(
                texts,
                padding=True,
                truncation=True,
                max_length=CFG["max_len"],
                return_tensors="pt",
            )
            attn = clause_mask(enc["input_ids"], tokenizer, enc["input_ids"].shape[1])

            logits = model(enc["input_ids"], attn)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()

            total += loss.item() * len(chunk)
            correct += (logits.argmax(-1) == labels).sum().item()
            seen += len(chunk)
        print(f"epoch {epoch}: loss={total / seen:.4f} acc={correct / seen:.3f}")


if __name__ == "__main__":
    main()
