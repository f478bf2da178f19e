"""Hive inspection note triage: flag colonies that need a follow-up visit.

Small from-scratch encoder + pluggable heads, everything wired through registries
so we can swap encoders/heads from the settings dict without touching the loop.
"""
import random
from collections import Counter

import torch
import torch.nn as nn

MODELS, HEADS, COLLATORS = {}, {}, {}


def _registrar(table):
    def register(name):
        def wrap(fn):
            table[name] = fn
            return fn
        return wrap
    return register


register_model = _registrar(MODELS)
register_head = _registrar(HEADS)
register_collator = _registrar(COLLATORS)


CFG = {
    "model": {"type": "tiny_encoder", "args": {"d_model": 48, "n_heads": 4, "n_layers": 2, "max_len": 32}},
    "head": {"type": "mlp_cls", "args": {"n_classes": 3, "dropout": 0.1}},
    "data": {"collator": {"type": "pad_to_longest", "args": {"pad_id": 0}}, "batch_size": 4},
    "train": {"lr": 3e-4, "epochs": 3, "seed": 11},
}

NOTES = [
    ("queen seen eggs present calm frames capped brood", 0),
    ("no queen no eggs emergency cells drawn", 2),
    ("varroa count high deformed wings on workers", 2),
    ("honey flow strong add super", 1),
    ("brood pattern spotty some chalkbrood mummies", 1),
    ("colony calm good stores queen marked", 0),
    ("swarm cells on bottom bars crowded", 1),
    ("robbing at entrance reduce entrance", 1),
    ("laying workers drone brood in worker cells", 2),
    ("eggs present queen seen good temper", 0),
]


@register_model("tiny_encoder")
class TinyEncoder(nn.Module):
    def __init__(self, vocab_size, d_model=64, n_heads=4, n_layers=2, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=2 * d_model, batch_first=True)
        self.body = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)

    def forward(self, ids, pad_mask):
        pos = torch.arange(ids.size(1), device=ids.device)
        h = self.tok(ids) + self.pos(pos)[None]
        h = self.body(h, src_key_padding_mask=~pad_mask)
        # mean over real tokens only
        w = pad_mask.unsqueeze(-1).float()
        return (h * w).sum(1) / w.sum(1).clamp(min=1.0)


@register_head("mlp_cls")
def mlp_cls(n_classes, in_dim=64, hidden=32, dropout=0.0):
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, n_classes))


@register_collator("pad_to_longest")
def pad_to_longest(pad_id=0):
    def collate(rows):
        longest = max(len(r[0]) for r in rows)
        ids = torch.full((len(rows), longest), pad_id, dtype=torch.long)
        for i, (toks, _) in enumerate(rows):
            ids[i, : len(toks)] = torch.tensor(toks)
        return {"ids": ids, "pad_mask": ids != pad_id, "y": torch.tensor([r[1] for r in rows])}
    return collate


def build(registry, spec, **extra):
    kind = spec["type"]
    if kind not in registry:
        raise KeyError(f"unknown component {kind!r}; have {sorted(registry)}")
    return registry[kind](**extra, **spec["args"])


def make_vocab(texts):
    counts = Counter(w for t in texts for w in t.split())
    return {w: i + 1 for i, (w, _) in enumerate(counts.most_common())}


def main():
    random.seed(CFG["train"]["seed"])
    torch.manual_seed(CFG["train"]["seed"])

    vocab = make_vocab(t for t, _ in NOTES)
    encoded = [([vocab[w] for w in t.split()], y) for t, y in NOTES]
    print(f"vocab size {len(vocab)}, {len(encoded)} notes")

    encoder = build(MODELS, CFG["model"], vocab_size=len(vocab) + 1)
    head = build(HEADS, CFG["head"])
    collate = build(COLLATORS, CFG["data"]["collator"])

    params = list(encoder.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=CFG["train"]["lr"])
    loss_fn = nn.CrossEntropyLoss()
    bs = CFG["data"]["batch_size"]

    for epoch in range(CFG["train"]["epochs"]):
        random.shuffle(encoded)
        running = 0.0
        for start in range(0, len(encoded), bs):
            batch = collate(encoded[start : start + bs])
            pooled = encoder(batch["ids"], batch["pad_mask"])
            logits = head(pooled)
            loss = loss_fn(logits, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running:.4f}")

    encoder.eval(), head.eval()
    with torch.no_grad():
        batch = collate(encoded)
        preds = head(encoder(batch["ids"], batch["pad_mask"])).argmax(-1)
    print("train acc:", (preds == batch["y"]).float().mean().item())


if __name__ == "__main__":
    main()
