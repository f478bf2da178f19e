"""Acoustic event classifier for the drifting hydrophone buoy (Cortex-A53 board).

Weights come from the shore-side training box as a plain state_dict. On the
buoy we build the network on the meta device first so the parameter budget can
be checked without allocating anything, then materialise it on the CPU and load
the shipped weights.
"""
import math
from typing import Final

import torch
import torch.nn as nn
from torch import Tensor

SEED: Final[int] = 3
SAMPLE_RATE: Final[int] = 4000
FRAME_LEN: Final[int] = 256
N_BINS: Final[int] = FRAME_LEN // 2 + 1
HIDDEN: Final[int] = 48
EVENTS: Final[tuple[str, ...]] = ("humpback", "vessel", "ice_crack", "background")
PLAN_DEVICE: Final[torch.device] = torch.device("meta")
RUN_DEVICE: Final[torch.device] = torch.device("cpu")
MAX_PARAMS: Final[int] = 25_000

# (buoy id, dominant tone Hz, amplitude) of the frames flagged by the energy trigger
TRIGGERED: Final[list[tuple[str, float, float]]] = [
    ("HB-04", 310.0, 0.8), ("HB-04", 95.0, 0.5), ("HB-07", 1220.0, 0.3),
    ("HB-07", 42.0, 0.9), ("HB-11", 640.0, 0.4),
]


class LogSpectrum(nn.Module):
    def __init__(self, frame_len: int) -> None:
        super().__init__()
        self.register_buffer("window", torch.hann_window(frame_len))
        # per-bin normalisation statistics from the training set
        self.register_buffer("bin_mean", torch.zeros(frame_len // 2 + 1))
        self.register_buffer("bin_std", torch.ones(frame_len // 2 + 1))

    def forward(self, frames: Tensor) -> Tensor:
        spec = torch.fft.rfft(frames * self.window, dim=-1).abs()
        return (torch.log1p(spec) - self.bin_mean) / self.bin_std


class EventNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stages = nn.ModuleDict({
            "front": LogSpectrum(FRAME_LEN),
            "body": nn.Sequential(
                nn.Linear(N_BINS, HIDDEN), nn.ReLU(),
                nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
            ),
            "out": nn.Linear(HIDDEN, len(EVENTS)),
        })

    def forward(self, frames: Tensor) -> Tensor:
        feats: Tensor = self.stages["front"](frames)
        return self.stages["out"](self.stages["body"](feats))


def export_ready(model: nn.Module) -> bool:
    n_params = sum(p.numel() for p in model.parameters())
    n_buffers = sum(b.numel() for b in model.buffers())
    per_stage = {k: sum(p.numel() for p in v.parameters()) for k, v in model.stages.items()}
    print(f"params={n_params} buffers={n_buffers} per_stage={per_stage} budget={MAX_PARAMS}")
    return n_params <= MAX_PARAMS


def synth_frames(events: list[tuple[str, float, float]], gen: torch.Generator) -> Tensor:
    t = torch.arange(FRAME_LEN, dtype=torch.float32) / SAMPLE_RATE
    rows = []
    for _, tone, amp in events:
        noise = 0.05 * torch.randn(FRAME_LEN, generator=gen)
        rows.append(amp * torch.sin(2 * math.pi * tone * t) + noise)
    return torch.stack(rows)


def shore_side_weights() -> dict[str, Tensor]:
    # stands in for torch.load("eventnet_v3.pt") which the uplink delivers
    trained = EventNet()
    trained.stages["front"].bin_mean.fill_(0.2)
    trained.stages["front"].bin_std.fill_(0.6)
    return trained.state_dict()


def main() -> None:
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    shipped = shore_side_weights()

    with PLAN_DEVICE:
        planned = EventNet()
    if not export_ready(planned):
        raise SystemExit("EventNet over budget for the buoy board")

    net = planned.to_empty(device=RUN_DEVICE)
    net.load_state_dict(shipped)
    net.eval()

    frames = synth_frames(TRIGGERED, gen).to(RUN_DEVICE)
    with torch.no_grad():
        probs = net(frames).softmax(-1)
    for (buoy, tone, _), p in zip(TRIGGERED, probs):
        k = int(p.argmax())
        print(f"{buoy} ~{tone:6.0f} Hz -> {EVENTS[k]:<11} p={p[k]:.2f}")


if __name__ == "__main__":
    main()
