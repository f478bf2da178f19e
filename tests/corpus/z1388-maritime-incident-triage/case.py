"""Multi-task triage model for maritime incident reports.

One shared bag-of-embeddings + GRU encoder, one linear head per task.
Tasks: which kind of vessel was involved, and how severe the casualty was.
"""
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn

torch.manual_seed(7)
random.seed(7)


@dataclass
class TaskSpec:
    labels: list
    loss_fn: nn.Module = field(default_factory=nn.CrossEntropyLoss)

    @property
    def num_labels(self):
        return len(self.labels)

    def label_id(self, name):
        # late-arriving categories from new report batches get appended
        if name not in self.labels:
            self.labels.append(name)
        return self.labels.index(name)


TASK_SPECS = {
    "vessel": TaskSpec(labels=["cargo", "tanker", "fishing", "passenger"]),
    "severity": TaskSpec(labels=["minor", "serious", "very_serious"]),
}

REPORTS = [
    ("vessel", "bulk carrier grounded near pilot station after engine failure", "cargo"),
    ("vessel", "trawler capsized while hauling nets in heavy swell", "fishing"),
    ("vessel", "crude carrier reported minor hull breach at anchorage", "tanker"),
    ("vessel", "ferry lost steering entering harbour with passengers aboard", "passenger"),
    ("vessel", "container ship lost three boxes overboard in storm", "cargo"),
    ("vessel", "longliner crew member injured by winch", "fishing"),
    ("severity", "crew member slipped on deck bruised arm", "minor"),
    ("severity", "fire in engine room contained by crew two injured", "serious"),
    ("severity", "vessel sank all crew rescued by coast guard", "very_serious"),
    ("severity", "collision in fog one fatality hull breached", "marine_casualty"),
    ("severity", "mooring line parted no injuries", "minor"),
    ("severity", "grounding with fuel spill salvage required", "very_serious"),
]


def build_vocab(texts, min_freq=1):
    counts = {}
    for t in texts:
        for w in t.split():
            counts[w] = counts.get(w, 0) + 1
    vocab = {"<pad>": 0, "<unk>": 1}
    for w, c in sorted(counts.items()):
        if c >= min_freq:
            vocab[w] = len(vocab)
    return vocab


class SharedEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True)

    def forward(self, ids):
        out, h = self.rnn(self.emb(ids))
        return h[-1]


class MultiTaskTriage(nn.Module):
    def __init__(self, vocab_size, specs, dim=32):
        super().__init__()
        self.encoder = SharedEncoder(vocab_size, dim)
        self.heads = nn.ModuleDict(
            {name: nn.Linear(dim, spec.num_labels) for name, spec in specs.items()}
        )

    def forward(self, ids, task):
        return self.heads[task](self.encoder(ids))


def encode(text, vocab, max_len=16):
    ids = [vocab.get(w, vocab["<unk>"]) for w in text.split()][:max_len]
    return ids + [0] * (max_len - len(ids))


def make_batches(examples, batch_size=3):
    by_task = {}
    for ex in examples:
        by_task.setdefault(ex["task"], []).append(ex)
    batches = []
    for task, rows in by_task.items():
        random.shuffle(rows)
        for i in range(0, len(rows), batch_size):
            chunk = rows[i:i + batch_size]
            batches.append({
                "task": task,
                "ids": torch.tensor([r["ids"] for r in chunk]),
                "target": torch.tensor([r["target"] for r in chunk]),
            })
    random.shuffle(batches)
    return batches


vocab = build_vocab(t for _, t, _ in REPORTS)
print(f"vocab size: {len(vocab)}")

model = MultiTaskTriage(len(vocab), TASK_SPECS)
for name, head in model.heads.items():
    print(f"head {name}: {head.out_features} outputs")

examples = [
    {"task": task, "ids": encode(text, vocab), "target": TASK_SPECS[task].label_id(lab)}
    for task, text, lab in REPORTS
]
batches = make_batches(examples)
optim = torch.optim.AdamW(model.parameters(), lr=3e-3)

for epoch in range(3):
    totals = {k: 0.0 for k in TASK_SPECS}
    for batch in batches:
        spec = TASK_SPECS[batch["task"]]
        logits = model(batch["ids"], batch["task"])
        loss = spec.loss_fn(logits, batch["target"])
        optim.zero_grad()
        loss.backward()
        optim.step()
        totals[batch["task"]] += loss.item()
    print(f"epoch {epoch}: " + ", ".join(f"{k}={v:.3f}" for k, v in totals.items()))

print("done")
