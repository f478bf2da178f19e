"""Predict pump failure within 30 days from the maintenance event log (event type + time since last event)."""
import asyncio
import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

EVENTS = ["<pad>", "inspection", "vibration_alarm", "seal_replaced", "bearing_greased", "pressure_drop",
          "impeller_cleaned", "motor_trip", "restart", "oil_sampled", "cavitation_noise"]
EV = {e: i for i, e in enumerate(EVENTS)}

MAX_GAP_MINUTES = 100_000                                    # anything longer counts as "long ago"
NUM_GAP_BUCKETS = int(math.log10(MAX_GAP_MINUTES)) + 2       # 0 for same minute, then one per decade

# pump id -> ([(event, minutes since previous event), ...], failed within 30 days)
LOGS = {
    "P-101": ([("inspection", 0), ("vibration_alarm", 4320), ("bearing_greased", 95), ("motor_trip", 20160)], 1),
    "P-102": ([("inspection", 0), ("oil_sampled", 43200), ("inspection", 40320)], 0),
    "P-103": ([("pressure_drop", 0), ("cavitation_noise", 12), ("impeller_cleaned", 600), ("restart", 30),
               ("pressure_drop", 7200)], 1),
    "P-104": ([("inspection", 0), ("seal_replaced", 86400)], 0),
    "P-105": ([("motor_trip", 0), ("restart", 5), ("motor_trip", 180), ("restart", 3)], 1),
    "P-106": ([("oil_sampled", 0), ("inspection", 10080), ("bearing_greased", 2), ("inspection", 64800)], 0),
}


@dataclass
class Batch:
    events: torch.Tensor
    gaps: torch.Tensor
    pad: torch.Tensor
    target: torch.Tensor


def gap_bucket(gaps):
    gaps = gaps.clamp(max=MAX_GAP_MINUTES).float()
    return torch.where(gaps < 1, torch.zeros_like(gaps), torch.floor(torch.log10(gaps.clamp(min=1))) + 1).long()


class EventLogEncoder(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.event_emb = nn.Embedding(len(EVENTS), d, padding_idx=0)
        self.gap_emb = nn.Embedding(NUM_GAP_BUCKETS, d)
        layer = nn.TransformerEncoderLayer(d, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(d, 2)

    def forward(self, events, gaps, pad):
        x = self.event_emb(events) + self.gap_emb(gap_bucket(gaps))
        h = self.encoder(x, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.head(pooled)


async def read_log(pump_id):
    await asyncio.sleep(0)  # stands in for the CMMS export call
    return pump_id, LOGS[pump_id]


def to_batch(records):
    width = max(len(seq) for _, (seq, _) in records)
    ev = torch.zeros(len(records), width, dtype=torch.long)
    gp = torch.zeros(len(records), width, dtype=torch.long)
    pad = torch.ones(len(records), width, dtype=torch.bool)
    for row, (_, (seq, _)) in enumerate(records):
        for col, (name, gap) in enumerate(seq):
            ev[row, col], gp[row, col], pad[row, col] = EV[name], gap, False
    tgt = torch.tensor([failed for _, (_, failed) in records])
    return Batch(ev, gp, pad, tgt)


async def producer(queue, pump_ids, batch_size=3):
    records = await asyncio.gather(*(read_log(p) for p in pump_ids))
    for start in range(0, len(records), batch_size):
        await queue.put(to_batch(records[start:start + batch_size]))
    await queue.put(None)


async def consumer(queue):
    batches = []
    while True:
        b = await queue.get()
        if b is None:
            return batches
        batches.append(b)


def fit(model, batches, epochs=3):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(epochs):
        total = 0.0
        for b in batches:
            logits = model(b.events, b.gaps, b.pad)
            loss = F.cross_entropy(logits, b.target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(batches):.4f}")


async def main():
    queue = asyncio.Queue(maxsize=2)
    pumps = sorted(LOGS)
    print(f"{len(pumps)} pumps, {NUM_GAP_BUCKETS} gap buckets")
    _, batches = await asyncio.gather(producer(queue, pumps), consumer(queue))
    fit(EventLogEncoder(), batches)


if __name__ == "__main__":
    asyncio.run(main())
