"""Burst-risk triage for distribution-main segments from field-crew notes.

Each pipe segment has a free-text inspection note plus a few sensor summary
numbers (pressure transients, night-flow excess). A tiny BERT encodes the note;
its pooled output is concatenated with the sensor features and classified into
low / elevated / urgent risk.
"""
import os
import random
from dataclasses import dataclass
from typing import Callable, Dict, List, NamedTuple

import numpy as np
import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "pipe_vocab.txt")
MAX_NOTE_TOKENS = 40

WORDS = ("main valve hydrant leak corrosion joint crack pressure surge night flow meter "
         "cast iron ductile pvc asbestos cement service lateral tuberculation scaling "
         "replaced repaired inspected minor major seepage wet soil sinkhole noise logger "
         "acoustic alarm transient drop rise stable normal high low zone district street "
         "near at on under the a of and with no signs found reported observed customer "
         "complaint discolored water air burst break gasket clamp sleeve").split()


class SegmentRecord(NamedTuple):
    segment_id: str
    material: str
    age_years: int
    note: str
    transient_kpa: float
    night_flow_excess: float
    risk: int


SENSOR_FEATURES: Dict[str, Callable[[SegmentRecord], float]] = {
    "age": lambda r: r.age_years / 80.0,
    "transient": lambda r: r.transient_kpa / 150.0,
    "night_flow": lambda r: r.night_flow_excess,
    "is_cast_iron": lambda r: float(r.material == "cast_iron"),
}


def write_vocab(path: str) -> None:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(WORDS))) + "\n")


def synth_segments(n: int, seed: int = 3) -> List[SegmentRecord]:
    rng = random.Random(seed)
    materials = ["cast_iron", "ductile", "pvc", "ac"]
    out = []
    for i in range(n):
        mat = rng.choice(materials)
        age = rng.randint(5, 95)
        note = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30)))
        transient = abs(rng.gauss(40, 35))
        nfe = max(0.0, rng.gauss(0.1, 0.15))
        score = age / 95 + transient / 150 + 2 * nfe + (0.3 if mat == "cast_iron" else 0.0)
        risk = 0 if score < 0.8 else (1 if score < 1.3 else 2)
        out.append(SegmentRecord(f"SEG-{i:04d}", mat, age, note, transient, nfe, risk))
    return out


@dataclass
class Encoded:
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    sensors: torch.Tensor
    labels: torch.Tensor


def encode_all(records: List[SegmentRecord], tokenizer: BertTokenizer) -> Encoded:
    enc = tokenizer([r.note for r in records], padding="max_length", truncation=True,
                    max_length=MAX_NOTE_TOKENS, return_tensors="pt")
    sensors = torch.tensor([[fn(r) for fn in SENSOR_FEATURES.values()] for r in records],
                           dtype=torch.float32)
    labels = torch.tensor([r.risk for r in records], dtype=torch.long)
    return Encoded(enc["input_ids"], enc["attention_mask"], sensors, labels)


def iter_batches(data: Encoded, batch_size: int, shuffle: bool, gen: torch.Generator):
    order = torch.randperm(len(data.labels), generator=gen) if shuffle else torch.arange(len(data.labels))
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        batch = {
            "input_ids": data.input_ids[idx],
            "attention_mask": data.attention_mask[idx],
            "sensors": data.sensors[idx],
            "labels": data.labels[idx],
        }
        keep = int(batch["attention_mask"].sum(dim=1).max())
        batch["input_ids"] = batch["input_ids"][:, :keep]
        batch["attention_mask"] = batch["attention_mask"][:, :keep]
        yield batch


class BurstRiskModel(nn.Module):
    def __init__(self, config: BertConfig, n_sensors: int, n_classes: int = 3):
        super().__init__()
        self.encoder = BertModel(config)
        self.sensor_proj = nn.Linear(n_sensors, 16)
        self.classifier = nn.Linear(config.hidden_size + 16, n_classes)

    def forward(self, input_ids, attention_mask, sensors):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        pooled = out.pooler_output
        fused = torch.cat([pooled, torch.relu(self.sensor_proj(sensors))], dim=-1)
        return self.classifier(fused)


def train(*, train_data, val_data, vocab_size, hidden_size=32, layers=1, heads=2,
          epochs=2, batch_size=16, lr=5e-4, weight_decay=0.01, seed=0, class_weights=None):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    config = BertConfig(vocab_size=vocab_size, hidden_size=hidden_size, num_hidden_layers=layers,
                        num_attention_heads=heads, intermediate_size=hidden_size * 2,
                        max_position_embeddings=64)
    model = BurstRiskModel(config, n_sensors=train_data.sensors.shape[1])
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = nn.CrossEntropyLoss(weight=class_weights)
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for batch in iter_batches(train_data, batch_size, True, gen):
            logits = model(batch["input_ids"], batch["attention_mask"], batch["sensors"])
            loss = loss_fn(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        model.eval()
        correct = 0
        with torch.no_grad():
            for batch in iter_batches(val_data, 64, False, gen):
                pred = model(batch["input_ids"], batch["attention_mask"], batch["sensors"]).argmax(-1)
                correct += (pred == batch["labels"]).sum().item()
        print(f"epoch {epoch} train_loss {total:.3f} val_acc {correct / len(val_data.labels):.3f}")
    return model


if __name__ == "__main__":
    np.random.seed(0)
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    records = synth_segments(240)
    train_recs, val_recs = records[:192], records[192:]
    counts = np.bincount([r.risk for r in train_recs], minlength=3)
    weights = torch.tensor(counts.sum() / (3 * np.maximum(counts, 1)), dtype=torch.float32)
    train(
        train_data=encode_all(train_recs, tokenizer),
        val_data=encode_all(val_recs, tokenizer),
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        layers=1,
        heads=2,
        epochs=2,
        batch_size=16,
        lr=5e-4,
        seed=5,
        class_weights=weights,
    )
