"""Colony status tagging from apiary inspection notes with a tiny BERT encoder."""
import json
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

TRAIN_NOTES = [
    ("h01", "brood pattern solid queen seen", "queenright"),
    ("h02", "no eggs no queen cells capped", "queenless"),
    ("h03", "mites on drone brood treat soon", "varroa"),
    ("h04", "queen seen eggs present calm bees", "queenright"),
    ("h05", "emergency queen cells no eggs", "queenless"),
    ("h06", "deformed wings mites counted high", "varroa"),
]
TEST_NOTES = [
    ("h07", "queen seen", "queenright"),
    ("h08", "no eggs found on any frame and the bees are loud and the colony seems "
            "queenless with several capped queen cells on the bottom bars and drone brood "
            "scattered across the brood frames so a new queen is needed soon", "queenless"),
    ("h09", "mites high", "varroa"),
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass
class RunConfig:
    hidden: int = 32
    heads: int = 2
    layers: int = 1
    lr: float = 3e-3
    epochs: int = 1
    batch_size: int = 2


def dump_split(root, split, notes):
    with open(os.path.join(root, f"{split}.jsonl"), "w") as fh:
        for hive, text, _ in notes:
            fh.write(json.dumps({"hive": hive, "note": text}) + "\n")
    with open(os.path.join(root, f"{split}_status.tsv"), "w") as fh:
        fh.write("hive\tstatus\n")
        for hive, _, status in notes:
            fh.write(f"{hive}\t{status}\n")


def load_split(root, split):
    with open(os.path.join(root, f"{split}.jsonl")) as fh:
        notes = {r["hive"]: r["note"] for r in map(json.loads, fh)}
    with open(os.path.join(root, f"{split}_status.tsv")) as fh:
        next(fh)
        status = dict(line.rstrip("\n").split("\t") for line in fh)
    return [(notes[h], status[h]) for h in notes]


def batches(rows, size):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


class HiveTagger(nn.Module):
    def __init__(self, bert_cfg, n_status):
        super().__init__()
        self.encoder = BertModel(bert_cfg)
        self.head = nn.Linear(bert_cfg.hidden_size, n_status)

    def forward(self, **enc):
        cls = self.encoder(**enc).last_hidden_state[:, 0]
        return self.head(cls)


def main():
    cfg = RunConfig()
    root = tempfile.mkdtemp(prefix="apiary_")
    dump_split(root, "train", TRAIN_NOTES)
    dump_split(root, "test", TEST_NOTES)

    train = load_split(root, "train")
    test = load_split(root, "test")
    status_names = sorted(set(s for _, s in train))
    status_id = {s: i for i, s in enumerate(status_names)}

    words = sorted({w for note, _ in train for w in note.split()})
    vocab_path = os.path.join(root, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    tok = BertTokenizer(vocab_path)

    longest = max(len(tok(note)["input_ids"]) for note, _ in train)
    print(f"{len(train)} train notes, longest {longest} tokens, vocab {len(tok)}")

    bert_cfg = BertConfig(vocab_size=len(tok), hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
                          num_attention_heads=cfg.heads, intermediate_size=cfg.hidden * 2,
                          max_position_embeddings=longest)
    model = HiveTagger(bert_cfg, len(status_names))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    def encode(chunk):
        enc = tok([n for n, _ in chunk], padding=True, return_tensors="pt")
        gold = torch.tensor([status_id[s] for _, s in chunk])
        return enc, gold

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for chunk in batches(train, cfg.batch_size):
            enc, gold = encode(chunk)
            loss = nn.functional.cross_entropy(model(**enc), gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")

    model.eval()
    hits = 0
    with torch.no_grad():
        for chunk in batches(test, cfg.batch_size):
            enc, gold = encode(chunk)
            hits += (model(**enc).argmax(-1) == gold).sum().item()
    print(f"test accuracy {hits / len(test):.2f}")


if __name__ == "__main__":
    main()
