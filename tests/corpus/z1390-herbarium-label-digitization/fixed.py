"""
Herbarium sheet digitisation: joint model that tags fields on the transcribed
label (taxon / locality / date / collector) and classifies the sheet type.
Small transformer encoder shared by both tasks, heads per task.
"""
import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn

random.seed(3)
torch.manual_seed(3)

SHARED = {"max_len": 20, "d_model": 32, "n_heads": 2}


@dataclass
class Task:
    labels: list
    level: str          # "token" or "sequence"
    max_len: int = 24
    ignore_index: int = -100

    @property
    def n_out(self):
        return len(self.labels)

    def criterion(self):
        return nn.CrossEntropyLoss(ignore_index=self.ignore_index)


TASKS = {
    "fields": Task(labels=["O", "TAXON", "LOC", "DATE", "COLL"], level="token"),
    "sheet": Task(labels=["holotype", "isotype", "voucher"], level="sequence"),
}

# (task, label text, target) -- for "fields" the target is one tag per word
CORPUS = [
    ("fields", "Quercus robur near Oxford 12 May 1931 leg. Druce",
     ["TAXON", "TAXON", "O", "LOC", "DATE", "DATE", "DATE", "O", "COLL"]),
    ("fields", "Salix herbacea summit of Ben Lawers 1889 coll. White",
     ["TAXON", "TAXON", "O", "O", "LOC", "LOC", "DATE", "O", "COLL"]),
    ("fields", "Carex flava wet meadow Kerry June 1902 leg. Praeger",
     ["TAXON", "TAXON", "O", "O", "LOC", "DATE", "DATE", "O", "COLL"]),
    ("fields", "Viola lutea limestone grassland Derby 1950",
     ["TAXON", "TAXON", "O", "O", "LOC", "DATE"]),
    ("sheet", "Holotype Quercus robur designated by Druce 1931", "holotype"),
    ("sheet", "Isotype duplicate ex herb. Kew Salix herbacea", "isotype"),
    ("sheet", "Voucher for survey Carex flava Kerry 1902", "voucher"),
    ("sheet", "Voucher specimen Viola lutea Derby", "voucher"),
]


class WordVocab:
    def __init__(self, texts, max_len):
        words = sorted({w.lower() for t in texts for w in t.split()})
        self.stoi = {"<pad>": 0, "<unk>": 1, **{w: i + 2 for i, w in enumerate(words)}}
        self.max_len = max_len

    def __len__(self):
        return len(self.stoi)

    def encode_batch(self, texts):
        rows = []
        for t in texts:
            ids = [self.stoi.get(w.lower(), 1) for w in t.split()][: self.max_len]
            rows.append(ids + [0] * (self.max_len - len(ids)))
        ids = torch.tensor(rows)
        return ids, ids.eq(0)


def pad_tags(tag_rows, task, length):
    out = []
    for tags in tag_rows:
        ids = [task.labels.index(t) for t in tags][:length]
        out.append(ids + [task.ignore_index] * (length - len(ids)))
    return torch.tensor(out)


class SharedEncoder(nn.Module):
    def __init__(self, vocab_size, d_model, n_heads, max_len):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=1)

    def forward(self, ids, pad_mask):
        pos = torch.arange(ids.size(1)).unsqueeze(0)
        x = self.tok(ids) * math.sqrt(self.tok.embedding_dim) + self.pos(pos)
        return self.body(x, src_key_padding_mask=pad_mask)


class SheetModel(nn.Module):
    def __init__(self, vocab_size, tasks):
        super().__init__()
        self.tasks = tasks
        self.encoder = SharedEncoder(vocab_size, SHARED["d_model"], SHARED["n_heads"], SHARED["max_len"])
        self.heads = nn.ModuleDict({k: nn.Linear(SHARED["d_model"], t.n_out) for k, t in tasks.items()})

    def forward(self, task_name, ids, pad_mask):
        states = self.encoder(ids, pad_mask)
        if self.tasks[task_name].level == "sequence":
            keep = (~pad_mask).unsqueeze(-1).float()
            states = (states * keep).sum(1) / keep.sum(1)
        return self.heads[task_name](states)


def iterate(corpus, vocab, batch_size=2):
    grouped = {}
    for task_name, text, tgt in corpus:
        grouped.setdefault(task_name, []).append((text, tgt))
    order = [(k, i) for k, rows in grouped.items() for i in range(0, len(rows), batch_size)]
    random.shuffle(order)
    for task_name, i in order:
        rows = grouped[task_name][i:i + batch_size]
        task = TASKS[task_name]
        ids, pad_mask = vocab.encode_batch([r[0] for r in rows])
        if task.level == "token":
            target = pad_tags([r[1] for r in rows], task, ids.size(1))
        else:
            target = torch.tensor([task.labels.index(r[1]) for r in rows])
        yield task_name, ids, pad_mask, target


vocab = WordVocab([c[1] for c in CORPUS], max_len=SHARED["max_len"])
model = SheetModel(len(vocab), TASKS)
losses = {k: t.criterion() for k, t in TASKS.items()}
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
print(f"vocab={len(vocab)} params={sum(p.numel() for p in model.parameters())}")

for epoch in range(3):
    running = []
    for task_name, ids, pad_mask, target in iterate(CORPUS, vocab):
        logits = model(task_name, ids, pad_mask)
        n_out = TASKS[task_name].n_out
        loss = losses[task_name](logits.reshape(-1, n_out), target.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running.append(loss.item())
    print(f"epoch {epoch}: mean loss {sum(running) / len(running):.4f}")
