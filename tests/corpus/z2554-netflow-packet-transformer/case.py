from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset


@dataclass
class FlowConfig:
    n_features: int = 6          # size, direction, iat, tcp flags (3 bits)
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    max_len: int = 128
    classes: tuple = ("benign", "portscan", "ddos", "exfil", "c2_beacon")
    batch_size: int = 32
    lr: float = 5e-4
    epochs: int = 2
    seed: int = 0
    flow_len_range: tuple = field(default=(8, 220))


def synth_flows(cfg, n_flows):
    rng = np.random.default_rng(cfg.seed)
    flows, labels = [], []
    lo, hi = cfg.flow_len_range
    for _ in range(n_flows):
        y = int(rng.integers(len(cfg.classes)))
        n_pkts = int(rng.integers(lo, hi))
        size = rng.normal(400 + 200 * y, 150, n_pkts).clip(40, 1500) / 1500.0
        direction = rng.integers(0, 2, n_pkts).astype(np.float32)
        iat = np.log1p(rng.exponential(0.05 * (y + 1), n_pkts))
        flags = rng.integers(0, 2, (n_pkts, 3)).astype(np.float32)
        pkts = np.column_stack([size, direction, iat, flags]).astype(np.float32)
        flows.append(pkts)
        labels.append(y)
    return flows, labels


class FlowDataset(Dataset):
    def __init__(self, flows, labels, max_len=None):
        self.flows = flows
        self.labels = labels
        self.max_len = max_len

    def __len__(self):
        return len(self.flows)

    def __getitem__(self, idx):
        pkts = torch.from_numpy(self.flows[idx])
        if self.max_len is not None:
            pkts = pkts[: self.max_len]
        return pkts, self.labels[idx]


def collate_flows(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([s.size(0) for s in seqs])
    x = pad_sequence(seqs, batch_first=True)
    pad_mask = torch.arange(x.size(1))[None, :] >= lengths[:, None]
    return x, pad_mask, torch.tensor(labels)


class FlowTransformer(nn.Module):
    def __init__(self, cfg: FlowConfig):
        super().__init__()
        self.proj = nn.Linear(cfg.n_features, cfg.d_model)
        self.pos = nn.Embedding(cfg.max_len, cfg.d_model)
        layer = nn.TransformerEncoderLayer(
            cfg.d_model, cfg.n_heads, dim_feedforward=4 * cfg.d_model,
            dropout=0.1, batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.cls = nn.Linear(cfg.d_model, len(cfg.classes))

    def forward(self, x, pad_mask):
        positions = torch.arange(x.size(1), device=x.device).unsqueeze(0)
        h = self.proj(x) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.cls(pooled)


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    crit = nn.CrossEntropyLoss()
    total_loss, correct, seen = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for x, pad_mask, y in loader:
            logits = model(x, pad_mask)
            loss = crit(logits, y)
            if training:
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
            total_loss += loss.item() * y.size(0)
            correct += (logits.argmax(1) == y).sum().item()
            seen += y.size(0)
    return total_loss / seen, correct / seen


def main():
    cfg = FlowConfig()
    torch.manual_seed(cfg.seed)
    flows, labels = synth_flows(cfg, 192)
    cut = 160
    train_ds = FlowDataset(flows[:cut], labels[:cut])
    val_ds = FlowDataset(flows[cut:], labels[cut:])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate_flows)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size, collate_fn=collate_flows)

    model = FlowTransformer(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        tr_loss, tr_acc = run_epoch(model, train_dl, optimizer)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"[{epoch}] train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
