"""HDFS block-session anomaly detection with a tiny BERT over log template ids.

Each block id groups a session of parsed log events (Drain template ids E1..E29).
A session is anomalous if the block was later reported as corrupted/lost.
"""
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


@dataclass
class TrainConfig:
    n_templates: int = 29
    min_session: int = 6
    max_session: int = 48
    n_sessions: int = 320
    anomaly_rate: float = 0.12
    batch_size: int = 16
    hidden: int = 32
    lr: float = 3e-4
    epochs: int = 2


SPECIAL_TOKENS = ["[PAD]", "[CLS]", "[UNK]"]

NORMAL_FLOW = ["E5", "E22", "E11", "E9", "E26", "E3", "E4", "E2"]
ANOMALY_EVENTS = ["E7", "E20", "E21", "E28"]


def synth_sessions(cfg):
    sessions = []
    for blk in range(cfg.n_sessions):
        n = random.randint(cfg.min_session, cfg.max_session)
        events = [random.choice(NORMAL_FLOW) for _ in range(n)]
        label = 0
        if random.random() < cfg.anomaly_rate:
            pos = random.randrange(n)
            events[pos] = random.choice(ANOMALY_EVENTS)
            label = 1
        sessions.append({"block_id": f"blk_{-7_000_000 + blk * 3571}", "events": events, "label": label})
    return sessions


class TemplateVocab:
    def __init__(self, n_templates):
        self.itos = SPECIAL_TOKENS + [f"E{i}" for i in range(1, n_templates + 1)]
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    @property
    def pad_id(self):
        return self.stoi["[PAD]"]

    @property
    def cls_id(self):
        return self.stoi["[CLS]"]

    def encode(self, events):
        unk = self.stoi["[UNK]"]
        return [self.stoi.get(e, unk) for e in events]

    def __len__(self):
        return len(self.itos)


class SessionDataset(Dataset):
    def __init__(self, sessions, vocab):
        self.items = [
            {"event_ids": vocab.encode(s["events"]), "label": s["label"]} for s in sessions
        ]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def lengths_to_mask(lengths, max_len):
    positions = torch.arange(max_len).unsqueeze(0)
    return (positions < lengths.unsqueeze(1)).long()


def collate_sessions(batch, pad_id, cls_id):
    seqs = [item["event_ids"] for item in batch]
    labels = torch.tensor([item["label"] for item in batch], dtype=torch.long)
    lengths = torch.tensor([len(s) for s in seqs])
    max_len = int(lengths.max())

    input_ids = torch.full((len(seqs), max_len + 1), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        input_ids[i, 0] = cls_id
        input_ids[i, 1 : len(s) + 1] = torch.tensor(s, dtype=torch.long)

    attention_mask = lengths_to_mask(lengths + 1, max_len + 1)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


class SessionClassifier(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=cfg.hidden * 2,
            max_position_embeddings=64,
            pad_token_id=0,
        )
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden, 2)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        cls_vec = out.last_hidden_state[:, 0]
        return self.head(cls_vec)


def main():
    cfg = TrainConfig()
    vocab = TemplateVocab(cfg.n_templates)
    sessions = synth_sessions(cfg)
    split = int(0.8 * len(sessions))
    train_ds = SessionDataset(sessions[:split], vocab)
    val_ds = SessionDataset(sessions[split:], vocab)

    collate = lambda b: collate_sessions(b, vocab.pad_id, vocab.cls_id)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size, collate_fn=collate)

    model = SessionClassifier(len(vocab), cfg)
    n_pos = sum(s["label"] for s in sessions[:split])
    weight = torch.tensor([1.0, (split - n_pos) / max(n_pos, 1)])
    criterion = nn.CrossEntropyLoss(weight=weight)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for batch in train_dl:
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = criterion(logits, batch["labels"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        model.eval()
        correct = seen = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["input_ids"], batch["attention_mask"]).argmax(-1)
                correct += (pred == batch["labels"]).sum().item()
                seen += len(pred)
        print(f"epoch {epoch}: train loss {total / len(train_dl):.4f}  val acc {correct / seen:.3f}")


if __name__ == "__main__":
    main()
