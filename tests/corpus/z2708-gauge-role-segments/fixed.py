import os
import random
from typing import NamedTuple, List, Dict, Callable

import numpy as np
import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "gauge_vocab.txt")


class GaugeReading(NamedTuple):
    station: str
    role: str
    hour: int
    stage_m: float
    flow_cms: float
    rain_mm: float


class ReachSample(NamedTuple):
    readings: List[GaugeReading]
    target_stage: float


def stage_token(r: GaugeReading) -> str:
    if r.stage_m > 3.5:
        return "stage_flood"
    if r.stage_m > 2.0:
        return "stage_high"
    return "stage_normal"


def flow_token(r: GaugeReading) -> str:
    return "flow_high" if r.flow_cms > 120.0 else "flow_low"


def rain_token(r: GaugeReading) -> str:
    if r.rain_mm > 10.0:
        return "rain_heavy"
    return "rain_light" if r.rain_mm > 0.5 else "rain_none"


FEATURES: Dict[str, Callable[[GaugeReading], str]] = {
    "stage": stage_token,
    "flow": flow_token,
    "rain": rain_token,
}

STATIONS = [("kx-101", "upstream"), ("kx-205", "downstream"), ("mill-creek", "tributary")]


def write_vocab(path):
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words += ["stage_flood", "stage_high", "stage_normal", "flow_high", "flow_low",
              "rain_heavy", "rain_light", "rain_none"]
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")


def simulate_reach(rng, hours=4):
    readings = []
    base = rng.uniform(0.8, 3.0)
    for station, role in STATIONS:
        for h in range(hours):
            rain = max(0.0, rng.gauss(3.0, 5.0))
            stage = base + 0.05 * rain + rng.gauss(0, 0.3)
            readings.append(GaugeReading(station, role, h, stage, 40 * stage + rng.gauss(0, 10), rain))
    target = base + 0.1 * sum(r.rain_mm for r in readings) / len(readings)
    return ReachSample(readings, target)


def encode_sample(sample, tokenizer, role_index, max_length):
    tokens, segments = ["[CLS]"], [0]
    for r in sample.readings:
        words = [fn(r) for fn in FEATURES.values()]
        tokens.extend(words)
        segments.extend([role_index[r.role]] * len(words))
    tokens.append("[SEP]")
    segments.append(segments[-1])
    ids = tokenizer.convert_tokens_to_ids(tokens)[:max_length]
    return ids, segments[:max_length]


class StagePredictor(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.head = nn.Linear(config.hidden_size, 1)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                           attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0]).squeeze(-1)


def collate(encoded, targets):
    width = max(len(ids) for ids, _ in encoded)
    ids = torch.zeros(len(encoded), width, dtype=torch.long)
    seg = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for i, (row_ids, row_seg) in enumerate(encoded):
        ids[i, : len(row_ids)] = torch.tensor(row_ids)
        seg[i, : len(row_seg)] = torch.tensor(row_seg)
        mask[i, : len(row_ids)] = 1
    return ids, seg, mask, torch.tensor(targets, dtype=torch.float)


def train(*, samples, tokenizer, role_index, num_segments=2, hidden=32, layers=1, heads=2,
          max_length=64, batch_size=8, epochs=2, lr=3e-4, seed=0):
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=hidden * 2,
        max_position_embeddings=max_length,
        type_vocab_size=num_segments,
    )
    model = StagePredictor(config)
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    encoded = [encode_sample(s, tokenizer, role_index, max_length) for s in samples]
    targets = [s.target_stage for s in samples]
    for epoch in range(epochs):
        order = list(range(len(samples)))
        random.shuffle(order)
        total = 0.0
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            ids, seg, mask, y = collate([encoded[i] for i in idx], [targets[i] for i in idx])
            pred = model(ids, seg, mask)
            loss = loss_fn(pred, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch} mse {total / len(samples):.4f}")
    return model


def main():
    rng = random.Random(7)
    np.random.seed(7)
    random.seed(7)
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    samples = [simulate_reach(rng) for _ in range(48)]
    roles = sorted({r.role for s in samples for r in s.readings})
    role_index = {role: i for i, role in enumerate(roles)}
    print("roles:", role_index)
    train(samples=samples, tokenizer=tokenizer, role_index=role_index,
          num_segments=len(role_index), max_length=64, batch_size=8, epochs=2)


if __name__ == "__main__":
    main()
