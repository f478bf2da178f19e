import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 1234
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

CFG = {
    "n_event_keys": 48,
    "pad_id": 0,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "ff_dim": 64,
    "max_session_len": 40,
    "batch_size": 32,
    "lr": 1e-3,
    "epochs": 2,
}

NORMAL_FLOWS = [
    [3, 7, 7, 12, 15, 21],
    [3, 9, 12, 12, 15, 30],
    [4, 7, 18, 21, 21, 22],
]
FAULT_KEYS = [41, 42, 44, 46]


def synth_session(anomalous):
    """One node session from a BGL-like RAS log, already mapped to event-key ids (1..n_event_keys-1)."""
    keys = []
    target_len = random.randint(8, CFG["max_session_len"])
    while len(keys) < target_len:
        flow = list(random.choice(NORMAL_FLOWS))
        if random.random() < 0.2:
            flow.insert(random.randint(0, len(flow)), random.randint(1, 35))
        keys.extend(flow)
    keys = keys[:target_len]
    if anomalous:
        pos = random.randint(len(keys) // 2, len(keys) - 1)
        keys[pos:pos] = random.sample(FAULT_KEYS, k=2)
        keys = keys[: CFG["max_session_len"]]
    return keys


class SessionDataset(Dataset):
    def __init__(self, n_sessions, anomaly_rate=0.15):
        self.items = []
        for _ in range(n_sessions):
            y = int(random.random() < anomaly_rate)
            self.items.append((synth_session(bool(y)), y))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        keys, y = self.items[idx]
        return torch.tensor(keys, dtype=torch.long), y


def collate_sessions(batch):
    seqs, ys = zip(*batch)
    max_len = max(len(s) for s in seqs)
    input_ids = torch.full((len(seqs), max_len), CFG["pad_id"], dtype=torch.long)
    attention_mask = torch.zeros((len(seqs), max_len), dtype=torch.long)
    for i, s in enumerate(seqs):
        input_ids[i, : len(s)] = s
        attention_mask[i, : len(s)] = 1
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": torch.tensor(ys)}


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=512):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        pos = torch.arange(max_len).unsqueeze(1).float()
        div = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)].unsqueeze(0)


class LogSessionTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(cfg["n_event_keys"], cfg["d_model"], padding_idx=cfg["pad_id"])
        self.pos = PositionalEncoding(cfg["d_model"])
        layer = nn.TransformerEncoderLayer(
            cfg["d_model"], cfg["n_heads"], cfg["ff_dim"], dropout=0.1, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"], enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(cfg["d_model"]), nn.Linear(cfg["d_model"], 2))

    def forward(self, input_ids, attention_mask):
        h = self.pos(self.embed(input_ids))
        key_padding_mask = 1 - attention_mask
        h = self.encoder(h, src_key_padding_mask=key_padding_mask)
        m = attention_mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled)


def evaluate(model, loader):
    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for batch in loader:
            pred = model(batch["input_ids"], batch["attention_mask"]).argmax(-1)
            y = batch["labels"]
            tp += int(((pred == 1) & (y == 1)).sum())
            fp += int(((pred == 1) & (y == 0)).sum())
            fn += int(((pred == 0) & (y == 1)).sum())
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    return precision, recall


def main():
    train_ds = SessionDataset(400)
    val_ds = SessionDataset(120)
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_sessions)
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"], collate_fn=collate_sessions)

    model = LogSessionTransformer(CFG)
    n_anom = sum(y for _, y in train_ds.items)
    weight = torch.tensor([1.0, (len(train_ds) - n_anom) / max(n_anom, 1)])
    criterion = nn.CrossEntropyLoss(weight=weight)
    optim = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for batch in train_dl:
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = criterion(logits, batch["labels"])
            optim.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            running += loss.item() * batch["labels"].size(0)
        p, r = evaluate(model, val_dl)
        print(f"epoch {epoch} loss {running / len(train_ds):.4f} val precision {p:.3f} recall {r:.3f}")


if __name__ == "__main__":
    main()
