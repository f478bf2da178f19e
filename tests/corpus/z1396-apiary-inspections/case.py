"""Multi-task tagger for hive inspection notes.

One shared encoder, one linear head per task. The spring inspection round uses the
same label set as the regular queen checks, so it shares that head. Per-task loss
weights are re-estimated after every epoch from the average losses (DWA-style).
"""
import random
from dataclasses import dataclass
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)


@dataclass
class TaskSpec:
    labels: list
    loss: str = "ce"
    head_key: str = None  # reuse the head registered under this name

    @property
    def num_labels(self):
        return len(self.labels)


QUEEN = ["queenright", "queenless", "virgin", "drone_layer"]
TASK_SPECS = {
    "colony_strength": TaskSpec(["weak", "moderate", "strong"]),
    "queen_status": TaskSpec(QUEEN, loss="smoothed"),
    "queen_status_spring": TaskSpec(QUEEN, loss="smoothed", head_key="queen_status"),
    "brood_pattern": TaskSpec(["solid", "spotty", "none"]),
}
TASK_IDS = {name: i for i, name in enumerate(TASK_SPECS)}
LOSSES = {"ce": F.cross_entropy, "smoothed": partial(F.cross_entropy, label_smoothing=0.1)}

NOTES = {
    "colony_strength": [("eight frames covered bees calm", "strong"), ("two frames bees thin cluster", "weak"),
                        ("five frames covered steady flight", "moderate"), ("bees boiling over top bars", "strong"),
                        ("small cluster near entrance", "weak"), ("six frames busy entrance", "moderate")],
    "queen_status": [("eggs seen queen marked", "queenright"), ("no eggs emergency cells", "queenless"),
                     ("unmarked queen no eggs yet", "virgin"), ("bullet brood in worker cells", "drone_layer"),
                     ("fresh eggs one per cell", "queenright"), ("roaring colony no brood", "queenless")],
    "queen_status_spring": [("first eggs after winter", "queenright"), ("dead queen on floor", "queenless"),
                            ("multiple eggs per cell", "drone_layer"), ("queen seen running", "virgin")],
    "brood_pattern": [("solid capped brood edge to edge", "solid"), ("spotty brood sunken cappings", "spotty"),
                      ("no brood at all", "none"), ("patchy brood some empty cells", "spotty"),
                      ("tight brood arc with pollen", "solid"), ("empty comb no larvae", "none")],
}


def build_vocab(notes):
    words = sorted({w for rows in notes.values() for text, _ in rows for w in text.split()})
    return {"<pad>": 0, "<unk>": 1, **{w: i + 2 for i, w in enumerate(words)}}


def encode(texts, vocab):
    seqs = [[vocab.get(w, 1) for w in t.split()] for t in texts]
    width = max(len(s) for s in seqs)
    ids = torch.tensor([s + [0] * (width - len(s)) for s in seqs])
    return ids, ids.eq(0)


def task_batches(notes, vocab, size=3):
    """Round-robin over tasks so every task is seen early in the epoch."""
    per_task = {}
    for name, rows in notes.items():
        rows = rows[:]
        random.shuffle(rows)
        per_task[name] = [rows[i:i + size] for i in range(0, len(rows), size)]
    for step in range(max(len(v) for v in per_task.values())):
        for name, chunks in per_task.items():
            if step < len(chunks):
                texts, tags = zip(*chunks[step])
                ids, pad = encode(texts, vocab)
                gold = torch.tensor([TASK_SPECS[name].labels.index(t) for t in tags])
                yield {"task": name, "task_id": TASK_IDS[name], "ids": ids, "pad": pad, "gold": gold}


class SharedEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)

    def forward(self, ids, pad):
        h = self.body(self.emb(ids), src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        return (h * keep).sum(1) / keep.sum(1)


class HiveTagger(nn.Module):
    def __init__(self, vocab_size, specs, dim=32):
        super().__init__()
        self.encoder = SharedEncoder(vocab_size, dim)
        self.heads = nn.ModuleDict()
        for name, spec in specs.items():
            key = spec.head_key or name
            if key not in self.heads:
                self.heads[key] = nn.Linear(dim, spec.num_labels)
        self.route = {name: spec.head_key or name for name, spec in specs.items()}
        self.register_buffer("task_weights", torch.ones(len(self.heads)))

    def forward(self, task, ids, pad):
        return self.heads[self.route[task]](self.encoder(ids, pad))


def main(epochs=3, temperature=2.0):
    vocab = build_vocab(NOTES)
    model = HiveTagger(len(vocab), TASK_SPECS)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    print(f"vocab={len(vocab)} heads={list(model.heads)} tasks={list(TASK_IDS)}")

    for epoch in range(epochs):
        totals = {name: [0.0, 0] for name in TASK_SPECS}
        for batch in task_batches(NOTES, vocab):
            name = batch["task"]
            logits = model(name, batch["ids"], batch["pad"])
            raw = LOSSES[TASK_SPECS[name].loss](logits, batch["gold"])
            loss = model.task_weights[batch["task_id"]] * raw
            opt.zero_grad()
            loss.backward()
            opt.step()
            totals[name][0] += raw.item()
            totals[name][1] += 1
        avg = torch.tensor([s / max(n, 1) for s, n in totals.values()])
        with torch.no_grad():
            model.task_weights.copy_(len(avg) * F.softmax(avg / temperature, dim=0))
        print(f"epoch {epoch}: " + " ".join(f"{k}={v[0] / max(v[1], 1):.3f}" for k, v in totals.items()))
        print("  task weights:", [round(w, 3) for w in model.task_weights.tolist()])


if __name__ == "__main__":
    main()
