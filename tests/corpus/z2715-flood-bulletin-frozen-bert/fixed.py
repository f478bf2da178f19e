import os
import random
from typing import Callable, Dict, List, NamedTuple

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

WORKDIR = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(WORKDIR, "bulletin_vocab.txt")
WARNING_LEVELS = ["none", "alert", "warning"]


class StationObs(NamedTuple):
    station: str
    level_m: float
    trend_m_per_h: float
    rain_24h_mm: float
    soil_saturated: bool


class Bulletin(NamedTuple):
    text: str
    label: int


def phrase_level(o: StationObs) -> str:
    band = "high" if o.level_m > 3.0 else "moderate" if o.level_m > 1.8 else "low"
    return f"river level {band}"


def phrase_trend(o: StationObs) -> str:
    if o.trend_m_per_h > 0.05:
        return "rising quickly"
    if o.trend_m_per_h > 0.0:
        return "rising slowly"
    return "falling"


def phrase_rain(o: StationObs) -> str:
    return "heavy rain forecast" if o.rain_24h_mm > 25 else "light rain forecast"


def phrase_soil(o: StationObs) -> str:
    return "ground saturated" if o.soil_saturated else "ground dry"


PHRASES: Dict[str, Callable[[StationObs], str]] = {
    "level": phrase_level,
    "trend": phrase_trend,
    "rain": phrase_rain,
    "soil": phrase_soil,
}


def risk_label(o: StationObs) -> int:
    score = o.level_m / 1.5 + 8 * o.trend_m_per_h + o.rain_24h_mm / 20 + (0.7 if o.soil_saturated else 0.0)
    return 0 if score < 2.2 else 1 if score < 3.4 else 2


def make_bulletins(n: int, seed: int) -> List[Bulletin]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        obs = StationObs(
            station=f"st{i % 9}",
            level_m=rng.uniform(0.5, 4.2),
            trend_m_per_h=rng.uniform(-0.1, 0.15),
            rain_24h_mm=rng.expovariate(1 / 15),
            soil_saturated=rng.random() < 0.35,
        )
        text = " , ".join(fn(obs) for fn in PHRASES.values())
        out.append(Bulletin(text, risk_label(obs)))
    return out


def write_vocab(path: str) -> None:
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ",", "river", "level", "high", "moderate",
              "low", "rising", "quickly", "slowly", "falling", "heavy", "light", "rain", "forecast",
              "ground", "saturated", "dry"]
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")


class BulletinSet(Dataset):
    def __init__(self, items: List[Bulletin], tokenizer: BertTokenizer, max_len: int):
        self.enc = tokenizer([b.text for b in items], padding="max_length", truncation=True,
                             max_length=max_len, return_tensors="pt")
        self.labels = torch.tensor([b.label for b in items])

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.labels[i]
        return item


def train(
    *,
    n_train: int = 240,
    n_val: int = 60,
    max_len: int = 24,
    hidden_size: int = 32,
    freeze_embeddings: bool = True,
    batch_size: int = 16,
    epochs: int = 2,
    lr: float = 5e-4,
    weight_decay: float = 0.01,
    seed: int = 21,
):
    torch.manual_seed(seed)
    write_vocab(VOCAB_FILE)
    tokenizer = BertTokenizer(VOCAB_FILE)
    train_set = BulletinSet(make_bulletins(n_train, seed), tokenizer, max_len)
    val_set = BulletinSet(make_bulletins(n_val, seed + 1), tokenizer, max_len)

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=hidden_size, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=max_len,
                     num_labels=len(WARNING_LEVELS))
    model = BertForSequenceClassification(cfg)
    if freeze_embeddings:
        for p in model.bert.embeddings.parameters():
            p.requires_grad = False

    trainable = [p for p in model.parameters() if p.requires_grad]
    n_trainable = sum(p.numel() for p in trainable)
    n_total = sum(p.numel() for p in model.parameters())
    print(f"trainable parameters: {n_trainable} / {n_total}")
    optimizer = torch.optim.AdamW(trainable, lr=lr, weight_decay=weight_decay)

    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    val_loader = DataLoader(val_set, batch_size=batch_size)
    for epoch in range(epochs):
        model.train()
        for batch in train_loader:
            loss = model(**batch).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for batch in val_loader:
                logits = model(**batch).logits
                correct += (logits.argmax(-1) == batch["labels"]).sum().item()
        print(f"epoch {epoch}: last loss {loss.item():.4f} val acc {correct / len(val_set):.3f}")
    return model


if __name__ == "__main__":
    train(n_train=240, n_val=60, max_len=24, freeze_embeddings=True, batch_size=16, epochs=2, seed=21)
