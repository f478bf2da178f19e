# Thesis ch.5 -- material classification of finds from the Kalmar wreck survey logs.
# Bag-of-words EmbeddingBag baseline, ablating preprocessing choices one at a time.
import dataclasses
import random
from collections import defaultdict
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

FINDS = [
    ("concreted nail with wood fibres in corrosion layer", "iron"),
    ("hull plank fragment with treenail hole", "wood"),
    ("glazed jug sherd with green lead glaze", "ceramic"),
    ("green bottle neck, bubbled and weathered", "glass"),
    ("sheathing tack, verdigris on the head", "copper_alloy"),
    ("leather shoe sole with stitching holes", "organic"),
    ("rope fragment, tarred hemp, three strand", "organic"),
    ("cannon ball heavily concreted", "iron"),
    ("oak frame timber with adze marks", "wood"),
    ("stoneware base with salt glaze", "ceramic"),
    ("pane fragment, cylinder glass", "glass"),
    ("bronze pulley sheave, worn bore", "copper_alloy"),
]
MATERIALS = ["wood", "iron", "ceramic", "glass", "copper_alloy", "organic"]

_ENCODED = {}  # (merge_organic, min_count) -> (vocab, label_names, examples)


def encode_finds(merge_organic, min_count):
    key = (merge_organic, min_count)
    if key in _ENCODED:
        return _ENCODED[key]
    counts = defaultdict(int)
    for text, _ in FINDS:
        for w in text.replace(",", "").split():
            counts[w] += 1
    vocab = {"<unk>": 0}
    for w, c in sorted(counts.items()):
        if c >= min_count:
            vocab[w] = len(vocab)
    label_names = [m for m in MATERIALS if not (merge_organic and m == "organic")]
    examples = []
    for text, mat in FINDS:
        if merge_organic and mat == "organic":
            mat = "wood"  # pilot study: organics lumped with timber
        ids = [vocab.get(w, 0) for w in text.replace(",", "").split()]
        examples.append((ids, label_names.index(mat)))
    _ENCODED[key] = (vocab, label_names, examples)
    return _ENCODED[key]


@dataclass
class Experiment:
    name: str = "baseline"
    embed_dim: int = 24
    hidden_dim: int = 32
    num_classes: int = 5
    mode: str = "mean"
    merge_organic: bool = True
    min_count: int = 1
    lr: float = 5e-3
    epochs: int = 2
    batch_size: int = 4
    dropout: float = 0.2
    seeds: list = field(default_factory=lambda: [11, 23, 47])


class FindClassifier(nn.Module):
    def __init__(self, vocab_size, exp):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, exp.embed_dim, mode=exp.mode)
        self.mlp = nn.Sequential(nn.Linear(exp.embed_dim, exp.hidden_dim), nn.ReLU(),
                                 nn.Dropout(exp.dropout), nn.Linear(exp.hidden_dim, exp.num_classes))

    def forward(self, flat_ids, offsets):
        return self.mlp(self.bag(flat_ids, offsets))


def make_batch(chunk):
    offsets, flat = [], []
    for ids, _ in chunk:
        offsets.append(len(flat))
        flat.extend(ids)
    targets = torch.tensor([y for _, y in chunk])
    return torch.tensor(flat), torch.tensor(offsets), targets


def train_and_eval(exp, seed):
    random.seed(seed)
    torch.manual_seed(seed)
    vocab, label_names, data = encode_finds(exp.merge_organic, exp.min_count)
    exp = dataclasses.replace(exp, num_classes=len(label_names))
    net = FindClassifier(len(vocab), exp)
    opt = torch.optim.Adam(net.parameters(), lr=exp.lr)
    for ep in range(exp.epochs):
        net.train()
        shuffled = random.sample(data, len(data))
        total = 0.0
        for i in range(0, len(shuffled), exp.batch_size):
            flat, offs, material = make_batch(shuffled[i:i + exp.batch_size])
            loss = F.cross_entropy(net(flat, offs), material)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
    net.eval()
    with torch.no_grad():
        flat, offs, material = make_batch(data)
        acc = (net(flat, offs).argmax(1) == material).float().mean().item()
    return total, acc


BASE = Experiment()
ABLATIONS = [
    dict(name="baseline"),
    dict(name="sum_bag", mode="sum"),
    dict(name="min_count_2", min_count=2),
    dict(name="split_organic", merge_organic=False),
    dict(name="wide_hidden", hidden_dim=64),
]

results = {"variant": [], "seed": [], "acc": [], "final_loss": []}
for overrides in ABLATIONS:
    exp = dataclasses.replace(BASE, **overrides)
    print(f"[{exp.name}] mode={exp.mode} merge_organic={exp.merge_organic} min_count={exp.min_count}")
    for seed in exp.seeds:
        loss_sum, acc = train_and_eval(exp, seed)
        results["variant"].append(exp.name)
        results["seed"].append(seed)
        results["acc"].append(acc)
        results["final_loss"].append(loss_sum)
        print(f"    seed {seed:>2}: acc={acc:.3f} last-epoch loss={loss_sum:.3f}")

print("\nsummary (mean acc over seeds)")
for name in dict.fromkeys(results["variant"]):
    accs = [a for v, a in zip(results["variant"], results["acc"]) if v == name]
    print(f"  {name:<14} {sum(accs) / len(accs):.3f}")
