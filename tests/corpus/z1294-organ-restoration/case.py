"""Route pipe-organ restoration work orders to the right workshop bench.

Tiny BERT encoder + mean-pooled classification head, trained from scratch on a handful of
workshop notes to check that the pipeline wires up before we plug in the real archive.
"""
import os
import re
import tempfile
import types
from dataclasses import dataclass

import torch
import torch.nn as nn
import yaml
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

RAW = """
defaults: &base
  hidden_size: 64
  dropout: 0.1
model:
  encoder:
    <<: *base
    hidden_size: 32
    num_hidden_layers: 1
    num_attention_heads: 2
    intermediate_size: 64
    max_position_embeddings: 48
  head:
    <<: *base
    benches: [reeds, leather, tracker, windchest, console]
data:
  max_length: ${model.encoder.max_position_embeddings}
  batch_size: 4
train:
  epochs: 2
  lr: 5.0e-4
"""


def interpolate(node, root):
    if isinstance(node, dict):
        return {k: interpolate(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [interpolate(v, root) for v in node]
    if isinstance(node, str) and node.startswith("${") and node.endswith("}"):
        target = root
        for part in node[2:-1].split("."):
            target = target[part]
        return interpolate(target, root)
    return node


def namespace(d):
    if isinstance(d, dict):
        return types.SimpleNamespace(**{k: namespace(v) for k, v in d.items()})
    return d


@dataclass
class WorkOrder:
    note: str
    bench: str


ORDERS = [
    WorkOrder("trumpet reeds buzzing tongue needs recurving", "reeds"),
    WorkOrder("pouch leather cracked on swell chest", "leather"),
    WorkOrder("tracker rods warped keys sticking", "tracker"),
    WorkOrder("wind leak at pallet box chest split", "windchest"),
    WorkOrder("stop tabs dead console relay burnt", "console"),
    WorkOrder("oboe reed shallot loose tuning drifts", "reeds"),
    WorkOrder("bellows leather perished and wind unsteady", "leather"),
    WorkOrder("console combination action relay fault", "console"),
]


def build_tokenizer(orders):
    words = sorted({w for o in orders for w in re.findall(r"\w+", o.note.lower())})
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]))
    return BertTokenizer(vocab_path)


class BenchRouter(nn.Module):
    def __init__(self, enc_cfg, head_cfg, vocab_size):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, **vars(enc_cfg)))
        self.proj = nn.Linear(head_cfg.hidden_size, head_cfg.hidden_size)
        self.drop = nn.Dropout(head_cfg.dropout)
        self.classifier = nn.Linear(head_cfg.hidden_size, len(head_cfg.benches))

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        states = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.classifier(self.drop(torch.tanh(self.proj(pooled))))


def main():
    torch.manual_seed(11)
    tree = yaml.safe_load(RAW)
    cfg = namespace(interpolate(tree, tree))
    bench_ids = {b: i for i, b in enumerate(cfg.model.head.benches)}

    tok = build_tokenizer(ORDERS)

    def collate(chunk):
        enc = tok([o.note for o in chunk], padding=True, truncation=True,
                  max_length=cfg.data.max_length, return_tensors="pt")
        enc["target"] = torch.tensor([bench_ids[o.bench] for o in chunk])
        return enc

    loader = DataLoader(ORDERS, batch_size=cfg.data.batch_size, shuffle=True, collate_fn=collate)
    router = BenchRouter(cfg.model.encoder, cfg.model.head, tok.vocab_size)
    optim = torch.optim.AdamW(router.parameters(), lr=cfg.train.lr)
    print(f"{sum(p.numel() for p in router.parameters())} params, {len(bench_ids)} benches")

    for epoch in range(cfg.train.epochs):
        router.train()
        total = 0.0
        for batch in loader:
            target = batch.pop("target")
            loss = nn.functional.cross_entropy(router(**batch), target)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: mean loss {total / len(loader):.4f}")

    print("done")


if __name__ == "__main__":
    main()
