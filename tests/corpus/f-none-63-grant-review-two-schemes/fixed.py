# Triage for incoming research proposals: predict the funding decision
# (fund / revise / decline) from the abstract, using a small BERT encoder.
import os
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(5)

PANELS = ["ecology", "materials", "neuro", "oceans", "quantum", "social", "climate"]
PANEL_INDEX = {name: i for i, name in enumerate(PANELS)}

DECISIONS = ("fund", "revise", "decline")
DECISION_INDEX = {d: i for i, d in enumerate(DECISIONS)}

train_rows = [
    {"abstract": "coral reef recovery after bleaching events", "panel": "oceans", "decision": "fund"},
    {"abstract": "graphene sheets for flexible battery anodes", "panel": "materials", "decision": "revise"},
    {"abstract": "survey of rural household savings behaviour", "panel": "social", "decision": "decline"},
    {"abstract": "spin qubits in silicon at low temperature", "panel": "quantum", "decision": "fund"},
    {"abstract": "glacier melt models for alpine watersheds", "panel": "climate", "decision": "revise"},
    {"abstract": "hippocampal replay during sleep in rodents", "panel": "neuro", "decision": "fund"},
    {"abstract": "pollinator decline in fragmented meadows", "panel": "ecology", "decision": "decline"},
    {"abstract": "deep sea vents and microbial mats", "panel": "oceans", "decision": "revise"},
]
dev_rows = [
    {"abstract": "battery anodes from recycled silicon", "panel": "materials", "decision": "fund"},
    {"abstract": "sleep and memory in older adults", "panel": "neuro", "decision": "decline"},
]


def panel_label(row):
    return PANEL_INDEX[row["panel"]]


def decision_label(row):
    return DECISION_INDEX[row["decision"]]


class ProposalSet(Dataset):
    def __init__(self, rows, tokenizer, label_of, max_len=24):
        self.rows = rows
        self.tok = tokenizer
        self.label_of = label_of
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        enc = self.tok(row["abstract"], truncation=True, max_length=self.max_len,
                       padding="max_length", return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.label_of(row))
        return item


def build_tokenizer(rows):
    words = sorted({w for r in rows for w in r["abstract"].split()})
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


tok = build_tokenizer(train_rows + dev_rows)
config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                    num_labels=len(DECISIONS))
model = BertForSequenceClassification(config)

train_set = ProposalSet(train_rows, tok, label_of=decision_label)
dev_set = ProposalSet(dev_rows, tok, label_of=decision_label)
train_loader = DataLoader(train_set, batch_size=4, shuffle=True)
dev_loader = DataLoader(dev_set, batch_size=2)

optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
for epoch in range(3):
    model.train()
    running = 0.0
    for batch in train_loader:
        out = model(**batch)
        optim.zero_grad()
        out.loss.backward()
        optim.step()
        running += out.loss.item()
    print(f"epoch {epoch}: train loss {running / len(train_loader):.4f}")

model.eval()
hits = 0
with torch.no_grad():
    for batch in dev_loader:
        gold = batch.pop("labels")
        pred = model(**batch).logits.argmax(-1)
        hits += (pred == gold).sum().item()
print(f"dev accuracy {hits / len(dev_set):.2f}")
