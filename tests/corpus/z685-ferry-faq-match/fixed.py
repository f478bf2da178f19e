"""Question/answer relevance model for the island ferry help desk.

Each example is a passenger question paired with a candidate answer snippet
from the timetable FAQ; the model scores whether the snippet answers it.
"""
import functools
import os
import random
import tempfile

import torch
import yaml
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CONFIG_TEXT = """
seed: 7
encoder:
  kind: bert
  width: 32
  depth: 1
  heads: 2
  ffn: 64
  positions: 128
  segments: 2
  classes: 2
loader:
  batch_size: 3
  max_tokens: 48
optim:
  lr: 3.0e-4
  epochs: 2
"""

PAIRS = [
    ("when does the first boat leave on sunday", "the first sunday sailing departs at eight", 1),
    ("can i bring my bicycle", "bicycles travel free on the car deck", 1),
    ("is there a cafe on board", "the first sunday sailing departs at eight", 0),
    ("are dogs allowed on the ferry", "dogs on a lead are welcome in the outer lounge", 1),
    ("how early should i check in with a car", "cars must check in thirty minutes before departure", 1),
    ("can i bring my bicycle", "cars must check in thirty minutes before departure", 0),
    ("is there a cafe on board", "a cafe serves hot food on every crossing", 1),
    ("are dogs allowed on the ferry", "a cafe serves hot food on every crossing", 0),
    ("what happens if the crossing is cancelled", "cancelled sailings are refunded in full", 1),
    ("when does the first boat leave on sunday", "bicycles travel free on the car deck", 0),
]


def make_vocab_file(pairs):
    words = sorted({w for q, a, _ in pairs for w in (q + " " + a).split()})
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def build_bert(enc, vocab_size):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=enc["width"], num_hidden_layers=enc["depth"],
                     num_attention_heads=enc["heads"], intermediate_size=enc["ffn"],
                     max_position_embeddings=enc["positions"], type_vocab_size=enc["segments"],
                     num_labels=enc["classes"])
    return BertForSequenceClassification(cfg)


BUILDERS = {"bert": build_bert}


class FaqPairs(Dataset):
    def __init__(self, pairs, tokenizer, max_tokens):
        self.items = []
        for question, answer, relevant in pairs:
            enc = tokenizer(question, answer, truncation=True, max_length=max_tokens)
            self.items.append((enc["input_ids"], enc["token_type_ids"], relevant))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate_pairs(rows, pad_id):
    longest = max(len(ids) for ids, _, _ in rows)
    tok = torch.full((len(rows), longest), pad_id, dtype=torch.long)
    seg = torch.zeros((len(rows), longest), dtype=torch.long)
    keep = torch.zeros((len(rows), longest), dtype=torch.long)
    for r, (ids, segment_ids, _) in enumerate(rows):
        tok[r, :len(ids)] = torch.tensor(ids)
        seg[r, :len(ids)] = torch.tensor(segment_ids)
        keep[r, :len(ids)] = 1
    target = torch.tensor([y for _, _, y in rows])
    return {"input_ids": tok, "token_type_ids": seg, "attention_mask": keep, "labels": target}


def run_epoch(model, loader, optimizer, accelerator):
    model.train()
    total = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        accelerator.backward(out.loss)
        optimizer.step()
        optimizer.zero_grad()
        total += out.loss.item()
    return total / max(step + 1, 1)


def main():
    cfg = yaml.safe_load(CONFIG_TEXT)
    random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])

    accelerator = Accelerator(cpu=True)
    tokenizer = BertTokenizer(make_vocab_file(PAIRS))
    model = BUILDERS[cfg["encoder"]["kind"]](cfg["encoder"], len(tokenizer))

    dataset = FaqPairs(PAIRS, tokenizer, cfg["loader"]["max_tokens"])
    loader = DataLoader(dataset, batch_size=cfg["loader"]["batch_size"], shuffle=True,
                        collate_fn=functools.partial(collate_pairs, pad_id=tokenizer.pad_token_id))
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["optim"]["lr"])
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    accelerator.print(f"training on {len(dataset)} pairs, device={accelerator.device}")
    for epoch in range(cfg["optim"]["epochs"]):
        avg = run_epoch(model, loader, optimizer, accelerator)
        accelerator.print(f"epoch {epoch}: loss {avg:.4f}")


if __name__ == "__main__":
    main()
