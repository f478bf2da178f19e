import os
import re
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

WORKDIR = os.path.dirname(os.path.abspath(__file__))

ATA_CHAPTERS = {
    "21": "air conditioning",
    "29": "hydraulic power",
    "32": "landing gear",
    "36": "pneumatic",
    "72": "engine",
}

BASE_WORDS = """
found replaced removed installed inspected leaking leak worn crack cracked seal valve pump
actuator tire brake wheel strut gear main nose pack duct bleed fan blade borescope oil
pressure low high temp fault msg ecam eicas light illuminated ops check good ref amm
task iaw lh rh no1 no2 engine hyd system sys reservoir filter clogged chafed wire harness
torque per deferred mel item crew reported during taxi climb cruise descent after landing
""".split()

LOG_TEMPLATES = {
    "21": ["crew reported pack {side} fault msg during climb", "found pack duct {side} chafed replaced duct pn {pn}"],
    "29": ["hyd sys {side} low pressure light illuminated", "found hyd pump {side} leaking replaced pump pn {pn}"],
    "32": ["found {side} main gear tire worn replaced tire pn {pn}", "brake {side} worn replaced brake pn {pn} ops check good"],
    "36": ["bleed {side} fault msg during cruise", "replaced bleed valve {side} pn {pn} iaw amm task"],
    "72": ["engine {side} oil pressure low during descent", "borescope engine {side} found fan blade crack ref amm"],
}

DOMAIN_TOKENS = ["[PN]", "[TAIL]"]


def make_logs(n):
    rows = []
    for _ in range(n):
        ata = random.choice(list(LOG_TEMPLATES))
        text = random.choice(LOG_TEMPLATES[ata]).format(
            side=random.choice(["lh", "rh", "no1", "no2"]),
            pn=f"{random.randint(100, 999)}-{random.randint(1000, 9999)}-{random.randint(1, 9):02d}",
        )
        rows.append({"tail": f"N{random.randint(100, 999)}AX", "text": text, "ata": ata})
    return rows


PN_RE = re.compile(r"\b\d{3}-\d{4}-\d{2}\b")
TAIL_RE = re.compile(r"\bN\d{3}[A-Z]{2}\b")


def normalise(text):
    text = PN_RE.sub(" [PN] ", text)
    text = TAIL_RE.sub(" [TAIL] ", text)
    return " ".join(text.split())


class MaintLogDataset(Dataset):
    def __init__(self, rows, tokenizer, label_map, max_len=32):
        self.rows = rows
        self.tok = tokenizer
        self.label_map = label_map
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        r = self.rows[idx]
        enc = self.tok(
            normalise(f"{r['tail']} {r['text']}"),
            max_length=self.max_len,
            padding="max_length",
            truncation=True,
            return_tensors="pt",
        )
        return {
            "input_ids": enc["input_ids"].squeeze(0),
            "attention_mask": enc["attention_mask"].squeeze(0),
            "label": torch.tensor(self.label_map[r["ata"]]),
        }


class AtaChapterClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, hidden=48):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=96,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, input_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(h[:, 0]))


def build_tokenizer():
    path = os.path.join(WORKDIR, "mx_vocab.txt")
    with open(path, "w") as f:
        for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(BASE_WORDS)):
            f.write(w + "\n")
    tok = BertTokenizer(path)
    tok.add_special_tokens({"additional_special_tokens": DOMAIN_TOKENS})
    return tok


def run():
    tokenizer = build_tokenizer()
    label_map = {ata: i for i, ata in enumerate(sorted(ATA_CHAPTERS))}
    rows = make_logs(120)
    split = int(0.8 * len(rows))
    train_dl = DataLoader(MaintLogDataset(rows[:split], tokenizer, label_map), batch_size=8, shuffle=True)
    val_dl = DataLoader(MaintLogDataset(rows[split:], tokenizer, label_map), batch_size=16)

    model = AtaChapterClassifier(tokenizer.vocab_size, len(label_map))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(2):
        model.train()
        for batch in train_dl:
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = loss_fn(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["input_ids"], batch["attention_mask"]).argmax(-1)
                correct += (pred == batch["label"]).sum().item()
        print(f"epoch {epoch}: loss={loss.item():.3f} val_acc={correct / len(val_dl.dataset):.3f}")


if __name__ == "__main__":
    run()
