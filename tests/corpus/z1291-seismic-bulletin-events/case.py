"""Event-type classifier for station seismic bulletin remarks (Accelerate).

Analysts type a free-text remark per detected event; we train a tiny BERT to
suggest the event type and report accuracy plus calibration on held-out lines.
"""
import os
import tempfile
from dataclasses import asdict, dataclass, field
from typing import List

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(5)

EVENT_TYPES = ["earthquake", "quarry_blast", "icequake", "noise"]
TRAIN = [
    ("clear p and s phases deep focus", 0), ("impulsive onset daytime near quarry", 1),
    ("emergent onset under glacier tongue", 2), ("wind gusts on vertical channel", 3),
    ("aftershock of yesterday mainshock", 0), ("shot at noon reported by mine", 1),
    ("calving front swarm small magnitude", 2), ("traffic near station at rush hour", 3),
]
HELD_OUT = [
    ("deep focus event with clear s phase", 0), ("mine shot near quarry at noon", 1),
    ("glacier swarm emergent onset", 2), ("vertical channel wind noise", 3),
    ("mainshock with aftershock sequence", 0), ("daytime impulsive quarry shot", 1),
    ("small magnitude calving event", 2), ("rush hour traffic noise", 3),
    ("clear p phase deep event", 0), ("glacier tongue icequake", 2),
]


@dataclass
class LoaderSettings:
    batch_size: int = 4
    shuffle: bool = False
    drop_last: bool = False


@dataclass
class MetricSpec:
    num_classes: int = len(EVENT_TYPES)
    n_bins: int = 5
    class_names: List[str] = field(default_factory=lambda: list(EVENT_TYPES))


class BulletinMetrics:
    def __init__(self, num_classes: int, n_bins: int, class_names: List[str]):
        self.num_classes, self.n_bins, self.class_names = num_classes, n_bins, class_names
        self._probs, self._gold = [], []

    def update(self, probs: torch.Tensor, gold: torch.Tensor):
        self._probs.append(probs.detach().cpu())
        self._gold.append(gold.detach().cpu())

    def compute(self):
        probs = torch.stack(self._probs).reshape(-1, self.num_classes)
        gold = torch.stack(self._gold).reshape(-1)
        conf, pred = probs.max(dim=1)
        correct = (pred == gold).float()
        edges = torch.linspace(0, 1, self.n_bins + 1)
        ece = torch.tensor(0.0)
        for lo, hi in zip(edges[:-1], edges[1:]):
            in_bin = (conf > lo) & (conf <= hi)
            if in_bin.any():
                ece += in_bin.float().mean() * (conf[in_bin].mean() - correct[in_bin].mean()).abs()
        return {"accuracy": correct.mean().item(), "ece": ece.item(), "n": gold.numel()}


def build_tokenizer(folder: str) -> BertTokenizer:
    words = sorted({w for text, _ in TRAIN + HELD_OUT for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer(tempfile.mkdtemp(prefix="seismic_"))

    def collate(rows):
        enc = tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([y for _, y in rows])
        return enc

    train_dl = DataLoader(TRAIN, collate_fn=collate, **asdict(LoaderSettings(shuffle=True)))
    eval_dl = DataLoader(HELD_OUT, collate_fn=collate, **asdict(LoaderSettings()))

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                     num_labels=len(EVENT_TYPES))
    model = BertForSequenceClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model, optim, train_dl, eval_dl = accelerator.prepare(model, optim, train_dl, eval_dl)

    for epoch in range(3):
        model.train()
        for batch in train_dl:
            loss = model(**batch).loss
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
        accelerator.print(f"epoch {epoch} last loss {loss.item():.4f}")

    metrics = BulletinMetrics(**asdict(MetricSpec()))
    model.eval()
    for batch in eval_dl:
        with torch.no_grad():
            logits = model(**batch).logits
        probs, gold = accelerator.gather_for_metrics((logits.softmax(-1), batch["labels"]))
        metrics.update(probs, gold)
    accelerator.print("held-out:", metrics.compute())


if __name__ == "__main__":
    main()
