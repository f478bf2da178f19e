"""Avalanche bulletin snippets -> danger level (European 1-5 scale).

Quick offline sanity run of the rating model on a handful of forecaster
snippets before we plug in the archive of past bulletins.
"""
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(5)

DANGER_SCALE = {1: "low", 2: "moderate", 3: "considerable", 4: "high", 5: "very high"}

BULLETINS = [
    {"text": "well bonded snowpack, isolated small slides on extreme slopes", "level": 1},
    {"text": "wind slabs near ridgelines, careful route choice advised", "level": 2},
    {"text": "persistent weak layer reactive, remote triggering possible", "level": 3},
    {"text": "heavy snowfall and strong wind, natural releases likely", "level": 4},
    {"text": "widespread large natural avalanches reaching valley floors", "level": 5},
    {"text": "old snow stable, wet loose in the afternoon on south aspects", "level": 1},
    {"text": "fresh drifts on north aspects above treeline, skier triggering possible", "level": 3},
    {"text": "extraordinary snowfall, roads and villages threatened", "level": 5},
]

STATE = {"batch_size": 4, "epochs": 3}


def make_tokenizer(snippets):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for s in snippets:
        for w in s.replace(",", " , ").split():
            if w not in vocab:
                vocab.append(w)
    d = tempfile.mkdtemp(prefix="avl_")
    with open(os.path.join(d, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(os.path.join(d, "vocab.txt"))


def load():
    STATE["tokenizer"] = make_tokenizer([b["text"] for b in BULLETINS])
    cfg = BertConfig(
        vocab_size=STATE["tokenizer"].vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(DANGER_SCALE),
        id2label={i: name for i, name in enumerate(DANGER_SCALE.values())},
    )
    STATE["model"] = BertForSequenceClassification(cfg)
    STATE["data"] = BULLETINS
    print(f"model ready, {cfg.num_labels} danger classes: {list(DANGER_SCALE.values())}")


def encode():
    rows = []
    for item in STATE["data"]:
        rows.append({"text": item["text"], "rating": item["level"]})
    STATE["rows"] = rows

    tok = STATE["tokenizer"]

    def collate(chunk):
        enc = tok([r["text"] for r in chunk], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([r["rating"] for r in chunk])
        return enc

    STATE["train_loader"] = DataLoader(rows, batch_size=STATE["batch_size"], shuffle=True,
                                       collate_fn=collate)
    STATE["eval_loader"] = DataLoader(rows, batch_size=STATE["batch_size"], collate_fn=collate)
    print(f"{len(rows)} bulletins, {len(STATE['train_loader'])} batches per epoch")


def train():
    model = STATE["model"]
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4, weight_decay=0.01)
    model.train()
    for epoch in range(STATE["epochs"]):
        running = []
        for batch in STATE["train_loader"]:
            out = model(**batch)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            running.append(out.loss.item())
        print(f"epoch {epoch + 1}: mean loss {sum(running) / len(running):.4f}")


def evaluate():
    model = STATE["model"]
    model.eval()
    correct, seen = 0, 0
    with torch.no_grad():
        for batch in STATE["eval_loader"]:
            gold = batch.pop("labels")
            guess = model(**batch).logits.argmax(dim=-1)
            correct += (guess == gold).sum().item()
            seen += gold.numel()
    STATE["results"] = {"accuracy": correct / seen}
    print(f"danger level accuracy: {correct}/{seen}")


COMMANDS = {"load": load, "encode": encode, "train": train, "eval": evaluate}


def run(cmd):
    print(f"--> {cmd}")
    COMMANDS[cmd]()


for cmd in ["load", "encode", "train", "eval"]:
    run(cmd)
