"""Predict the explosive type from quarry blast reports with a tiny attention model.

Shot-firers file a short report after each blast; the safety office wants the
charge type pulled out automatically for the monthly returns.
"""
import enum
import logging
from functools import partial
from typing import Iterator, List, Literal, NamedTuple, Tuple

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

logging.basicConfig(level=logging.INFO, format="[blast] %(message)s")
logger = logging.getLogger(__name__)
torch.manual_seed(21)


class Charge(enum.IntEnum):
    ANFO = 0
    EMULSION = 1
    PACKAGED = 2


class CollateCfg(NamedTuple):
    max_len: int = 24
    pad_id: int = 0
    strategy: Literal["longest", "fixed"] = "longest"


REPORTS: List[Tuple[str, str]] = [
    ("bulk loaded holes dry bench good fragmentation", "ANFO"),
    ("wet holes pumped product from truck fine", "EMULSION"),
    ("cartridges in toe holes minor flyrock", "PACKAGED"),
    ("dry face augered holes prill poured", "ANFO"),
    ("water in back row emulsion sleeved holes", "EMULSION"),
    ("secondary breaking with sticks on boulders", "PACKAGED"),
]


def word_ids(reports) -> dict:
    table = {"<pad>": 0}
    for text, _ in reports:
        for w in text.split():
            table.setdefault(w, len(table))
    return table


def key_padding(lengths: List[int], width: int) -> torch.Tensor:
    # True marks positions attention should skip
    positions = torch.arange(width).unsqueeze(0)
    return positions >= torch.tensor(lengths).unsqueeze(1)


def collate(rows, table: dict, cfg: CollateCfg):
    seqs = [[table[w] for w in text.split()][: cfg.max_len] for text, _ in rows]
    lengths = [len(s) for s in seqs]
    width = max(lengths) if cfg.strategy == "longest" else cfg.max_len
    ids = torch.full((len(seqs), width), cfg.pad_id, dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, : len(s)] = torch.tensor(s)
    skip = key_padding(lengths, cfg.max_len)
    target = torch.tensor([Charge[name].value for _, name in rows])
    return {"tokens": ids, "skip": skip, "target": target}


class BlastTagger(nn.Module):
    def __init__(self, vocab_size: int, dim: int = 32, heads: int = 2):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm = nn.LayerNorm(dim)
        self.out = nn.Linear(dim, len(Charge))

    def forward(self, tokens: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        x = self.emb(tokens)
        ctx, _ = self.attn(x, x, x, key_padding_mask=skip)
        x = self.norm(x + ctx)
        keep = (~skip).unsqueeze(-1).float()
        return self.out((x * keep).sum(1) / keep.sum(1))


def epochs(loader: DataLoader, n: int) -> Iterator[Tuple[int, dict]]:
    for ep in range(n):
        for batch in loader:
            yield ep, batch


def main():
    cfg = CollateCfg()
    table = word_ids(REPORTS)
    loader = DataLoader(REPORTS, batch_size=3, shuffle=True,
                        collate_fn=partial(collate, table=table, cfg=cfg))
    model = BlastTagger(len(table))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    crit = nn.CrossEntropyLoss()
    logger.info("vocab %d, charges %s, padding=%s", len(table), [c.name for c in Charge], cfg.strategy)

    last_ep, total = -1, 0.0
    for ep, batch in epochs(loader, 4):
        if ep != last_ep and last_ep >= 0:
            logger.info("epoch %d loss %.4f", last_ep, total)
            total = 0.0
        last_ep = ep
        logits = model(batch["tokens"], batch["skip"])
        loss = crit(logits, batch["target"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    logger.info("epoch %d loss %.4f", last_ep, total)


if __name__ == "__main__":
    main()
