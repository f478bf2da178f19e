"""Failure-risk model for the water distribution network.

Each asset (pump, valve, main segment, hydrant) has free-text inspection notes.
Notes are encoded with a small BERT, then two rounds of neighbour averaging over
the pipe connectivity graph; trained on sampled neighbourhoods.
"""
import os
import random
import tempfile
from collections import deque

import torch
import torch.nn as nn
from accelerate import Accelerator
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

KINDS = ["pump", "valve", "main", "hydrant"]
CONDITION = ["corroded", "leaking", "noisy", "seized", "ok", "repainted", "replaced",
             "cracked", "sediment", "pressure", "drop", "minor", "rust", "seal", "worn"]
N_ASSETS = 40

assets = []
for i in range(N_ASSETS):
    words = random.sample(CONDITION, 4)
    note = f"{KINDS[i % 4]} {' '.join(words)}"
    at_risk = int(any(w in words for w in ("leaking", "cracked", "seized", "corroded")))
    assets.append({"asset_id": i, "note": note, "at_risk": at_risk})

# pipe connectivity: a long trunk main plus a few loops
pipes = [(i, i + 1) for i in range(N_ASSETS - 1)]
pipes += [(i, (i * 7 + 3) % N_ASSETS) for i in range(0, N_ASSETS, 3)]
pipes = [(a, b) for a, b in pipes if a != b]


def write_vocab():
    d = tempfile.mkdtemp(prefix="water_")
    path = os.path.join(d, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + KINDS + CONDITION))
    return path


def neighbourhood(seed, adj, budget):
    """BFS out from one asset until `budget` assets are collected."""
    seen, queue = [seed], deque([seed])
    while queue and len(seen) < budget:
        cur = queue.popleft()
        for nb in adj[cur]:
            if nb not in seen and len(seen) < budget:
                seen.append(nb)
                queue.append(nb)
    return seen


def sample_subgraph(seed, adj, budget=12):
    node_ids = neighbourhood(seed, adj, budget)
    keep = set(node_ids)
    sub_edges = [(a, b) for a, b in pipes if a in keep and b in keep]
    sub_edges += [(b, a) for a, b in sub_edges]
    # rows of the subgraph tensors follow node_ids, so edges use positions in node_ids
    local = {g: i for i, g in enumerate(node_ids)}
    sub_edges = [(local[a], local[b]) for a, b in sub_edges]
    edge_index = torch.tensor(sub_edges, dtype=torch.long).t()
    return node_ids, edge_index


class AssetGraphNet(nn.Module):
    def __init__(self, vocab_size, hidden=32, rounds=2):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.text = BertModel(cfg)
        self.mix = nn.ModuleList(nn.Linear(2 * hidden, hidden) for _ in range(rounds))
        self.risk = nn.Linear(hidden, 1)

    def forward(self, tokens, attn, edge_index):
        h = self.text(input_ids=tokens, attention_mask=attn).last_hidden_state[:, 0]
        src, dst = edge_index
        deg = torch.zeros(h.size(0), device=h.device).index_add_(
            0, dst, torch.ones_like(dst, dtype=h.dtype)).clamp(min=1)
        for layer in self.mix:
            msgs = h.index_select(0, src)
            agg = torch.zeros_like(h).index_add_(0, dst, msgs) / deg[:, None]
            h = torch.relu(layer(torch.cat([h, agg], dim=-1)))
        return self.risk(h).squeeze(-1)


def main():
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab())
    adj = {i: [] for i in range(N_ASSETS)}
    for a, b in pipes:
        adj[a].append(b)
        adj[b].append(a)

    model = AssetGraphNet(tok.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optim = accelerator.prepare(model, optim)
    loss_fn = nn.BCEWithLogitsLoss()

    seeds = [0, 17, 29, 8, 35, 22]
    for epoch in range(2):
        total = 0.0
        for seed in seeds:
            node_ids, edge_index = sample_subgraph(seed, adj)
            notes = [assets[n]["note"] for n in node_ids]
            enc = tok(notes, padding=True, return_tensors="pt").to(accelerator.device)
            target = torch.tensor([float(assets[n]["at_risk"]) for n in node_ids],
                                  device=accelerator.device)
            logits = model(enc["input_ids"], enc["attention_mask"],
                           edge_index.to(accelerator.device))
            loss = loss_fn(logits, target)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            total += loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {total / len(seeds):.4f}")
    accelerator.print("done")


if __name__ == "__main__":
    main()
