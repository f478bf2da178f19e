import abc
import os
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SUBSYSTEMS = {}


def subsystem(name):
    def register(cls):
        cls.name = name
        SUBSYSTEMS[name] = cls()
        return cls
    return register


class Subsystem(abc.ABC):
    n_bins = 6

    @property
    @abc.abstractmethod
    def channels(self):
        ...

    @abc.abstractmethod
    def sample(self, rng, anomalous):
        ...

    def tokens(self, reading):
        out = []
        for ch, v in zip(self.channels, reading):
            b = int(np.clip(v, 0.0, 0.999) * self.n_bins)
            out.append(f"{ch}{b}")
        return out


@subsystem("eps")
class PowerSubsystem(Subsystem):
    channels = ("vbus", "ibat", "psolar")

    def sample(self, rng, anomalous):
        x = rng.normal(0.6, 0.05, size=3)
        if anomalous:
            x[1] += 0.3
        return x


@subsystem("adcs")
class AttitudeSubsystem(Subsystem):
    channels = ("rw1", "rw2", "rw3", "magx")

    def sample(self, rng, anomalous):
        x = rng.uniform(0.3, 0.7, size=4)
        if anomalous:
            x[rng.integers(0, 3)] = 0.98
        return x


@subsystem("thermal")
class ThermalSubsystem(Subsystem):
    channels = ("tbat", "tobc", "tpanel")

    def sample(self, rng, anomalous):
        return rng.normal(0.4 + 0.3 * anomalous, 0.05, size=3)


@subsystem("comms")
class CommsSubsystem(Subsystem):
    channels = ("rssi", "snr")

    def sample(self, rng, anomalous):
        return rng.uniform(0.2, 0.8, size=2)


@subsystem("payload")
class PayloadSubsystem(Subsystem):
    channels = ("ccdtemp", "shutter")

    def sample(self, rng, anomalous):
        x = rng.uniform(0.1, 0.5, size=2)
        if anomalous:
            x[0] = 0.9
        return x


@dataclass
class FrameEncoderConfig:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    n_segments: int = 2
    max_frame: int = 64

    @classmethod
    def from_mission(cls, mission):
        return cls(n_segments=len(mission["housekeeping"]),
                   max_frame=mission.get("max_frame", 64))

    def to_bert(self, vocab_size):
        return BertConfig(vocab_size=vocab_size, hidden_size=self.hidden,
                          num_hidden_layers=self.layers, num_attention_heads=self.heads,
                          intermediate_size=2 * self.hidden, type_vocab_size=self.n_segments,
                          max_position_embeddings=self.max_frame)


def write_vocab(path):
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for sub in SUBSYSTEMS.values():
        for ch in sub.channels:
            words += [f"{ch}{b}" for b in range(sub.n_bins)]
    with open(path, "w") as f:
        f.write("\n".join(words) + "\n")
    return path


class TelemetryFrames(Dataset):
    def __init__(self, tokenizer, n_frames, seed=0):
        rng = np.random.default_rng(seed)
        self.items = []
        for _ in range(n_frames):
            label = int(rng.random() < 0.3)
            toks, segs = [], []
            for seg_id, (name, sub) in enumerate(SUBSYSTEMS.items()):
                words = sub.tokens(sub.sample(rng, label))
                toks += words
                segs += [seg_id] * len(words)
            ids = [tokenizer.cls_token_id] + tokenizer.convert_tokens_to_ids(toks) + [tokenizer.sep_token_id]
            segs = [0] + segs + [segs[-1]]
            self.items.append((ids, segs, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate(batch):
    width = max(len(ids) for ids, _, _ in batch)
    out = {"input_ids": [], "token_type_ids": [], "attention_mask": [], "labels": []}
    for ids, segs, y in batch:
        pad = width - len(ids)
        out["input_ids"].append(ids + [0] * pad)
        out["token_type_ids"].append(segs + [0] * pad)
        out["attention_mask"].append([1] * len(ids) + [0] * pad)
        out["labels"].append(y)
    return {k: torch.tensor(v) for k, v in out.items()}


class FrameAnomalyModel(nn.Module):
    def __init__(self, bert_cfg):
        super().__init__()
        self.encoder = BertModel(bert_cfg)
        self.head = nn.Linear(bert_cfg.hidden_size, 2)

    def forward(self, input_ids, token_type_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                         attention_mask=attention_mask).last_hidden_state
        return self.head(h[:, 0])


def main():
    torch.manual_seed(7)
    random.seed(7)
    mission = {"name": "SAT-7", "housekeeping": ["eps", "adcs", "thermal", "comms"], "max_frame": 64}
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "vocab.txt")))
    cfg = FrameEncoderConfig.from_mission(mission)
    model = FrameAnomalyModel(cfg.to_bert(tokenizer.vocab_size))

    loader = DataLoader(TelemetryFrames(tokenizer, 96), batch_size=16, shuffle=True, collate_fn=collate)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(2):
        total = 0.0
        for batch in loader:
            labels = batch.pop("labels")
            logits = model(**batch)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
