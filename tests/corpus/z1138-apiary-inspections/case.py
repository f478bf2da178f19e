"""Apiary inspection notes -> colony health + queen status.

One small transformer encoder, per-task pooling and a classifier head per task.
"""
import functools
import itertools
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

torch.manual_seed(3)

HIDDEN = 32


@dataclass
class TaskSpec:
    num_labels: int
    max_len: int
    pooling: str = "mean"


TASKS = {
    "colony_health": TaskSpec(num_labels=3, max_len=14),
    # queen cues are often a single word ("eggs", "cells") so keep the max as well
    "queen_status": TaskSpec(num_labels=3, max_len=12, pooling="mean_max"),
}

NOTES = {
    "colony_health": [
        ("strong brood pattern plenty of stores calm bees", 0),
        ("some chalkbrood mummies at entrance", 1),
        ("varroa drop high deformed wings seen", 2),
        ("frames heavy with nectar good temper", 0),
        ("patchy brood few bees on frames", 1),
        ("foul smell sunken cappings ropey larvae", 2),
    ],
    "queen_status": [
        ("fresh eggs in cells queen seen marked", 0),
        ("no eggs queen cells capped on frame edge", 1),
        ("drone laying bullet cappings in worker cells", 2),
        ("young larvae and eggs present", 0),
        ("emergency cells drawn no eggs", 1),
        ("multiple eggs per cell scattered drone brood", 2),
    ],
}


def tokenize(text, table):
    return [table.setdefault(w, len(table)) for w in text.lower().split()]


def collate(rows, task, max_len):
    ids = torch.zeros(len(rows), max_len, dtype=torch.long)
    keep = torch.zeros(len(rows), max_len, dtype=torch.bool)
    for i, (toks, _) in enumerate(rows):
        toks = toks[:max_len]
        ids[i, :len(toks)] = torch.tensor(toks)
        keep[i, :len(toks)] = True
    return {"task": task, "ids": ids, "keep": keep,
            "y": torch.tensor([lab for _, lab in rows])}


def pool_mean(h, keep):
    w = keep.unsqueeze(-1).float()
    return (h * w).sum(1) / w.sum(1).clamp(min=1.0)


def pool_mean_max(h, keep):
    masked = h.masked_fill(~keep.unsqueeze(-1), -1e4)
    return torch.cat([pool_mean(h, keep), masked.max(dim=1).values], dim=-1)


POOLERS = {"mean": pool_mean, "mean_max": pool_mean_max}


class HiveNet(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, HIDDEN, padding_idx=0)
        layer = nn.TransformerEncoderLayer(HIDDEN, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.heads = nn.ModuleDict()
        for name, spec in TASKS.items():
            self.heads[name] = nn.Linear(in_features=HIDDEN, out_features=spec.num_labels)

    def forward(self, task, ids, keep):
        h = self.encoder(self.embed(ids), src_key_padding_mask=~keep)
        pooled = POOLERS[TASKS[task].pooling](h, keep)
        return self.heads[task](pooled)


def main():
    table = {"<pad>": 0}
    loaders = {}
    for name, spec in TASKS.items():
        rows = [(tokenize(t, table), y) for t, y in NOTES[name]]
        loaders[name] = DataLoader(rows, batch_size=3, shuffle=True,
                                   collate_fn=functools.partial(collate, task=name, max_len=spec.max_len))
    print(f"vocab size {len(table)}, tasks {list(TASKS)}")

    model = HiveNet(len(table))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    crit = nn.CrossEntropyLoss()
    steps_per_epoch = sum(len(dl) for dl in loaders.values())

    for epoch in range(3):
        iters = {n: iter(dl) for n, dl in loaders.items()}
        correct, total = dict.fromkeys(TASKS, 0), dict.fromkeys(TASKS, 0)
        for name in itertools.islice(itertools.cycle(TASKS), steps_per_epoch):
            batch = next(iters[name])
            out = model(batch["task"], batch["ids"], batch["keep"])
            loss = crit(out, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct[name] += (out.argmax(1) == batch["y"]).sum().item()
            total[name] += batch["y"].size(0)
        print(f"epoch {epoch}: " + " | ".join(f"{n} acc {correct[n] / total[n]:.2f}" for n in TASKS))


if __name__ == "__main__":
    main()
