import os
import math
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class ExpConfig:
    n_sensors: int = 30
    n_steps: int = 288 * 2
    window: int = 12
    n_speed_bins: int = 8
    speed_max: float = 80.0
    radius_km: float = 3.0
    hidden: int = 32
    batch_size: int = 32
    lr: float = 3e-4
    seed: int = 11
    seq_len: int = field(init=False)

    def __post_init__(self):
        # [CLS] sensor window [SEP] neighbour window [SEP]
        self.seq_len = 2 * self.window + 3


def write_vocab(cfg, path):
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    toks += [f"tod{h}" for h in range(24)]
    toks += [f"spd{b}" for b in range(cfg.n_speed_bins)]
    with open(path, "w") as fh:
        fh.write("\n".join(toks) + "\n")
    return path


def sensor_graph(cfg, rng):
    xy = rng.uniform(0, 12, size=(cfg.n_sensors, 2))
    dist_list = []
    for i in range(cfg.n_sensors):
        for j in range(cfg.n_sensors):
            if i != j:
                d = float(np.linalg.norm(xy[i] - xy[j]))
                if d <= cfg.radius_km:
                    dist_list.append((i, j, d))
    src = torch.tensor([r[0] for r in dist_list])
    dst = torch.tensor([r[1] for r in dist_list])
    w = torch.tensor([math.exp(-r[2]) for r in dist_list], dtype=torch.float32)
    return torch.stack([src, dst]), w


def neighbour_mean(speeds, edge_index, w):
    # speeds: (T, N)
    src, dst = edge_index
    msgs = speeds.index_select(1, src) * w
    out = torch.zeros_like(speeds).index_add_(1, dst, msgs)
    norm = torch.zeros(speeds.shape[1]).index_add_(0, dst, w)
    return torch.where(norm > 0, out / norm.clamp(min=1e-8), speeds)


def to_bins(x, cfg):
    b = (x / cfg.speed_max * cfg.n_speed_bins).long()
    return b.clamp(0, cfg.n_speed_bins - 1)


class SpeedSentenceDataset(Dataset):
    def __init__(self, speeds, nb_speeds, cfg, steps_per_hour=12):
        self.items = []
        own_bins = to_bins(speeds, cfg)
        nb_bins = to_bins(nb_speeds, cfg)
        T, N = speeds.shape
        for t0 in range(0, T - cfg.window - 1, 6):
            hour = (t0 + cfg.window) // steps_per_hour % 24
            for n in range(N):
                own = " ".join(f"spd{int(b)}" for b in own_bins[t0:t0 + cfg.window, n])
                nb = " ".join(f"spd{int(b)}" for b in nb_bins[t0:t0 + cfg.window, n])
                label = int(own_bins[t0 + cfg.window, n])
                self.items.append((f"tod{hour} {own}", nb, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def make_collate(tokenizer):
    def collate(batch):
        a, b, y = zip(*batch)
        enc = tokenizer(list(a), list(b), padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor(y)
        return enc
    return collate


def main():
    cfg = ExpConfig()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)

    edge_index, w = sensor_graph(cfg, rng)
    t = np.arange(cfg.n_steps)
    rush = 25 * (np.exp(-((t % 288 - 96) / 18) ** 2) + np.exp(-((t % 288 - 210) / 20) ** 2))
    speeds = 65 - rush[:, None] + rng.normal(0, 4, size=(cfg.n_steps, cfg.n_sensors))
    speeds = torch.tensor(np.clip(speeds, 3, 79), dtype=torch.float32)
    nb_speeds = neighbour_mean(speeds, edge_index, w)

    vocab_path = write_vocab(cfg, os.path.join(HERE, "speed_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)

    ds = SpeedSentenceDataset(speeds, nb_speeds, cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=make_collate(tokenizer))

    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=cfg.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=cfg.seq_len,
        type_vocab_size=2,
        num_labels=cfg.n_speed_bins,
    )
    model = BertForSequenceClassification(bert_cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    model.train()
    for step, batch in enumerate(loader):
        out = model(**batch)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        if step % 20 == 0:
            print(f"step {step} loss {out.loss.item():.4f}")
        if step == 60:
            break
    print("done; sequence length", batch["input_ids"].shape[1])


if __name__ == "__main__":
    main()
