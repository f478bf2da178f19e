"""Speed-token transformer for short-term congestion classification.

Each detector's last `window` 5-min speeds are discretised into tokens
(spd0 ... spdN, or `gap` for dropped readings), encoded with a tiny BERT,
mixed with a one-hop neighbour average over the sensor graph and classified
into free-flow / slow / jammed for the next interval.
"""
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass
class TokCfg:
    n_sensors: int = 16
    n_steps: int = 400
    window: int = 12
    n_bins: int = 12
    max_speed: float = 80.0
    dropout_rate: float = 0.1
    hidden: int = 32
    link_km: float = 2.0
    steps: int = 20
    seed: int = 3


HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "speed_vocab.txt")


def write_vocab(cfg):
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "gap"] + [f"spd{b}" for b in range(cfg.n_bins)]
    with open(VOCAB_PATH, "w") as fh:
        fh.write("\n".join(toks) + "\n")
    return len(toks)


def sensor_graph(cfg, rng):
    xy = rng.uniform(0, 6, size=(cfg.n_sensors, 2))
    pairs = [(i, j, float(np.hypot(*(xy[i] - xy[j]))))
             for i in range(cfg.n_sensors) for j in range(cfg.n_sensors) if i != j]
    src = [i for i, j, d in pairs if d < cfg.link_km]
    dst = [j for i, j, d in pairs if d < cfg.link_km]
    edge_index = torch.tensor([src, dst], dtype=torch.long)
    deg = torch.zeros(cfg.n_sensors).index_add_(0, edge_index[1], torch.ones(len(dst)))
    return edge_index, deg.clamp(min=1.0)


def synth_speeds(cfg, rng):
    t = np.arange(cfg.n_steps)
    peak = np.exp(-((t % 288 - 100) / 18.0) ** 2)
    sens = rng.uniform(0.3, 1.0, size=cfg.n_sensors)
    v = 70 - 45 * peak[:, None] * sens[None, :] + rng.normal(0, 3, size=(cfg.n_steps, cfg.n_sensors))
    v = np.clip(v, 3, cfg.max_speed - 1)
    missing = rng.uniform(size=v.shape) < cfg.dropout_rate
    return v, missing


def to_text(speeds, missing, cfg):
    bins = np.minimum((speeds / cfg.max_speed * cfg.n_bins).astype(int), cfg.n_bins - 1)
    return " ".join("gap" if m else f"spd{b}" for b, m in zip(bins, missing))


def congestion_label(v):
    return 0 if v > 55 else (1 if v > 30 else 2)


def sample_batch(cfg, speeds, missing, tokenizer, rng):
    t0 = int(rng.integers(0, cfg.n_steps - cfg.window - 1))
    texts, observed, labels = [], [], []
    for s in range(cfg.n_sensors):
        seg = speeds[t0:t0 + cfg.window, s]
        miss = missing[t0:t0 + cfg.window, s]
        texts.append(to_text(seg, miss, cfg))
        observed.append(~miss)
        labels.append(congestion_label(speeds[t0 + cfg.window, s]))
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    obs_mask = nn.functional.pad(torch.tensor(np.stack(observed), dtype=torch.long), (1, 1), value=1)
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": obs_mask,
        "labels": torch.tensor(labels),
    }


class GraphBert(nn.Module):
    def __init__(self, cfg, vocab_size, edge_index, deg):
        super().__init__()
        bcfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64,
                          max_position_embeddings=cfg.window + 8)
        self.encoder = BertModel(bcfg)
        self.register_buffer("edge_index", edge_index)
        self.register_buffer("deg", deg)
        self.mix = nn.Linear(2 * cfg.hidden, cfg.hidden)
        self.cls = nn.Linear(cfg.hidden, 3)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        h = out.last_hidden_state[:, 0]
        src, dst = self.edge_index
        neigh = torch.zeros_like(h).index_add_(0, dst, h.index_select(0, src)) / self.deg[:, None]
        z = torch.tanh(self.mix(torch.cat([h, neigh], dim=-1)))
        return self.cls(z)


def main():
    cfg = TokCfg()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    vocab_size = write_vocab(cfg)
    tokenizer = BertTokenizer(VOCAB_PATH)
    edge_index, deg = sensor_graph(cfg, rng)
    speeds, missing = synth_speeds(cfg, rng)

    model = GraphBert(cfg, vocab_size, edge_index, deg)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    crit = nn.CrossEntropyLoss()
    for step in range(cfg.steps):
        batch = sample_batch(cfg, speeds, missing, tokenizer, rng)
        logits = model(batch["input_ids"], batch["attention_mask"])
        loss = crit(logits, batch["labels"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            acc = (logits.argmax(-1) == batch["labels"]).float().mean().item()
            print(f"step {step:02d} loss {loss.item():.3f} acc {acc:.2f}")
    os.remove(VOCAB_PATH)


if __name__ == "__main__":
    main()
