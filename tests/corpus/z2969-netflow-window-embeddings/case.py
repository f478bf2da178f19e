from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

ATTACKS = ["benign", "portscan", "ssh_bruteforce", "syn_flood"]
PROTOCOLS = {"tcp": 0, "udp": 1, "icmp": 2}
WINDOW = 16
STRIDE = 4


@dataclass
class FlowRecord:
    src_ip: str
    dst_port: int
    proto: str
    n_bytes: int
    n_pkts: int
    duration: float
    attack: str


def synth_flows(n):
    internal = [f"10.0.{rng.integers(0, 4)}.{h}" for h in range(1, 40)]
    scanners = [f"185.220.101.{h}" for h in range(1, 6)]
    flows = []
    phase = "benign"
    for _ in range(n):
        if rng.random() < 0.04:
            phase = ATTACKS[rng.integers(0, len(ATTACKS))]
        if phase == "portscan":
            rec = FlowRecord(str(rng.choice(scanners)), int(rng.integers(1, 1024)), "tcp", 60, 1, 0.001, phase)
        elif phase == "ssh_bruteforce":
            rec = FlowRecord(str(rng.choice(scanners)), 22, "tcp", int(rng.integers(2000, 5000)),
                             int(rng.integers(10, 30)), float(rng.uniform(1, 4)), phase)
        elif phase == "syn_flood":
            rec = FlowRecord(str(rng.choice(internal)), 443, "tcp", 40, 1, 0.0, phase)
        else:
            rec = FlowRecord(str(rng.choice(internal)), int(rng.choice([53, 80, 443, 123, 8080])),
                             str(rng.choice(["tcp", "udp", "icmp"], p=[0.7, 0.25, 0.05])),
                             int(rng.integers(200, 90000)), int(rng.integers(2, 120)),
                             float(rng.exponential(2.0)), phase)
        flows.append(rec)
    return flows


def build_index(values, max_size, min_count=1):
    counts = Counter(values)
    keep = [v for v, c in counts.most_common(max_size) if c >= min_count]
    return {v: i + 1 for i, v in enumerate(keep)}


def port_bucket(port):
    if port < 1024:
        return f"well_known_{port}" if port in (22, 53, 80, 123, 443) else "well_known_other"
    return "registered" if port < 49152 else "ephemeral"


def featurise(flows, ip_index, port_index):
    ip_idx = np.array([ip_index.get(f.src_ip, 0) for f in flows])
    port_idx = np.array([port_index.get(port_bucket(f.dst_port), 0) for f in flows])
    proto_idx = np.array([PROTOCOLS[f.proto] for f in flows])
    log_bytes = np.log1p([f.n_bytes for f in flows])
    log_pkts = np.log1p([f.n_pkts for f in flows])
    dur = np.array([f.duration for f in flows])
    return np.column_stack([ip_idx, port_idx, proto_idx, log_bytes, log_pkts, dur])


def window_tensors(flow_matrix, labels):
    starts = range(0, len(flow_matrix) - WINDOW + 1, STRIDE)
    win = np.stack([flow_matrix[s:s + WINDOW] for s in starts])
    y = np.array([Counter(labels[s:s + WINDOW]).most_common(1)[0][0] for s in starts])
    cat = torch.from_numpy(win[:, :, :3])
    num = torch.from_numpy(win[:, :, 3:]).float()
    return cat, num, torch.from_numpy(y).long()


class FlowWindowNet(nn.Module):
    def __init__(self, n_ips, n_ports, n_protos, n_numeric=3, hidden=64, n_classes=len(ATTACKS)):
        super().__init__()
        self.ip_emb = nn.Embedding(n_ips, 16)
        self.port_emb = nn.Embedding(n_ports, 8)
        self.proto_emb = nn.Embedding(n_protos, 4)
        self.num_proj = nn.Linear(n_numeric, 12)
        self.lstm = nn.LSTM(16 + 8 + 4 + 12, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_classes)

    def forward(self, cat, num):
        x = torch.cat([
            self.ip_emb(cat[..., 0]),
            self.port_emb(cat[..., 1]),
            self.proto_emb(cat[..., 2]),
            torch.relu(self.num_proj(num)),
        ], dim=-1)
        _, (h, _) = self.lstm(x)
        return self.out(h[-1])


train_flows, test_flows = synth_flows(3000), synth_flows(800)
ip_index = build_index([f.src_ip for f in train_flows], max_size=64)
port_index = build_index([port_bucket(f.dst_port) for f in train_flows], max_size=16)
label_id = {name: i for i, name in enumerate(ATTACKS)}

train_mat = featurise(train_flows, ip_index, port_index)
test_mat = featurise(test_flows, ip_index, port_index)
mu, sigma = train_mat[:, 3:].mean(0), train_mat[:, 3:].std(0) + 1e-6
train_mat[:, 3:] = (train_mat[:, 3:] - mu) / sigma
test_mat[:, 3:] = (test_mat[:, 3:] - mu) / sigma

train_ds = TensorDataset(*window_tensors(train_mat, [label_id[f.attack] for f in train_flows]))
test_ds = TensorDataset(*window_tensors(test_mat, [label_id[f.attack] for f in test_flows]))
print("train windows:", len(train_ds), "test windows:", len(test_ds))

model = FlowWindowNet(len(ip_index) + 1, len(port_index) + 1, len(PROTOCOLS))
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
criterion = nn.CrossEntropyLoss()

for epoch in range(4):
    model.train()
    running = 0.0
    for cat, num, y in DataLoader(train_ds, batch_size=32, shuffle=True):
        optimizer.zero_grad()
        loss = criterion(model(cat, num), y)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(y)
    model.eval()
    with torch.no_grad():
        cat, num, y = test_ds.tensors
        acc = (model(cat, num).argmax(1) == y).float().mean().item()
    print(f"epoch {epoch}: loss={running / len(train_ds):.4f} test_acc={acc:.3f}")
