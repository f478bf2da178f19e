"""Predict whether a borehole reaches a productive aquifer from its drill-core log.

Each log is the sequence of lithology descriptions the driller wrote down, top to bottom.
"""
import random
from collections import Counter
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

random.seed(7)
torch.manual_seed(7)

COMMON = ["topsoil", "clay", "silty_clay", "sand", "fine_sand", "gravel", "shale",
          "sandstone", "limestone", "weathered_granite", "granite", "laterite"]
RARE = ["dolomite", "basalt", "coal_seam", "gypsum", "quartzite", "marl"]
WET = {"gravel", "sandstone", "limestone", "fine_sand", "dolomite"}


def fake_log(rare_rate):
    depth = random.randint(5, 18)
    layers = []
    for _ in range(depth):
        pool = RARE if random.random() < rare_rate else COMMON
        layers.append(random.choice(pool))
    wet = sum(layer in WET for layer in layers) / depth > 0.3
    return layers, int(wet)


# older surveys from the coastal district, newer ones from the uplands
train_logs = [fake_log(0.0) for _ in range(48)]
val_logs = [fake_log(0.15) for _ in range(60)]


@dataclass
class LogConfig:
    emb_dim: int = 24
    hidden: int = 32
    min_count: int = 2
    batch_size: int = 16
    epochs: int = 1
    lr: float = 3e-3


cfg = LogConfig()

counts = Counter(layer for layers, _ in train_logs for layer in layers)
lith_vocab = {"<pad>": 0}
for term, n in counts.most_common():
    if n >= cfg.min_count:
        lith_vocab[term] = len(lith_vocab)


def encode(layers):
    return torch.tensor([lith_vocab.get(t, len(lith_vocab)) for t in layers], dtype=torch.long)


def batches(logs, batch_size, shuffle):
    order = list(range(len(logs)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [logs[i] for i in order[start:start + batch_size]]
        ids = pad_sequence([encode(layers) for layers, _ in chunk], batch_first=True, padding_value=0)
        lengths = torch.tensor([len(layers) for layers, _ in chunk])
        y = torch.tensor([label for _, label in chunk], dtype=torch.float)
        yield ids, lengths, y


class CoreLogClassifier(nn.Module):
    def __init__(self, n_terms, cfg):
        super().__init__()
        self.embed = nn.Embedding(n_terms, cfg.emb_dim, padding_idx=0)
        self.rnn = nn.GRU(cfg.emb_dim, cfg.hidden, batch_first=True)
        self.out = nn.Linear(cfg.hidden, 1)

    def forward(self, ids, lengths):
        x = self.embed(ids)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.rnn(packed)
        return self.out(h[-1]).squeeze(-1)


model = CoreLogClassifier(len(lith_vocab), cfg)
opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
loss_fn = nn.BCEWithLogitsLoss()


def evaluate(logs):
    model.eval()
    correct = 0
    with torch.no_grad():
        for ids, lengths, y in batches(logs, cfg.batch_size, shuffle=False):
            pred = (model(ids, lengths) > 0).float()
            correct += (pred == y).sum().item()
    model.train()
    return correct / len(logs)


for epoch in range(cfg.epochs):
    total = 0.0
    for ids, lengths, y in batches(train_logs, cfg.batch_size, shuffle=True):
        opt.zero_grad()
        loss = loss_fn(model(ids, lengths), y)
        loss.backward()
        opt.step()
        total += loss.item()
    acc = evaluate(val_logs)
    print(f"epoch {epoch}: train loss {total:.3f}  val acc {acc:.3f}")

print("vocabulary size:", len(lith_vocab))
