"""Pharmacy drug-pair screening notebook, exported as a script.

Given two medication notes from a patient's chart, flag whether the pair
needs a pharmacist review. Encoder is a small BERT trained from scratch.
"""
import functools
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)


@dataclass
class DrugPair:
    first: str
    second: str
    review: int  # 1 = send to pharmacist


PAIRS = [
    DrugPair("warfarin 5 mg daily", "aspirin 81 mg daily", 1),
    DrugPair("metformin 500 mg twice daily", "lisinopril 10 mg daily", 0),
    DrugPair("simvastatin 40 mg nightly", "clarithromycin 500 mg twice daily", 1),
    DrugPair("levothyroxine 50 mcg morning", "omeprazole 20 mg daily", 0),
    DrugPair("sertraline 100 mg daily", "tramadol 50 mg as needed", 1),
    DrugPair("amlodipine 5 mg daily", "metformin 500 mg twice daily", 0),
]

ENCODER_SETTINGS = dict(
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    type_vocab_size=1,
)

STATE = {}


class PairScreener(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(config.hidden_size, 2)

    def forward(self, **batch):
        pooled = self.encoder(**batch).pooler_output
        return self.head(self.dropout(pooled))


def write_vocab(lines):
    words = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
    for line in lines:
        words.update(line.lower().split())
    ordered = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    ordered += sorted(words - set(ordered))
    tmp = tempfile.mkdtemp(prefix="rx_")
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as f:
        f.write("\n".join(ordered))
    return vocab_path


def load():
    corpus = [p.first for p in PAIRS] + [p.second for p in PAIRS]
    tokenizer = BertTokenizer(write_vocab(corpus))
    config = BertConfig(vocab_size=len(tokenizer), **ENCODER_SETTINGS)
    STATE["tokenizer"] = tokenizer
    STATE["model"] = PairScreener(config)
    STATE["pairs"] = PAIRS
    print(f"loaded tokenizer ({len(tokenizer)} tokens) and screener "
          f"({sum(p.numel() for p in STATE['model'].parameters())} params)")


def encode():
    tok = functools.partial(STATE["tokenizer"], padding=True, truncation=True,
                            max_length=64, return_tensors="pt")
    pairs = STATE["pairs"]
    STATE["batch"] = dict(tok([p.first for p in pairs], [p.second for p in pairs]))
    STATE["flags"] = torch.tensor([p.review for p in pairs])
    print("encoded", {k: tuple(v.shape) for k, v in STATE["batch"].items()})
    print("second-note tokens per pair:", STATE["batch"]["token_type_ids"].sum(1).tolist())


def train():
    model, batch, flags = STATE["model"], STATE["batch"], STATE["flags"]
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()
    model.train()
    for step in range(4):
        logits = model(**batch)
        loss = criterion(logits, flags)
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"step {step}: loss={loss.item():.4f}")
    STATE["final_loss"] = loss.item()


def evaluate():
    model = STATE["model"]
    model.eval()
    with torch.no_grad():
        probs = model(**STATE["batch"]).softmax(-1)[:, 1]
    flagged = (probs > 0.5).long()
    hits = int((flagged == STATE["flags"]).sum())
    STATE["results"] = {"correct": hits, "total": len(flagged), "probs": probs.tolist()}
    for pair, pr in zip(STATE["pairs"], probs.tolist()):
        print(f"  {pr:.2f}  {pair.first} + {pair.second}")
    print(f"screening agreement: {hits}/{len(flagged)}")


COMMANDS = {"load": load, "encode": encode, "train": train, "eval": evaluate}


def run(cmd):
    print(f"== {cmd} ==")
    COMMANDS[cmd]()


for cmd in ["load", "encode", "train", "eval"]:
    run(cmd)
