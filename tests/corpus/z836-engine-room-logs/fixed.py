"""Engine-room maintenance log triage (interactive-style session script).

Each log entry written by the watch engineer is routed to one of three
queues: routine, parts-order, urgent. Small BERT built from scratch so the
pipeline can be exercised offline before the real checkpoint arrives.
"""
import os
import re
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

QUEUES = ["routine", "parts-order", "urgent"]

LOGS = [
    ("aux boiler feed pump checked, pressure normal", "routine"),
    ("main engine cylinder 3 exhaust temp high, investigate", "urgent"),
    ("purifier bowl cleaned, gasket replaced from stock", "routine"),
    ("order two spare injector nozzles for generator 2", "parts-order"),
    ("bilge alarm forward hold, water ingress suspected", "urgent"),
    ("lube oil filter differential pressure rising slowly over the last "
     "three watches, changed over to standby filter, dirty element opened "
     "and found metal particles on the mesh, sample sent ashore for "
     "analysis, bearing temperatures steady but keep close watch and report "
     "to chief engineer at noon together with the crankcase readings", "urgent"),
    ("need replacement v-belts for the ventilation fan, stock empty", "parts-order"),
    ("sea water cooling strainer cleared of weed", "routine"),
]

STATE = {}


def _words(text):
    return re.findall(r"[a-z0-9]+|[^\sa-z0-9]", text.lower())


def build_vocab_file(texts):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    seen = []
    for t in texts:
        for w in _words(t):
            if w not in seen:
                seen.append(w)
    folder = tempfile.mkdtemp(prefix="erlog_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(special + seen) + "\n")
    return path


def load():
    texts = [t for t, _ in LOGS]
    vocab_path = build_vocab_file(texts)
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=48,
        num_labels=len(QUEUES),
    )
    STATE["tokenizer"] = tok
    STATE["model"] = BertForSequenceClassification(cfg)
    STATE["texts"] = texts
    STATE["targets"] = torch.tensor([QUEUES.index(q) for _, q in LOGS])
    print(f"[load] vocab={tok.vocab_size} entries={len(texts)}")


def encode():
    tok = STATE["tokenizer"]
    limit = STATE["model"].config.max_position_embeddings
    enc = tok(STATE["texts"], padding="longest", truncation=True, max_length=limit,
              return_tensors="pt")
    STATE["encoded"] = dict(enc)
    print(f"[encode] batch shape {tuple(enc['input_ids'].shape)}")


def train():
    model = STATE["model"]
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    history = []
    for epoch in range(3):
        opt.zero_grad()
        out = model(**STATE["encoded"], labels=STATE["targets"])
        out.loss.backward()
        opt.step()
        history.append(out.loss.item())
        print(f"[train] epoch {epoch} loss {out.loss.item():.4f}")
    STATE["history"] = history


def evaluate():
    model = STATE["model"]
    model.eval()
    with torch.no_grad():
        logits = model(**STATE["encoded"]).logits
    preds = logits.argmax(-1)
    acc = (preds == STATE["targets"]).float().mean().item()
    STATE["results"] = {"accuracy": acc, "preds": [QUEUES[i] for i in preds.tolist()]}
    print(f"[eval] accuracy {acc:.2f}")
    for text, p in zip(STATE["texts"], STATE["results"]["preds"]):
        print(f"   {p:12s} <- {text[:50]}")


COMMANDS = {"load": load, "encode": encode, "train": train, "eval": evaluate}


def run(cmd):
    print(f">>> {cmd}")
    COMMANDS[cmd]()


for cmd in ["load", "encode", "train", "eval"]:
    run(cmd)
