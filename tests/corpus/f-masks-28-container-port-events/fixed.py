from dataclasses import dataclass, field
from typing import List, Optional

import torch
from torch import nn

torch.manual_seed(0)

MAX_LEN = 16
EVENTS = ["<pad>", "gate_in", "gate_out", "load", "discharge", "customs_hold", "customs_release",
          "reefer_alarm", "inspection", "yard_move", "rail_out", "vessel_delay"]
EVENT_ID = {e: i for i, e in enumerate(EVENTS)}

LOGS = [
    (["gate_in", "yard_move", "load"], 0),
    (["discharge", "customs_hold", "inspection", "customs_release", "gate_out"], 1),
    (["discharge", "yard_move", "rail_out"], 0),
    (["gate_in", "reefer_alarm", "inspection", "yard_move", "vessel_delay", "load"], 1),
    (["discharge", "gate_out"], 0),
    (["gate_in", "customs_hold", "yard_move", "customs_release", "load"], 1),
]


@dataclass
class Batch:
    rows: List[List[int]]
    targets: torch.Tensor
    tokens: Optional[torch.Tensor] = None
    keep: Optional[torch.Tensor] = None
    hidden: Optional[torch.Tensor] = None
    extras: dict = field(default_factory=dict)


class PadTokens:
    def __call__(self, batch):
        width = max(len(r) for r in batch.rows)
        padded = [r + [EVENT_ID["<pad>"]] * (width - len(r)) for r in batch.rows]
        batch.tokens = torch.tensor(padded)
        return batch


class BuildKeepMask:
    def __call__(self, batch):
        lengths = torch.tensor([len(r) for r in batch.rows])
        batch.keep = (torch.arange(int(lengths.max()))[None, :] < lengths[:, None])
        return batch


class Encode:
    def __init__(self, embed, encoder):
        self.embed, self.encoder = embed, encoder

    def __call__(self, batch):
        x = self.embed(batch.tokens)
        batch.hidden = self.encoder(x, src_key_padding_mask=~batch.keep)
        return batch


class MeanPool:
    def __call__(self, batch):
        w = batch.keep.unsqueeze(-1).float()
        batch.extras["pooled"] = (batch.hidden * w).sum(1) / w.sum(1)
        return batch


def run_pipeline(stages, batch):
    for stage in stages:
        batch = stage(batch)
    return batch


def main():
    embed = nn.Embedding(len(EVENTS), 24, padding_idx=0)
    layer = nn.TransformerEncoderLayer(d_model=24, nhead=4, dim_feedforward=48, batch_first=True)
    encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
    head = nn.Linear(24, 2)
    stages = [PadTokens(), BuildKeepMask(), Encode(embed, encoder), MeanPool()]

    params = list(embed.parameters()) + list(encoder.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=3e-3)
    rows = [[EVENT_ID[e] for e in events] for events, _ in LOGS]
    targets = torch.tensor([y for _, y in LOGS])
    print(f"{len(rows)} container logs, longest has {max(map(len, rows))} events")

    for epoch in range(5):
        batch = run_pipeline(stages, Batch(rows=rows, targets=targets))
        logits = head(batch.extras["pooled"])
        loss = nn.functional.cross_entropy(logits, batch.targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")

    encoder.eval()
    with torch.no_grad():
        batch = run_pipeline(stages, Batch(rows=rows, targets=targets))
        print("delay predictions:", head(batch.extras["pooled"]).argmax(-1).tolist())


if __name__ == "__main__":
    main()
