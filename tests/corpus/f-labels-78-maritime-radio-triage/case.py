"""Maritime radio triage: classify transcribed VHF messages into priority
levels with a small BERT classifier configured from a JSON settings blob."""
import json
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

SETTINGS = """{
  "model": {"arch": "bert", "hidden_size": 64, "layers": 2, "heads": 4, "num_labels": 3},
  "train": {"lr": 0.0005, "epochs": 3, "batch_size": 4, "max_len": 24}
}"""

PRIORITIES = ["routine", "safety", "urgency", "distress"]
MESSAGES = [
    ("vessel arriving port at noon requesting berth", "routine"),
    ("fishing boat reporting position all well", "routine"),
    ("floating container sighted near channel buoy", "safety"),
    ("gale warning issued for northern sector", "safety"),
    ("engine failure drifting need tow", "urgency"),
    ("crew member injured require medical advice", "urgency"),
    ("taking on water sinking request immediate assistance", "distress"),
    ("fire on board abandoning ship", "distress"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_bert(cfg, vocab_size):
    m = cfg["model"]
    config = BertConfig(vocab_size=vocab_size, hidden_size=m["hidden_size"],
                        num_hidden_layers=m["layers"], num_attention_heads=m["heads"],
                        intermediate_size=m["hidden_size"] * 2, max_position_embeddings=64,
                        num_labels=cfg["model"]["num_labels"])
    return BertForSequenceClassification(config)


BUILDERS = {"bert": make_bert}


def batches(tok, rows, size, max_len):
    for i in range(0, len(rows), size):
        chunk = rows[i:i + size]
        enc = tok([t for t, _ in chunk], padding=True, truncation=True,
                  max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([PRIORITIES.index(p) for _, p in chunk])
        yield enc


cfg = json.loads(SETTINGS)
tok = BertTokenizer(write_vocab([t for t, _ in MESSAGES]))
model = BUILDERS[cfg["model"]["arch"]](cfg, len(tok))
print(f"model: {cfg['model']['arch']}, priorities: {PRIORITIES}")

opt = torch.optim.AdamW(model.parameters(), lr=cfg["train"]["lr"])
model.train()
for epoch in range(cfg["train"]["epochs"]):
    total = 0.0
    for batch in batches(tok, MESSAGES, cfg["train"]["batch_size"], cfg["train"]["max_len"]):
        out = model(**batch)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        total += out.loss.item()
    print(f"epoch {epoch}: loss {total:.4f}")

model.eval()
with torch.no_grad():
    enc = tok(["mayday mayday vessel sinking"], return_tensors="pt")
    pred = model(**enc).logits.argmax(-1).item()
print("predicted priority:", PRIORITIES[pred])
