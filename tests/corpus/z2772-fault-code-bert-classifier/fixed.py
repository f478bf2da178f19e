import abc
import os
import random
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 17
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "telemetry_vocab.txt")

SUBSYSTEMS = ["eps", "adcs", "ttc", "obc", "thermal", "payload"]
QUALIFIERS = ["low", "high", "nominal", "drift", "spike", "dropout", "stuck", "reset"]
SIGNALS = ["bus_v", "batt_i", "wheel_rpm", "sun_angle", "rssi", "cpu_load", "panel_t", "ccd_t"]

ANOMALY_DETECTORS = {}


def register_anomaly(name):
    def deco(cls):
        cls.code = name
        ANOMALY_DETECTORS[name] = cls
        return cls
    return deco


class AnomalySignature(abc.ABC):
    code = None

    @abc.abstractmethod
    def emit(self, rng):
        ...


@register_anomaly("power_brownout")
class PowerBrownout(AnomalySignature):
    def emit(self, rng):
        return ["eps", "bus_v", "low", "eps", "batt_i", rng.choice(["spike", "high"])]


@register_anomaly("wheel_saturation")
class WheelSaturation(AnomalySignature):
    def emit(self, rng):
        return ["adcs", "wheel_rpm", "high", "adcs", "sun_angle", "drift"]


@register_anomaly("link_fade")
class LinkFade(AnomalySignature):
    def emit(self, rng):
        return ["ttc", "rssi", rng.choice(["low", "dropout"]), "ttc", "rssi", "dropout"]


@register_anomaly("seu_reset")
class SingleEventUpset(AnomalySignature):
    def emit(self, rng):
        return ["obc", "cpu_load", "spike", "obc", "cpu_load", "reset"]


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(SUBSYSTEMS + QUALIFIERS + SIGNALS))
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")


@dataclass
class ClassifierConfig:
    vocab_size: int
    num_labels: int
    max_len: int = 32
    hidden: int = 32
    batch_size: int = 16
    lr: float = 3e-4

    @classmethod
    def from_registry(cls, tokenizer, registry, **overrides):
        return cls(vocab_size=tokenizer.vocab_size, num_labels=len(registry) + 1, **overrides)

    def to_bert(self):
        return BertConfig(
            vocab_size=self.vocab_size,
            hidden_size=self.hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=self.num_labels,
        )


def synth_pass(rng, label_names):
    label = rng.randrange(len(label_names))
    name = label_names[label]
    words = []
    for _ in range(rng.randint(2, 4)):
        words += [rng.choice(SUBSYSTEMS), rng.choice(SIGNALS), "nominal"]
    if name != "nominal":
        words += ANOMALY_DETECTORS[name]().emit(rng)
    rng.shuffle(words)
    return " ".join(words), label


class TelemetryPasses(Dataset):
    def __init__(self, n, label_names, seed):
        rng = random.Random(seed)
        self.rows = [synth_pass(rng, label_names) for _ in range(n)]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def make_collate(tokenizer, max_len):
    def collate(batch):
        texts, labels = zip(*batch)
        enc = tokenizer(list(texts), padding="max_length", truncation=True,
                        max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor(labels, dtype=torch.long)
        return enc
    return collate


def train_epoch(model, loader, optim):
    model.train()
    total = 0.0
    for batch in loader:
        out = model(**batch)
        optim.zero_grad()
        out.loss.backward()
        optim.step()
        total += out.loss.item()
    return total / max(len(loader), 1)


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    label_names = ["nominal"] + list(ANOMALY_DETECTORS)
    cfg = ClassifierConfig.from_registry(tokenizer, ANOMALY_DETECTORS)

    model = BertForSequenceClassification(cfg.to_bert())
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    train_ds = TelemetryPasses(256, label_names, seed=SEED)
    loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=make_collate(tokenizer, cfg.max_len))

    for epoch in range(2):
        loss = train_epoch(model, loader, optim)
        print(f"epoch {epoch} loss {loss:.4f}")

    os.remove(VOCAB_PATH)


if __name__ == "__main__":
    main()
