"""Route aircraft maintenance write-ups to an ATA system, weighting the loss by defect severity."""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Iterator, NamedTuple, TypedDict

import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(11)


class AtaSystem(enum.IntEnum):
    HYDRAULIC = 0
    AVIONICS = 1
    LANDING_GEAR = 2
    POWERPLANT = 3


class Severity(enum.IntEnum):
    # same codes the defect tracker exports
    MINOR = 10
    MAJOR = 20
    CRITICAL = 30


class WriteUp(NamedTuple):
    text: str
    system: AtaSystem
    severity: Severity


class DefectBatch(TypedDict):
    ids: torch.Tensor
    keep: torch.Tensor
    system: torch.Tensor
    severity: torch.Tensor


@dataclass(frozen=True)
class TrainConfig:
    d_model: int = 32
    n_heads: int = 2
    max_len: int = 24
    batch_size: int = 3
    epochs: int = 2
    lr: float = 1e-3
    severity_weights: tuple[float, ...] = (1.0, 2.0, 4.0)  # MINOR, MAJOR, CRITICAL


LOGBOOK = [
    WriteUp("hyd pump 2 pressure fluctuating during taxi", AtaSystem.HYDRAULIC, Severity.MAJOR),
    WriteUp("fmc display flickers on startup", AtaSystem.AVIONICS, Severity.MINOR),
    WriteUp("nose gear steering shimmy above 40 kts", AtaSystem.LANDING_GEAR, Severity.MAJOR),
    WriteUp("egt exceedance engine 1 on takeoff", AtaSystem.POWERPLANT, Severity.CRITICAL),
    WriteUp("hydraulic fluid seep at reservoir fitting", AtaSystem.HYDRAULIC, Severity.MINOR),
    WriteUp("weather radar inop after power transfer", AtaSystem.AVIONICS, Severity.MAJOR),
    WriteUp("main gear unsafe light after retraction", AtaSystem.LANDING_GEAR, Severity.CRITICAL),
    WriteUp("oil quantity engine 2 low on preflight", AtaSystem.POWERPLANT, Severity.MINOR),
    WriteUp("brake temp high left main gear after landing", AtaSystem.LANDING_GEAR, Severity.MINOR),
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]"]
VOCAB = {w: i for i, w in enumerate(SPECIALS + sorted({w for wu in LOGBOOK for w in wu.text.split()}))}


def encode(text: str, max_len: int) -> list[int]:
    return [VOCAB["[CLS]"]] + [VOCAB.get(w, VOCAB["[UNK]"]) for w in text.split()][: max_len - 1]


def batches(rows: list[WriteUp], cfg: TrainConfig) -> Iterator[DefectBatch]:
    order = torch.randperm(len(rows)).tolist()
    for start in range(0, len(order), cfg.batch_size):
        chunk = [rows[i] for i in order[start:start + cfg.batch_size]]
        seqs = [encode(wu.text, cfg.max_len) for wu in chunk]
        width = max(len(s) for s in seqs)
        ids = torch.tensor([s + [VOCAB["[PAD]"]] * (width - len(s)) for s in seqs])
        yield DefectBatch(ids=ids, keep=ids != VOCAB["[PAD]"],
                          system=torch.tensor([int(wu.system) for wu in chunk]),
                          severity=torch.tensor([int(wu.severity) for wu in chunk]))


class MiniBert(nn.Module):
    def __init__(self, cfg: TrainConfig, vocab_size: int, n_classes: int) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocab_size, cfg.d_model, padding_idx=VOCAB["[PAD]"])
        self.pos = nn.Embedding(cfg.max_len, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=4 * cfg.d_model,
                                           batch_first=True, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.cls_head = nn.Linear(cfg.d_model, n_classes)

    def forward(self, ids: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(pos)
        h = self.encoder(h, src_key_padding_mask=~keep)
        return self.cls_head(h[:, 0])


def train(cfg: TrainConfig) -> MiniBert:
    model = MiniBert(cfg, len(VOCAB), len(AtaSystem))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    sev_weight = torch.tensor(cfg.severity_weights)
    assert len(sev_weight) == len(Severity)
    for epoch in range(cfg.epochs):
        total = 0.0
        for batch in batches(LOGBOOK, cfg):
            match batch:
                case {"ids": ids, "keep": keep, "system": target, "severity": sev}:
                    logits = model(ids, keep)
                case _:
                    raise KeyError(f"malformed batch: {sorted(batch)}")
            per_item = F.cross_entropy(logits, target, reduction="none")
            weights = sev_weight[sev]
            loss = (per_item * weights).sum() / weights.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: mean weighted loss {total / math.ceil(len(LOGBOOK) / cfg.batch_size):.4f}")
    return model


if __name__ == "__main__":
    cfg = TrainConfig()
    print(f"vocab={len(VOCAB)} systems={[s.name for s in AtaSystem]} severities={[s.name for s in Severity]}")
    model = train(cfg)
    model.eval()
    with torch.no_grad():
        probe = torch.tensor([encode("hyd pump 2 pressure low", cfg.max_len)])
        pred = model(probe, probe != VOCAB["[PAD]"]).argmax(-1).item()
    print("probe ->", AtaSystem(pred).name)
