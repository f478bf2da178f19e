# Multi-task model over adverse drug event (ADE) reports.
# - seriousness: is the report serious / non-serious / fatal
# - causality:   (drug mention, event text) pair -> WHO-UMC style causality bucket
# Shared tiny BERT encoder, one head per task in an nn.ModuleDict.
import os
import tempfile
from functools import partial

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

WORDS = ("patient developed rash after starting dose of mg daily was hospitalized "
         "died liver injury nausea headache resolved on withdrawal rechallenge positive "
         "amoxicillin warfarin metformin atorvastatin bleeding severe mild lactic acidosis "
         "myopathy elevated enzymes unrelated possible probable certain unlikely the and").split()

HEAD_DEFAULTS = {"dropout": 0.1}

TASK_SPECS = {
    "seriousness": {"labels": ["non_serious", "serious", "fatal"], "pair": False},
    "causality": {
        "labels": ["unlikely", "possible", "probable", "certain"],
        "pair": True,
    },
}
for spec in TASK_SPECS.values():
    spec["num_labels"] = len(spec["labels"])
    spec["loss"] = nn.CrossEntropyLoss()

DATA = [
    ("seriousness", "patient developed mild rash after starting amoxicillin", None, "non_serious"),
    ("seriousness", "severe bleeding on warfarin patient was hospitalized", None, "serious"),
    ("seriousness", "patient died of lactic acidosis on metformin", None, "fatal"),
    ("seriousness", "headache resolved on withdrawal", None, "non_serious"),
    ("causality", "atorvastatin", "myopathy elevated enzymes resolved on withdrawal", "probable"),
    ("causality", "warfarin", "bleeding rechallenge positive", "certain"),
    ("causality", "amoxicillin", "headache unrelated", "unlikely"),
    ("causality", "metformin", "nausea after starting dose", "possible"),
]


def write_vocab():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS))
    return path


class TaskHead(nn.Module):
    def __init__(self, num_labels, in_features, dropout):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(in_features, num_labels)

    def forward(self, feats):
        return self.out(self.drop(feats))


class ADEMultiTask(nn.Module):
    def __init__(self, encoder, specs):
        super().__init__()
        self.encoder = encoder
        self.specs = specs
        hidden = encoder.config.hidden_size
        head = partial(TaskHead, **HEAD_DEFAULTS)
        heads = {}
        for name, spec in specs.items():
            if spec["pair"]:
                # drug and event are encoded separately and their CLS vectors concatenated
                heads[name] = head(spec["num_labels"], in_features=2 * hidden)
            else:
                heads[name] = head(spec["num_labels"], in_features=hidden)
        self.heads = nn.ModuleDict(heads)

    def cls(self, enc):
        return self.encoder(**enc).last_hidden_state[:, 0]

    def forward(self, task, first, second=None):
        feats = self.cls(first)
        if self.specs[task]["pair"]:
            feats = torch.cat([feats, self.cls(second)], dim=-1)
        return self.heads[task](feats)


def batches_for(task, rows, tok, bs=2):
    for i in range(0, len(rows), bs):
        chunk = rows[i:i + bs]
        lab_ids = [TASK_SPECS[task]["labels"].index(r[3]) for r in chunk]
        first = tok([r[1] for r in chunk], padding=True, return_tensors="pt")
        second = None
        if TASK_SPECS[task]["pair"]:
            second = tok([r[2] for r in chunk], padding=True, return_tensors="pt")
        yield {"task": task, "first": first, "second": second, "y": torch.tensor(lab_ids)}


tokenizer = BertTokenizer(write_vocab())
cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=64, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=128, max_position_embeddings=64)
model = ADEMultiTask(BertModel(cfg), TASK_SPECS)
print({k: tuple(h.out.weight.shape) for k, h in model.heads.items()})

by_task = {}
for row in DATA:
    by_task.setdefault(row[0], []).append(row)

opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
model.train()
for epoch in range(2):
    for task in ["causality", "seriousness"]:
        for batch in batches_for(task, by_task[task], tokenizer):
            logits = model(batch["task"], batch["first"], batch["second"])
            loss = TASK_SPECS[task]["loss"](logits, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            print(f"epoch {epoch} task {task:12s} loss {loss.item():.4f}")
