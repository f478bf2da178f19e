import functools
import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class FlowConfig:
    n_numeric: int = 6
    n_protocols: int = 3
    n_port_buckets: int = 32
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    max_flows: int = 48
    n_classes: int = 4
    batch_size: int = 32
    epochs: int = 2
    lr: float = 3e-4
    seed: int = 7


CLASSES = ["benign", "portscan", "c2_beacon", "exfil"]


@functools.lru_cache(maxsize=16)
def sinusoid_table(n_pos: int, dim: int, device=None) -> torch.Tensor:
    pos = torch.arange(n_pos, dtype=torch.float32, device=device).unsqueeze(1)
    div = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32, device=device) * (-math.log(10000.0) / dim))
    table = torch.zeros(n_pos, dim, device=device)
    table[:, 0::2] = torch.sin(pos * div)
    table[:, 1::2] = torch.cos(pos * div)
    return table


def synth_host_window(label: int, cfg: FlowConfig, rng: np.random.Generator):
    n = int(rng.integers(12, cfg.max_flows + 1))
    dur = rng.exponential(2.0, n)
    bytes_fwd = rng.lognormal(6, 1.5, n)
    bytes_bwd = rng.lognormal(7, 1.5, n)
    pkts = rng.poisson(12, n) + 1
    iat = rng.exponential(5.0, n)
    ports = rng.integers(0, cfg.n_port_buckets, n)
    proto = rng.choice(cfg.n_protocols, n, p=[0.7, 0.25, 0.05])
    if label == 1:
        ports = np.arange(n) % cfg.n_port_buckets
        bytes_fwd = rng.lognormal(3, 0.3, n)
        pkts = np.ones(n)
    elif label == 2:
        iat = np.full(n, 30.0) + rng.normal(0, 0.5, n)
        ports[:] = 5
    elif label == 3:
        bytes_fwd = rng.lognormal(11, 0.8, n)
    syn_ratio = rng.uniform(0, 1, n)
    numeric = np.stack([np.log1p(dur), np.log1p(bytes_fwd), np.log1p(bytes_bwd),
                        np.log1p(pkts), np.log1p(iat), syn_ratio], axis=1)
    return numeric.astype(np.float32), ports.astype(np.int64), proto.astype(np.int64)


class HostWindowDataset(Dataset):
    def __init__(self, n_windows: int, cfg: FlowConfig, seed: int):
        rng = np.random.default_rng(seed)
        self.cfg = cfg
        self.items = []
        for _ in range(n_windows):
            y = int(rng.integers(0, cfg.n_classes))
            self.items.append((*synth_host_window(y, cfg, rng), y))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        num, ports, proto, y = self.items[idx]
        L, T = len(ports), self.cfg.max_flows
        num_p = np.zeros((T, num.shape[1]), dtype=np.float32)
        num_p[:L] = num
        ports_p = np.zeros(T, dtype=np.int64)
        ports_p[:L] = ports
        proto_p = np.zeros(T, dtype=np.int64)
        proto_p[:L] = proto
        pad = np.ones(T, dtype=bool)
        pad[:L] = False
        return (torch.from_numpy(num_p), torch.from_numpy(ports_p), torch.from_numpy(proto_p),
                torch.from_numpy(pad), torch.tensor(y))


class FlowSeqClassifier(nn.Module):
    def __init__(self, cfg: FlowConfig):
        super().__init__()
        self.d_model = cfg.d_model
        self.in_proj = nn.Linear(cfg.n_numeric, cfg.d_model)
        self.port_emb = nn.Embedding(cfg.n_port_buckets, cfg.d_model)
        self.proto_emb = nn.Embedding(cfg.n_protocols, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=cfg.d_model * 2,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.n_classes)

    def forward(self, num, ports, proto, pad_mask):
        T = num.size(1)
        pos = sinusoid_table(T, self.d_model, device=num.device)
        h = self.in_proj(num) + self.port_emb(ports) + self.proto_emb(proto) + pos
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(self.norm(pooled))


def check_shapes(cfg: FlowConfig):
    with torch.device("meta"):
        probe = FlowSeqClassifier(cfg)
        num = torch.empty(cfg.batch_size, cfg.max_flows, cfg.n_numeric)
        ports = torch.zeros(cfg.batch_size, cfg.max_flows, dtype=torch.long)
        proto = torch.zeros(cfg.batch_size, cfg.max_flows, dtype=torch.long)
        pad = torch.zeros(cfg.batch_size, cfg.max_flows, dtype=torch.bool)
        out = probe(num, ports, proto, pad)
    n_params = sum(p.numel() for p in probe.parameters())
    assert out.shape == (cfg.batch_size, cfg.n_classes), out.shape
    print(f"[dry-run] logits {tuple(out.shape)}, {n_params / 1e3:.1f}k params (~{n_params * 4 / 2**20:.2f} MiB)")


def run_epoch(model, loader, opt, device, train=True):
    model.train(train)
    tot_loss, correct, seen = 0.0, 0, 0
    for num, ports, proto, pad, y in loader:
        num, ports, proto, pad, y = (t.to(device) for t in (num, ports, proto, pad, y))
        with torch.set_grad_enabled(train):
            logits = model(num, ports, proto, pad)
            loss = F.cross_entropy(logits, y)
        if train:
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        tot_loss += loss.item() * y.size(0)
        correct += (logits.argmax(-1) == y).sum().item()
        seen += y.size(0)
    return tot_loss / seen, correct / seen


def main():
    cfg = FlowConfig()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    check_shapes(cfg)

    train_ds = HostWindowDataset(256, cfg, seed=cfg.seed)
    val_ds = HostWindowDataset(64, cfg, seed=cfg.seed + 1)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = FlowSeqClassifier(cfg).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    for epoch in range(cfg.epochs):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt, device, train=True)
        va_loss, va_acc = run_epoch(model, val_dl, opt, device, train=False)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2%}  val {va_loss:.3f}/{va_acc:.2%}")


if __name__ == "__main__":
    main()
