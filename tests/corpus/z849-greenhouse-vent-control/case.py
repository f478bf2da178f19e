"""Vent actuator policy for the tomato glasshouse controller (runs on the PLC's companion MCU).

Climate readings are quantised per channel into fixed bins (same tables as the
firmware uses), embedded, run through a tiny GRU and mapped to one of three
vent commands for the next 5-minute slot.
"""
from dataclasses import dataclass
from typing import Final

import torch
import torch.nn as nn
from torch import Tensor

SEED: Final[int] = 11
N_BINS: Final[int] = 32
EMB_DIM: Final[int] = 12
GRU_DIM: Final[int] = 24
PARAM_BUDGET: Final[int] = 20_000
CHANNELS: Final[tuple[str, ...]] = ("air_temp", "rel_hum", "co2")
# lower edge and bin width per channel, copied from firmware/quant_tables.h
CH_LOW: Final[tuple[float, ...]] = (8.0, 30.0, 300.0)
CH_STEP: Final[tuple[float, ...]] = (1.0, 2.2, 40.0)
ACTIONS: Final[tuple[str, ...]] = ("close", "hold", "open")

# one log per compartment: (temp degC, RH %, CO2 ppm) every 5 minutes
COMPARTMENT_LOGS: Final[dict[str, list[tuple[float, float, float]]]] = {
    "K1-east": [(18.2, 71.0, 640.0), (19.0, 70.4, 655.0), (20.3, 69.1, 690.0), (21.7, 66.0, 720.0),
                (23.1, 63.5, 760.0), (24.6, 61.2, 805.0)],
    "K2-west": [(16.4, 82.0, 520.0), (16.9, 83.5, 515.0), (17.2, 85.1, 505.0), (17.0, 86.8, 498.0),
                (16.8, 88.2, 490.0), (16.5, 89.0, 488.0)],
    "K3-prop": [(25.9, 58.0, 980.0), (26.4, 56.5, 1010.0), (27.0, 55.2, 1040.0), (27.8, 54.0, 1075.0),
                (28.1, 52.7, 1100.0), (28.5, 51.9, 1120.0)],
}
TARGET_ACTIONS: Final[dict[str, int]] = {"K1-east": 2, "K2-west": 0, "K3-prop": 2}


@dataclass(frozen=True)
class PolicyConfig:
    n_bins: int = N_BINS
    emb_dim: int = EMB_DIM
    gru_dim: int = GRU_DIM
    n_actions: int = len(ACTIONS)


class Quantizer(nn.Module):
    """Saturating uniform quantiser, identical to the firmware's."""

    def __init__(self, n_bins: int) -> None:
        super().__init__()
        self.n_bins = n_bins
        self.register_buffer("low", torch.tensor(CH_LOW))
        self.register_buffer("step", torch.tensor(CH_STEP))

    def forward(self, raw: Tensor) -> Tensor:
        bin_ids = torch.floor((raw - self.low) / self.step)
        return bin_ids.clamp(0, self.n_bins - 1)


class VentPolicy(nn.Module):
    def __init__(self, cfg: PolicyConfig) -> None:
        super().__init__()
        self.quant = Quantizer(cfg.n_bins)
        self.tables = nn.ModuleDict({ch: nn.Embedding(cfg.n_bins, cfg.emb_dim) for ch in CHANNELS})
        self.rnn = nn.GRU(len(CHANNELS) * cfg.emb_dim, cfg.gru_dim, batch_first=True)
        self.head = nn.Sequential(nn.Linear(cfg.gru_dim, cfg.gru_dim), nn.Tanh(), nn.Linear(cfg.gru_dim, cfg.n_actions))

    def forward(self, readings: Tensor) -> Tensor:
        # readings: (batch, time, channel) in physical units
        codes: Tensor = self.quant(readings)
        per_channel = [self.tables[ch](codes[..., i]) for i, ch in enumerate(CHANNELS)]
        seq: Tensor = torch.cat(per_channel, dim=-1)
        _, last = self.rnn(seq)
        return self.head(last[-1])


def export_ready(model: nn.Module) -> bool:
    counts = {name: sum(p.numel() for p in mod.parameters()) for name, mod in model.named_children()}
    for name, n in counts.items():
        print(f"  {name:<7}{n:>7}")
    total = sum(counts.values())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f"  total  {total:>7} (trainable {trainable}, budget {PARAM_BUDGET})")
    return total <= PARAM_BUDGET


def stack_logs(logs: dict[str, list[tuple[float, float, float]]]) -> tuple[list[str], Tensor]:
    names = sorted(logs)
    return names, torch.tensor([logs[n] for n in names], dtype=torch.float32)


def main() -> None:
    torch.manual_seed(SEED)
    policy = VentPolicy(PolicyConfig())
    print("parameter check:")
    assert export_ready(policy), "policy exceeds MCU budget"

    names, readings = stack_logs(COMPARTMENT_LOGS)
    target = torch.tensor([TARGET_ACTIONS[n] for n in names])
    optim = torch.optim.Adam(policy.parameters(), lr=1e-2)
    for epoch in range(40):
        logits = policy(readings)
        loss = nn.functional.cross_entropy(logits, target)
        optim.zero_grad()
        loss.backward()
        optim.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch:02d}  loss={loss.item():.4f}")

    policy.eval()
    with torch.no_grad():
        chosen = policy(readings).argmax(-1).tolist()
    for name, a in zip(names, chosen):
        print(f"{name}: {ACTIONS[a]}")


if __name__ == "__main__":
    main()
