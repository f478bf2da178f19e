"""Multi-task model for veterinary intake notes: urgency triage + species.

Small hand-rolled encoder (embedding + GRU) shared by all tasks, one linear
head per task. Batches are drawn round-robin from the per-task loaders.
"""
import random
from collections import defaultdict
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

torch.manual_seed(7)
random.seed(7)


@dataclass
class TaskSpec:
    num_labels: int
    max_len: int


URGENCY_LEVELS = ["routine", "within_week", "same_day", "emergency"]
SPECIES = ["dog", "cat", "rabbit", "bird"]

TASKS = {
    "urgency": TaskSpec(num_labels=len(URGENCY_LEVELS), max_len=16),
    "species": TaskSpec(num_labels=len(SPECIES), max_len=12),
}

URGENCY_DATA = [
    ("annual vaccination booster due no concerns", "routine"),
    ("dental scale requested by owner mild tartar", "routine"),
    ("itchy ears for a week shaking head", "within_week"),
    ("weight loss over two months eating less", "within_week"),
    ("vomiting since this morning lethargic", "same_day"),
    ("limping on hind leg after jumping off sofa", "same_day"),
    ("hit by car breathing heavily pale gums", "emergency"),
    ("straining to urinate nothing coming out crying", "emergency"),
]
SPECIES_DATA = [
    ("barks at night chewed the lead", "dog"),
    ("hairball vomiting and scratching post", "cat"),
    ("teeth overgrown not eating hay", "rabbit"),
    ("feather plucking on the perch", "bird"),
    ("wags tail less since walkies stopped", "dog"),
    ("litter tray avoided hissing", "cat"),
]
LABEL_MAPS = {"urgency": URGENCY_LEVELS, "species": SPECIES}
RAW = {"urgency": URGENCY_DATA, "species": SPECIES_DATA}


class Vocab:
    def __init__(self, texts):
        self.itos = ["<pad>", "<unk>"]
        for t in texts:
            for w in t.split():
                if w not in self.itos:
                    self.itos.append(w)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text, max_len):
        ids = [self.stoi.get(w, 1) for w in text.split()][:max_len]
        return ids + [0] * (max_len - len(ids))


def make_loader(task, vocab, batch_size=4):
    spec = TASKS[task]
    label_list = LABEL_MAPS[task]
    rows = [(vocab.encode(t, spec.max_len), label_list.index(y)) for t, y in RAW[task]]

    def collate(items):
        toks = torch.tensor([r[0] for r in items], dtype=torch.long)
        ys = torch.tensor([r[1] for r in items], dtype=torch.long)
        return {"task": task, "tokens": toks, "targets": ys}

    return DataLoader(rows, batch_size=batch_size, shuffle=True, collate_fn=collate)


def round_robin(loaders):
    iters = {k: iter(v) for k, v in loaders.items()}
    while iters:
        for name in list(iters):
            try:
                yield next(iters[name])
            except StopIteration:
                del iters[name]


class IntakeModel(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.heads = nn.ModuleDict(
            {name: nn.Linear(dim, spec.num_labels) for name, spec in TASKS.items()}
        )

    def forward(self, task, tokens):
        _, h = self.rnn(self.emb(tokens))
        return self.heads[task](h[-1])


def main():
    all_text = [t for rows in RAW.values() for t, _ in rows]
    vocab = Vocab(all_text)
    loaders = {name: make_loader(name, vocab) for name in TASKS}
    model = IntakeModel(len(vocab.itos))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    for epoch in range(3):
        stats = defaultdict(lambda: [0.0, 0, 0])  # loss sum, correct, seen
        model.train()
        for batch in round_robin(loaders):
            task = batch["task"]
            logits = model(task, batch["tokens"])
            loss = F.cross_entropy(logits, batch["targets"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            s = stats[task]
            s[0] += loss.item() * len(batch["targets"])
            s[1] += (logits.argmax(-1) == batch["targets"]).sum().item()
            s[2] += len(batch["targets"])
        for name, (ls, corr, n) in sorted(stats.items()):
            print(f"epoch {epoch} [{name}] loss={ls / n:.3f} acc={corr / n:.2f}")


if __name__ == "__main__":
    main()
