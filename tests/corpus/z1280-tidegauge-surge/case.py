"""Surge-risk classifier for tide gauge bulletins.

Trains a small BERT encoder plus a linear head on the harbour office's
free-text bulletins, and compares a couple of encoder widths.
"""
import logging
import os
import random
import tempfile
from dataclasses import asdict, dataclass, field, replace
from typing import Dict, List, Optional

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("surge")

RISK_LEVELS = ["low", "moderate", "high"]

BULLETINS = [
    ("gauge reading steady tide within predicted band", "low"),
    ("onshore wind rising residual above forecast at high water", "moderate"),
    ("pressure falling fast residual exceeds warning level", "high"),
    ("calm seas residual near zero at low water", "low"),
    ("spring tide with moderate residual spray over harbour wall", "moderate"),
    ("storm surge warning residual exceeds record level", "high"),
]


@dataclass
class EncoderSettings:
    hidden_size: int = 32
    num_attention_heads: int = 2
    num_hidden_layers: int = 1
    max_position_embeddings: int = 64
    intermediate_size: int = field(init=False)
    head_in: Optional[int] = None  # width of the features the head receives

    def __post_init__(self):
        self.intermediate_size = 2 * self.hidden_size
        if self.head_in is None:
            self.head_in = self.hidden_size


@dataclass
class TrainSettings:
    lr: float = 5e-4
    epochs: int = 1
    batch_size: int = 3
    seed: int = 7
    risk_levels: List[str] = field(default_factory=lambda: list(RISK_LEVELS))


def write_vocab(texts: List[str]) -> str:
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


class SurgeClassifier(nn.Module):
    def __init__(self, enc: EncoderSettings, vocab_size: int, n_classes: int):
        super().__init__()
        cfg_kwargs = asdict(enc)
        head_in = cfg_kwargs.pop("head_in")
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, **cfg_kwargs), add_pooling_layer=False)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(head_in, n_classes))

    def forward(self, ids, attn):
        states = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state
        return self.head(states[:, 0])


def batches(tok: BertTokenizer, rows, size: int, levels: List[str]):
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        enc = tok([t for t, _ in chunk], padding=True, return_tensors="pt")
        target = torch.tensor([levels.index(lvl) for _, lvl in chunk])
        yield enc["input_ids"], enc["attention_mask"], target


def run_trial(name: str, enc: EncoderSettings, train: TrainSettings, tok: BertTokenizer) -> Dict[str, float]:
    torch.manual_seed(train.seed)
    random.seed(train.seed)
    model = SurgeClassifier(enc, tok.vocab_size, len(train.risk_levels))
    opt = torch.optim.AdamW(model.parameters(), lr=train.lr)
    loss_fn = nn.CrossEntropyLoss()
    rows = list(BULLETINS)
    last = float("nan")
    for epoch in range(train.epochs):
        random.shuffle(rows)
        total = 0.0
        for ids, attn, target in batches(tok, rows, train.batch_size, train.risk_levels):
            loss = loss_fn(model(ids, attn), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        last = total
        log.info("[%s] epoch %d loss %.4f", name, epoch, total)
    return {"final_loss": last, "params": sum(p.numel() for p in model.parameters())}


def main():
    tok = BertTokenizer(write_vocab([t for t, _ in BULLETINS]))
    train = TrainSettings()
    base = EncoderSettings()
    trials = {
        "narrow": base,
        "wide": replace(base, hidden_size=64, num_attention_heads=4),
    }
    results = {}
    for name, enc in trials.items():
        log.info("trial %s: hidden=%d ffn=%d", name, enc.hidden_size, enc.intermediate_size)
        results[name] = run_trial(name, enc, train, tok)
    for name, res in results.items():
        print(f"{name:>8}: loss={res['final_loss']:.4f} params={res['params']}")


if __name__ == "__main__":
    main()
