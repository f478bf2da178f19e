# Classify application log records into severity buckets (info / warn / page-oncall)
# with a small transformer encoder, trained through accelerate with grad accumulation.
import math
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from accelerate import Accelerator

CONFIG = {
    "seed": 7,
    "n_records": 240,
    "batch_size": 8,
    "grad_accum": 4,
    "lr": 3e-4,
    "d_model": 48,
    "n_heads": 4,
    "n_layers": 2,
    "max_len": 64,
    "epochs": 2,
}
SEVERITIES = ["info", "warn", "page"]

random.seed(CONFIG["seed"])
torch.manual_seed(CONFIG["seed"])

SERVICES = ["auth-svc", "billing", "search-api", "cart", "gateway", "scheduler"]
INFO_MSGS = ["request completed", "cache warmed", "user session refreshed", "health check ok"]
WARN_MSGS = ["slow query detected", "retrying upstream call", "disk usage above threshold"]
PAGE_MSGS = ["connection pool exhausted", "unhandled exception", "replica lag critical"]
FRAMES = ["at", "handler.py", "line", "db.py", "pool.py", "acquire", "execute", "retry.py", "main.py"]


def synth_record():
    sev = random.choices(range(3), weights=[5, 3, 2])[0]
    msg = random.choice([INFO_MSGS, WARN_MSGS, PAGE_MSGS][sev])
    words = [random.choice(SERVICES), "pid", str(random.randint(100, 999))] + msg.split()
    if sev == 2 and random.random() < 0.5:
        # paging incidents usually carry the stack trace that was attached to the record
        for _ in range(random.randint(8, 20)):
            words += [random.choice(FRAMES) for _ in range(4)]
    return words, sev


records = [synth_record() for _ in range(CONFIG["n_records"])]

vocab = {"<pad>": 0, "<unk>": 1}
for words, _ in records:
    for w in words:
        vocab.setdefault(w, len(vocab))


def encode(words):
    return [vocab.get(w, 1) for w in words]


def collate_records(batch):
    longest = max(len(words) for words, _ in batch)
    ids = torch.zeros(len(batch), longest, dtype=torch.long)
    for row, (words, _) in enumerate(batch):
        toks = encode(words)
        ids[row, : len(toks)] = torch.tensor(toks)
    labels = torch.tensor([sev for _, sev in batch])
    return ids, labels


class LogEncoder(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, cfg["d_model"], padding_idx=0)
        self.pos = nn.Embedding(cfg["max_len"], cfg["d_model"])
        layer = nn.TransformerEncoderLayer(cfg["d_model"], cfg["n_heads"], 4 * cfg["d_model"], batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.head = nn.Linear(cfg["d_model"], len(SEVERITIES))

    def forward(self, ids):
        positions = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        h = self.tok(ids) * math.sqrt(self.tok.embedding_dim) + self.pos(positions)
        pad = ids.eq(0)
        h = self.encoder(h, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


accelerator = Accelerator(cpu=True, gradient_accumulation_steps=CONFIG["grad_accum"])
model = LogEncoder(len(vocab), CONFIG)
optimizer = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])
loader = DataLoader(records, batch_size=CONFIG["batch_size"], shuffle=True, collate_fn=collate_records)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
criterion = nn.CrossEntropyLoss()

for epoch in range(CONFIG["epochs"]):
    model.train()
    running, seen = 0.0, 0
    for step, (ids, labels) in enumerate(loader):
        with accelerator.accumulate(model):
            logits = model(ids)
            loss = criterion(logits, labels)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        running += loss.item() * labels.size(0)
        seen += labels.size(0)
    accelerator.print(f"epoch {epoch}: loss {running / seen:.4f}")

accelerator.print("done")
