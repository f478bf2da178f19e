import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel


@dataclass
class RunCfg:
    n_sensors: int = 20
    n_steps: int = 480
    lookback: int = 12
    hidden: int = 32
    n_states: int = 3
    sigma: float = 2.0
    threshold: float = 0.05
    batch_size: int = 8
    epochs: int = 1
    lr: float = 5e-4
    seed: int = 11


def read_distance_table(cfg, rng):
    mile_marker = np.cumsum(rng.uniform(0.3, 1.2, size=cfg.n_sensors))
    road_class = (rng.random(cfg.n_sensors) < 0.3).astype(np.int64)
    table = []
    for i in range(cfg.n_sensors):
        for j in range(i + 1, cfg.n_sensors):
            table.append((i, j, float(mile_marker[j] - mile_marker[i])))
    return table, road_class


def build_adjacency(table, n, sigma, threshold):
    W = torch.eye(n)
    for i, j, d in table:
        w = math.exp(-(d ** 2) / (sigma ** 2))
        if w > threshold:
            W[i, j] = W[j, i] = w
    return W / W.sum(dim=1, keepdim=True)


def simulate_states(cfg, rng):
    occ = rng.uniform(0.05, 0.15, size=(cfg.n_steps, cfg.n_sensors))
    state = np.zeros((cfg.n_steps, cfg.n_sensors), dtype=np.int64)
    for _ in range(25):
        s = rng.integers(0, cfg.n_sensors)
        t0 = rng.integers(0, cfg.n_steps - 40)
        dur = rng.integers(10, 40)
        kind = rng.integers(1, cfg.n_states)
        state[t0:t0 + dur, max(0, s - 2):s + 1] = kind
        occ[t0:t0 + dur, max(0, s - 2):s + 1] += 0.25 * kind
    return occ.astype(np.float32), state


class OccupancyWindows(Dataset):
    def __init__(self, occ, state, lookback):
        self.occ = torch.from_numpy(occ)
        self.state = torch.from_numpy(state)
        self.lookback = lookback

    def __len__(self):
        return len(self.occ) - self.lookback

    def __getitem__(self, idx):
        window = self.occ[idx:idx + self.lookback].transpose(0, 1)
        return {"window": window, "state": self.state[idx + self.lookback - 1]}


class SensorTransformer(nn.Module):
    def __init__(self, cfg, adjacency, road_class):
        super().__init__()
        self.register_buffer("adj", adjacency)
        self.register_buffer("road_class", road_class)
        self.proj = nn.Linear(cfg.lookback, cfg.hidden)
        bert_cfg = BertConfig(
            vocab_size=8,
            hidden_size=cfg.hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=cfg.n_sensors,
            type_vocab_size=2,
        )
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.classifier = nn.Linear(cfg.hidden, cfg.n_states)

    def forward(self, window):
        h = self.proj(window)
        h = h + torch.einsum("nm,bmd->bnd", self.adj, h)
        token_types = self.road_class.unsqueeze(0).expand(h.shape[0], -1)
        out = self.encoder(inputs_embeds=h, token_type_ids=token_types)
        return self.classifier(out.last_hidden_state)


def main():
    cfg = RunCfg()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    table, road_class = read_distance_table(cfg, rng)
    adj = build_adjacency(table, cfg.n_sensors, cfg.sigma, cfg.threshold)
    occ, state = simulate_states(cfg, rng)

    counts = np.bincount(state.ravel(), minlength=cfg.n_states)
    class_weights = torch.tensor(counts.sum() / (cfg.n_states * np.maximum(counts, 1)), dtype=torch.float32)

    loader = DataLoader(OccupancyWindows(occ, state, cfg.lookback), batch_size=cfg.batch_size, shuffle=True)
    model = SensorTransformer(cfg, adj, torch.from_numpy(road_class))
    criterion = nn.CrossEntropyLoss(weight=class_weights)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        total = 0.0
        for step, batch in enumerate(loader):
            logits = model(batch["window"])
            loss = criterion(logits, batch["state"])
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            total += loss.item()
            if step % 20 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.4f}")
        print(f"epoch {epoch} mean loss {total / (step + 1):.4f}")


if __name__ == "__main__":
    main()
