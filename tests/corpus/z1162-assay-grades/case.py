"""Grade drill-core assay remarks into ore classes from the lab's free-text comments.

Bag-of-embeddings baseline; components come out of the registries below so the
sweep script can override CFG entries from the command line.
"""
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

MODEL_REGISTRY = {}
HEAD_REGISTRY = {}
COLLATOR_REGISTRY = {}


def register_model(name):
    def _wrap(cls):
        MODEL_REGISTRY[name] = cls
        return cls
    return _wrap


def register_head(name):
    def _wrap(fn):
        HEAD_REGISTRY[name] = fn
        return fn
    return _wrap


def register_collator(name):
    def _wrap(fn):
        COLLATOR_REGISTRY[name] = fn
        return fn
    return _wrap


CFG = {
    "model": {"type": "bow_bag", "args": {"dim": 24, "mode": "mean"}},
    "head": {"type": "linear", "args": {"num_classes": 4}},
    "data": {"collator": {"type": "offsets"}, "batch_size": 4},
    "optim": {"lr": 0.05, "epochs": 4},
}

GRADE_LABELS = ["waste", "low", "medium", "high", "bonanza"]

REMARKS = """
visible gold in quartz vein fire assay repeat confirms | bonanza
disseminated pyrite weak sericite alteration | low
barren andesite no sulphides | waste
chalcopyrite stringers moderate potassic alteration | medium
massive sulphide lens strong gossan | high
barren dyke chilled margin | waste
quartz stockwork minor arsenopyrite | medium
coarse gold flakes in panned concentrate | bonanza
trace pyrite propylitic halo | low
semi massive chalcopyrite bornite | high
""".strip().splitlines()


def read_remarks(lines):
    for line in lines:
        text, grade = (s.strip() for s in line.split("|"))
        yield re.findall(r"[a-z]+", text), GRADE_LABELS.index(grade)


@register_model("bow_bag")
class BagEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32, mode="mean"):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode=mode)
        self.out_dim = dim

    def forward(self, flat_ids, offsets):
        return self.bag(flat_ids, offsets)


@register_head("linear")
def linear_head(in_dim, num_classes):
    return nn.Linear(in_dim, num_classes)


@register_collator("offsets")
def offsets_collator():
    def collate(items):
        lengths = [len(toks) for toks, _ in items]
        offsets = torch.tensor([0] + lengths[:-1]).cumsum(0)
        flat = torch.tensor([t for toks, _ in items for t in toks])
        grade_ids = torch.tensor([g for _, g in items])
        return flat, offsets, grade_ids
    return collate


def build(registry, spec, **extra):
    ctor = registry[spec["type"]]
    return ctor(**extra, **spec.get("args", {}))


class Vocab:
    def __init__(self, docs):
        self.stoi = {"<unk>": 0}
        for doc in docs:
            for w in doc:
                self.stoi.setdefault(w, len(self.stoi))

    def __len__(self):
        return len(self.stoi)

    def __call__(self, words):
        return [self.stoi.get(w, 0) for w in words]


def main():
    torch.manual_seed(3)
    rows = list(read_remarks(REMARKS))
    vocab = Vocab(words for words, _ in rows)
    data = [(vocab(words), grade) for words, grade in rows]

    encoder = build(MODEL_REGISTRY, CFG["model"], vocab_size=len(vocab))
    head = build(HEAD_REGISTRY, CFG["head"], in_dim=encoder.out_dim)
    collate = build(COLLATOR_REGISTRY, CFG["data"]["collator"])
    model = nn.ModuleDict({"encoder": encoder, "head": head})
    opt = torch.optim.SGD(model.parameters(), lr=CFG["optim"]["lr"])

    bs = CFG["data"]["batch_size"]
    for epoch in range(1, CFG["optim"]["epochs"] + 1):
        total, seen = 0.0, 0
        for i in range(0, len(data), bs):
            flat, offsets, grade_ids = collate(data[i : i + bs])
            logits = model["head"](model["encoder"](flat, offsets))
            loss = F.cross_entropy(logits, grade_ids)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(grade_ids)
            seen += len(grade_ids)
        print(f"[epoch {epoch}] mean loss {total / seen:.3f}")

    flat, offsets, grade_ids = collate(data)
    pred = model["head"](model["encoder"](flat, offsets)).argmax(1)
    for (words, _), p in zip(rows, pred.tolist()):
        print(f"{' '.join(words)[:40]:40s} -> {GRADE_LABELS[p]}")


if __name__ == "__main__":
    main()
