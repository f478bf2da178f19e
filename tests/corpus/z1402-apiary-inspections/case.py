"""Small transformer classifier for apiary inspection notes (hive condition triage).

Inspectors jot a line per hive; we pool the encoder output a couple of ways and
feed the concatenation to a linear head.
"""
import enum
import random
from typing import Dict, List, Literal, TypedDict

import torch
import torch.nn as nn

random.seed(3)
torch.manual_seed(3)


class HiveState(enum.Enum):
    HEALTHY = "healthy"
    QUEENLESS = "queenless"
    VARROA = "varroa"
    STARVING = "starving"


class PoolMode(enum.Enum):
    MEAN = "mean"
    MAX = "max"
    FIRST = "first"


class ModelSettings(TypedDict):
    hidden: int
    heads: int
    ff: int
    pools: List[PoolMode]
    reduction: Literal["mean", "sum"]


SETTINGS: ModelSettings = {
    "hidden": 32,
    "heads": 4,
    "ff": 64,
    "pools": [PoolMode.MEAN, PoolMode.MAX],
    "reduction": "mean",
}

NOTES = [
    ("brood pattern solid eggs present calm bees", "healthy"),
    ("no eggs no young larvae queen cells drawn", "queenless"),
    ("mites on drone brood deformed wings seen", "varroa"),
    ("stores empty bees clustered light frames", "starving"),
    ("capped brood good stores heavy calm colony", "healthy"),
    ("roaring hive no eggs laying workers suspected", "queenless"),
    ("sugar roll count high mites on bees", "varroa"),
    ("frames light no nectar bees weak", "starving"),
]


def build_vocab(rows) -> Dict[str, int]:
    vocab = {"<pad>": 0, "<unk>": 1}
    for text, _ in rows:
        for w in text.split():
            vocab.setdefault(w, len(vocab))
    return vocab


def encode(rows, vocab):
    width = max(len(t.split()) for t, _ in rows)
    ids, pad_flags, targets = [], [], []
    for text, state in rows:
        toks = [vocab.get(w, 1) for w in text.split()]
        ids.append(toks + [0] * (width - len(toks)))
        pad_flags.append([False] * len(toks) + [True] * (width - len(toks)))
        targets.append(list(HiveState).index(HiveState(state)))
    return torch.tensor(ids), torch.tensor(pad_flags), torch.tensor(targets)


class InspectionClassifier(nn.Module):
    def __init__(self, vocab_size: int, cfg: ModelSettings):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(vocab_size, cfg["hidden"], padding_idx=0)
        layer = nn.TransformerEncoderLayer(
            d_model=cfg["hidden"], nhead=cfg["heads"], dim_feedforward=cfg["ff"], batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        # one hidden-sized slot per pooling strategy
        self.head = nn.Linear(cfg["hidden"] * len(PoolMode), len(HiveState))

    def pool(self, states: torch.Tensor, pad: torch.Tensor, mode: PoolMode) -> torch.Tensor:
        keep = (~pad).unsqueeze(-1).float()
        if mode is PoolMode.MEAN:
            return (states * keep).sum(1) / keep.sum(1)
        if mode is PoolMode.MAX:
            return states.masked_fill(pad.unsqueeze(-1), -1e4).max(1).values
        return states[:, 0]

    def forward(self, ids: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        states = self.encoder(self.embed(ids), src_key_padding_mask=pad)
        pooled = torch.cat([self.pool(states, pad, m) for m in self.cfg["pools"]], dim=-1)
        return self.head(pooled)


def train(model, ids, pad, targets, epochs=5):
    loss_fn = nn.CrossEntropyLoss(reduction=model.cfg["reduction"])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for ep in range(epochs):
        opt.zero_grad()
        logits = model(ids, pad)
        loss = loss_fn(logits, targets)
        loss.backward()
        opt.step()
        print(f"epoch {ep}: loss={loss.item():.4f}")


def main():
    vocab = build_vocab(NOTES)
    ids, pad, targets = encode(NOTES, vocab)
    print(f"vocab={len(vocab)} batch={tuple(ids.shape)} pools={[p.value for p in SETTINGS['pools']]}")
    model = InspectionClassifier(len(vocab), SETTINGS)
    train(model, ids, pad, targets)

    model.eval()
    with torch.no_grad():
        guess = model(ids[:2], pad[:2]).argmax(-1).tolist()
    print("first two hives:", [list(HiveState)[g].value for g in guess])


if __name__ == "__main__":
    main()
