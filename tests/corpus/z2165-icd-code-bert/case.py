import os
import re
import random

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "clinical_vocab.txt")

ICD_CODES = ["I21.4", "I50.9", "J18.9", "N17.9", "E11.9", "I48.91"]
CODE_TERMS = {
    "I21.4": ["nstemi", "troponin", "cath", "chest", "pain"],
    "I50.9": ["chf", "edema", "lasix", "bnp", "dyspnea"],
    "J18.9": ["pneumonia", "infiltrate", "cough", "ceftriaxone", "fever"],
    "N17.9": ["aki", "creatinine", "oliguria", "fluids", "renal"],
    "E11.9": ["diabetes", "insulin", "glucose", "metformin", "a1c"],
    "I48.91": ["afib", "rvr", "diltiazem", "apixaban", "palpitations"],
}
COMMON = ("patient was admitted to the on with and for history of hospital course discharge "
          "home stable follow up with pcp in weeks continue meds seen by").split()

# MIMIC-style de-identified placeholders -> a single surrogate token each
DEID_PATTERNS = [
    (re.compile(r"\[\*\*(?:First|Last|Known lastname|Name)[^\]]*\*\*\]"), "[NAME]"),
    (re.compile(r"\[\*\*\d{4}-\d{1,2}-\d{1,2}\*\*\]"), "[DATE]"),
    (re.compile(r"\[\*\*Hospital[^\]]*\*\*\]"), "[HOSPITAL]"),
    (re.compile(r"\[\*\*Telephone[^\]]*\*\*\]"), "[PHONE]"),
]
DEID_TOKENS = [tok for _, tok in DEID_PATTERNS]

TOKENIZER_CFG = {"max_length": 64, "padding": "max_length", "truncation": True}


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(COMMON) | {w for terms in CODE_TERMS.values() for w in terms})
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words + [".", ","]) + "\n")


def make_discharge_summary():
    codes = random.sample(ICD_CODES, k=random.randint(1, 3))
    words = ["patient", "[**Known lastname 4512**]", "was", "admitted", "to",
             "[**Hospital1 18**]", "on", f"[**2150-{random.randint(1, 12)}-{random.randint(1, 28)}**]"]
    for code in codes:
        words += random.sample(CODE_TERMS[code], 3) + random.sample(COMMON, 4)
    words += ["follow", "up", "with", "pcp", "[**First Name8 (NamePattern2) 1234**]",
              "[**Telephone/Fax (1) 5678**]", "."]
    return " ".join(words), codes


def normalize_deid(text):
    for pattern, surrogate in DEID_PATTERNS:
        text = pattern.sub(surrogate, text)
    return text


def build_tokenizer():
    write_vocab(VOCAB_PATH)
    tok = BertTokenizer(VOCAB_PATH)
    tok.add_tokens(DEID_TOKENS, special_tokens=True)
    return tok


def encode_corpus(tokenizer, notes, code2idx):
    texts = [normalize_deid(text) for text, _ in notes]
    enc = tokenizer(texts, return_tensors="pt", **TOKENIZER_CFG)
    y = torch.zeros(len(notes), len(code2idx))
    for i, (_, codes) in enumerate(notes):
        for c in codes:
            y[i, code2idx[c]] = 1.0
    return enc, y


class ICDCoder(nn.Module):
    def __init__(self, config, num_codes):
        super().__init__()
        self.bert = BertModel(config)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.head = nn.Linear(config.hidden_size, num_codes)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        cls = out.last_hidden_state[:, 0]
        return self.head(self.dropout(cls))


def main():
    tokenizer = build_tokenizer()
    code2idx = {c: i for i, c in enumerate(ICD_CODES)}
    notes = [make_discharge_summary() for _ in range(64)]
    enc, y = encode_corpus(tokenizer, notes, code2idx)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=TOKENIZER_CFG["max_length"],
        pad_token_id=tokenizer.pad_token_id,
    )
    model = ICDCoder(config, len(ICD_CODES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    loss_fn = nn.BCEWithLogitsLoss()

    n = y.size(0)
    for epoch in range(3):
        perm = torch.randperm(n)
        running = 0.0
        for start in range(0, n, 16):
            idx = perm[start:start + 16]
            logits = model(enc["input_ids"][idx], enc["attention_mask"][idx], enc["token_type_ids"][idx])
            loss = loss_fn(logits, y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item() * len(idx)
        with torch.no_grad():
            model.eval()
            probs = torch.sigmoid(model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]))
            model.train()
        micro_acc = ((probs > 0.5).float() == y).float().mean().item()
        print(f"epoch {epoch} loss {running / n:.4f} label-acc {micro_acc:.3f}")


if __name__ == "__main__":
    main()
