from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

FLOW_FIELDS = [
    "duration_ms", "src_bytes", "dst_bytes", "src_pkts", "dst_pkts",
    "syn_flag", "ack_flag", "rst_flag", "fin_flag", "dst_port_bucket",
    "iat_mean", "iat_std",
]
ATTACK_CLASSES = ["benign", "dos", "portscan", "bruteforce", "exfil"]


@dataclass
class FlowConfig:
    n_features: int = len(FLOW_FIELDS)
    window: int = 32
    hidden_dim: int = 64
    num_layers: int = 2
    bidirectional: bool = True
    dropout: float = 0.2
    n_classes: int = len(ATTACK_CLASSES)
    batch_size: int = 64
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 1337
    class_weights: list = field(default_factory=lambda: [0.5, 1.0, 1.0, 1.5, 2.0])


def synth_flow_windows(cfg, n_per_class=80):
    rng = np.random.default_rng(cfg.seed)
    xs, ys = [], []
    for label, _ in enumerate(ATTACK_CLASSES):
        centre = rng.normal(0, 1, size=cfg.n_features) * (label + 1) * 0.3
        drift = rng.normal(0, 0.05, size=(1, cfg.n_features))
        t = np.arange(cfg.window)[:, None]
        for _ in range(n_per_class):
            noise = rng.normal(0, 1, size=(cfg.window, cfg.n_features))
            xs.append(centre + drift * t + noise)
            ys.append(label)
    x = np.stack(xs).astype(np.float32)
    y = np.array(ys, dtype=np.int64)
    return x, y


def standardize(train_x, other_x):
    mu = train_x.reshape(-1, train_x.shape[-1]).mean(0)
    sd = train_x.reshape(-1, train_x.shape[-1]).std(0) + 1e-6
    return (train_x - mu) / sd, (other_x - mu) / sd


class FlowSequenceClassifier(nn.Module):
    def __init__(self, cfg: FlowConfig):
        super().__init__()
        self.cfg = cfg
        self.input_norm = nn.LayerNorm(cfg.n_features)
        self.encoder = nn.GRU(
            input_size=cfg.n_features,
            hidden_size=cfg.hidden_dim,
            num_layers=cfg.num_layers,
            batch_first=True,
            bidirectional=cfg.bidirectional,
            dropout=cfg.dropout if cfg.num_layers > 1 else 0.0,
        )
        summary_dim = cfg.hidden_dim * (2 if cfg.bidirectional else 1)
        self.head = nn.Sequential(
            nn.Linear(summary_dim, cfg.hidden_dim // 2),
            nn.ReLU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden_dim // 2, cfg.n_classes),
        )

    def forward(self, flows):
        flows = self.input_norm(flows)
        _, h_n = self.encoder(flows)
        if self.cfg.bidirectional:
            summary = torch.cat([h_n[-2], h_n[-1]], dim=-1)
        else:
            summary = h_n[-1]
        return self.head(summary)


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            pred = model(xb).argmax(-1)
            correct += (pred == yb).sum().item()
            total += yb.numel()
    return correct / max(total, 1)


def main():
    cfg = FlowConfig()
    torch.manual_seed(cfg.seed)
    x, y = synth_flow_windows(cfg)
    full = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    n_val = len(full) // 5
    train_ds, val_ds = random_split(full, [len(full) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(cfg.seed))
    tr_idx, va_idx = train_ds.indices, val_ds.indices
    x_tr, x_va = standardize(x[tr_idx], x[va_idx])
    train_ds = TensorDataset(torch.from_numpy(x_tr), torch.from_numpy(y[tr_idx]))
    val_ds = TensorDataset(torch.from_numpy(x_va), torch.from_numpy(y[va_idx]))

    train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = FlowSequenceClassifier(cfg)
    criterion = nn.CrossEntropyLoss(weight=torch.tensor(cfg.class_weights))
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        epoch_loss = 0.0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            logits = model(xb)
            loss = criterion(logits, yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            epoch_loss += loss.item() * xb.size(0)
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch}: train_loss={epoch_loss / len(train_ds):.4f} val_acc={acc:.3f}")


if __name__ == "__main__":
    main()
