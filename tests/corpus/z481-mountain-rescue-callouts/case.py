#!/usr/bin/env python
"""Classify mountain-rescue call-out transcripts by incident type (accelerate loop).

Each dispatcher transcript is tokenized once up front; the model is a small
BERT encoder with a linear head, trained for a handful of steps as a smoke test
before the real run on the regional archive.
"""
import argparse
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

INCIDENT_TYPES = ["avalanche", "fall", "lost_party", "medical", "crag_fast"]

CALLOUTS = [
    ("caller reports slide buried skier near north couloir", "avalanche"),
    ("hiker slipped on scree ankle injury cannot walk", "fall"),
    ("two walkers lost in cloud no phone battery", "lost_party"),
    ("climber chest pain at top of ridge", "medical"),
    ("party stuck on ledge cannot go up or down", "crag_fast"),
    ("debris field below cornice one person missing", "avalanche"),
    ("scrambler fell ten metres head injury conscious", "fall"),
    ("group of four overdue from summit route last seen at col", "lost_party"),
    ("runner collapsed diabetic at bothy", "medical"),
    ("dog and owner crag fast above waterfall", "crag_fast"),
    ("slab release witnessed by ski patrol two caught", "avalanche"),
    ("mountain biker crash wrist and collarbone", "fall"),
]

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass
class ModelCfg:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_positions: int = 64


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--max-len", type=int, default=24)
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args()


def make_tokenizer():
    vocab = sorted({w for text, _ in CALLOUTS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="mrt_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIAL + vocab) + "\n")
    return BertTokenizer(path)


class CalloutDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        self.items = []
        for text, incident in rows:
            enc = tokenizer(text, truncation=True, max_length=max_len)
            self.items.append({
                "input_ids": torch.tensor(enc["input_ids"]),
                "attention_mask": torch.tensor(enc["attention_mask"]),
                "label": torch.tensor(INCIDENT_TYPES.index(incident)),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class IncidentClassifier(torch.nn.Module):
    def __init__(self, vocab_size, cfg: ModelCfg, n_classes):
        super().__init__()
        self.encoder = BertModel(BertConfig(
            vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
            num_attention_heads=cfg.heads, intermediate_size=cfg.ffn,
            max_position_embeddings=cfg.max_positions))
        self.head = torch.nn.Linear(cfg.hidden, n_classes)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0])


def main():
    args = parse_args()
    set_seed(args.seed)
    accelerator = Accelerator(cpu=True)

    tokenizer = make_tokenizer()
    dataset = CalloutDataset(CALLOUTS, tokenizer, args.max_len)
    loader = DataLoader(dataset, batch_size=args.batch_size, shuffle=True)

    model = IncidentClassifier(tokenizer.vocab_size, ModelCfg(), len(INCIDENT_TYPES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    step = 0
    while step < args.steps:
        for batch in loader:
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = F.cross_entropy(logits, batch["label"])
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            step += 1
            accelerator.print(f"step {step} loss {loss.item():.4f}")
            if step >= args.steps:
                break


if __name__ == "__main__":
    main()
