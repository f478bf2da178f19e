"""Wayside bearing-fault classifier for the trackside acoustic detector (TADS) box.

Each axle passing the microphone array is vector-quantised on the DSP into a
short sequence of codebook indices. This module classifies the sequence into
a fault class and is meant to be exported to the ARM gateway, so it has to stay
under the parameter budget of the int8 runtime.
"""
import logging
import math
from typing import Final

import torch
import torch.nn as nn
from torch import Tensor

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("tads.bearing")

SEED: Final[int] = 7
N_CODES: Final[int] = 64          # VQ codebook size on the DSP
FRAME_LEN: Final[int] = 20        # codes per axle pass
EMBED_DIM: Final[int] = 32
HEAD_DIM: Final[int] = 24
N_MIXER_BLOCKS: Final[int] = 2
MAX_PARAMS: Final[int] = 40_000   # int8 runtime budget
FAULT_NAMES: Final[tuple[str, ...]] = ("healthy", "outer_race", "inner_race", "roller")

# (train id, axle position, number of valid codes) from last night's passes
PASSES: Final[list[tuple[str, int, int]]] = [
    ("IC-2231", 1, 20), ("IC-2231", 4, 18), ("FR-7710", 2, 20),
    ("FR-7710", 9, 14), ("RE-0457", 3, 20), ("RE-0457", 6, 11),
]


class SinusoidalTable(nn.Module):
    def __init__(self, length: int, dim: int) -> None:
        super().__init__()
        pos = torch.arange(length, dtype=torch.float32).unsqueeze(1)
        div = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
        table = torch.zeros(length, dim)
        table[:, 0::2] = torch.sin(pos * div)
        table[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("table", table, persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.table[: x.size(1)]


class ConvMixer(nn.Module):
    """Depthwise temporal conv + pointwise MLP, both residual."""

    def __init__(self, dim: int, kernel: int = 5) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.dw = nn.Conv1d(dim, dim, kernel, padding=kernel // 2, groups=dim)
        self.mlp = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, h: Tensor) -> Tensor:
        h = h + self.dw(self.norm(h).transpose(1, 2)).transpose(1, 2)
        return h + self.mlp(h)


class MeanMaxPool(nn.Module):
    def forward(self, h: Tensor, valid: Tensor) -> Tensor:
        w = valid.unsqueeze(-1).to(h.dtype)
        mean = (h * w).sum(1) / w.sum(1).clamp_min(1.0)
        peak = h.masked_fill(w == 0, float("-inf")).amax(1)
        return torch.cat([mean, peak], dim=-1)


class BearingNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.blocks = nn.ModuleDict({
            "embed": nn.Sequential(nn.Embedding(N_CODES, EMBED_DIM), SinusoidalTable(FRAME_LEN, EMBED_DIM)),
            "mixer": nn.Sequential(*[ConvMixer(EMBED_DIM) for _ in range(N_MIXER_BLOCKS)]),
            "pool": MeanMaxPool(),
            "head": nn.Sequential(
                nn.Linear(EMBED_DIM, HEAD_DIM),
                nn.ReLU(),
                nn.Linear(HEAD_DIM, len(FAULT_NAMES)),
            ),
        })
        # prior from the maintenance database, subtracted at inference (logit adjustment)
        self.register_buffer("log_prior", torch.log(torch.tensor([0.91, 0.04, 0.03, 0.02])))

    def forward(self, codes: Tensor, valid: Tensor) -> Tensor:
        h: Tensor = self.blocks["embed"](codes)
        h = self.blocks["mixer"](h)
        feats: Tensor = self.blocks["pool"](h, valid)
        logits: Tensor = self.blocks["head"](feats)
        return logits - self.log_prior


def export_ready(model: nn.Module) -> bool:
    total = 0
    for name, child in model.blocks.items():
        n = sum(p.numel() for p in child.parameters())
        log.info("  %-6s %6d params", name, n)
        total += n
    non_fp32 = [n for n, p in model.named_parameters() if p.dtype != torch.float32]
    log.info("total %d / budget %d", total, MAX_PARAMS)
    return total <= MAX_PARAMS and not non_fp32


def make_batch(passes: list[tuple[str, int, int]], gen: torch.Generator) -> tuple[Tensor, Tensor]:
    codes = torch.randint(1, N_CODES, (len(passes), FRAME_LEN), generator=gen)
    valid = torch.zeros(len(passes), FRAME_LEN, dtype=torch.bool)
    for row, (_, _, n_valid) in enumerate(passes):
        valid[row, :n_valid] = True
    return codes.masked_fill(~valid, 0), valid


def main() -> None:
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    model = BearingNet()
    if not export_ready(model):
        raise SystemExit("model does not fit the int8 runtime")

    codes, valid = make_batch(PASSES, gen)
    targets = torch.tensor([0, 0, 1, 0, 2, 3])
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for step in range(30):
        loss = nn.functional.cross_entropy(model(codes, valid), targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            log.info("step %02d loss %.4f", step, loss.item())

    model.eval()
    with torch.no_grad():
        pred = model(codes, valid).argmax(-1)
    for (train, axle, _), k in zip(PASSES, pred.tolist()):
        print(f"{train} axle {axle}: {FAULT_NAMES[k]}")


if __name__ == "__main__":
    main()
