import math
import ipaddress
from collections import Counter, defaultdict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(1234)
torch.manual_seed(1234)

PROTOCOLS = ["tcp", "udp", "icmp"]
ATTACK_TYPES = ["benign", "portscan", "ssh_bruteforce", "dns_exfil"]
COMMON_PORTS = [22, 53, 80, 123, 443, 445, 3389, 8080]
MAX_FLOWS = 24
D_MODEL = 32


def synth_host_window(label):
    n = int(rng.integers(6, MAX_FLOWS + 1))
    flows = []
    for _ in range(n):
        if label == "portscan":
            dport, proto, nbytes = int(rng.integers(1, 1024)), "tcp", int(rng.integers(40, 80))
        elif label == "ssh_bruteforce":
            dport, proto, nbytes = 22, "tcp", int(rng.integers(2000, 6000))
        elif label == "dns_exfil":
            dport, proto, nbytes = 53, "udp", int(rng.integers(300, 1500))
        else:
            dport = int(rng.choice(COMMON_PORTS))
            proto = "udp" if dport in (53, 123) else str(rng.choice(["tcp", "icmp"], p=[0.9, 0.1]))
            nbytes = int(rng.lognormal(7, 1.5))
        dst = ipaddress.IPv4Address(int(rng.integers(0x0A000000, 0x0A00FFFF)))
        flows.append({
            "dst_subnet": str(ipaddress.ip_network(f"{dst}/24", strict=False)),
            "dport": dport,
            "proto": proto,
            "bytes": nbytes,
            "duration": float(rng.exponential(2.0)),
        })
    return flows


def build_vocab(values, min_count=1):
    counts = Counter(values)
    vocab = {"<pad>": 0, "<unk>": 1}
    for v, c in counts.most_common():
        if c >= min_count:
            vocab[v] = len(vocab)
    return vocab


def port_bucket(p):
    return str(p) if p in COMMON_PORTS else ("well_known" if p < 1024 else "ephemeral")


class FlowEncoder(nn.Module):
    def __init__(self, n_subnets, n_ports, n_protos, n_classes):
        super().__init__()
        self.subnet_emb = nn.Embedding(n_subnets, 16, padding_idx=0)
        self.port_emb = nn.Embedding(n_ports, 8, padding_idx=0)
        self.proto_emb = nn.Embedding(n_protos, 4, padding_idx=0)
        self.num_proj = nn.Linear(2, 4)
        self.in_proj = nn.Linear(16 + 8 + 4 + 4, D_MODEL)
        layer = nn.TransformerEncoderLayer(D_MODEL, nhead=4, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.cls = nn.Linear(D_MODEL, n_classes)

    def forward(self, batch):
        x = torch.cat([
            self.subnet_emb(batch["subnet"]),
            self.port_emb(batch["port"]),
            self.proto_emb(batch["proto"]),
            self.num_proj(batch["numeric"]),
        ], dim=-1)
        h = self.encoder(self.in_proj(x), src_key_padding_mask=batch["pad_mask"])
        keep = (~batch["pad_mask"].bool()).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.cls(pooled)


def make_batch(windows, labels, vocabs):
    B = len(windows)
    L = max(len(w) for w in windows)
    subnet = torch.zeros(B, L, dtype=torch.long)
    port = torch.zeros(B, L, dtype=torch.long)
    proto = torch.zeros(B, L, dtype=torch.long)
    numeric = torch.zeros(B, L, 2)
    pad_mask = torch.ones(B, L, dtype=torch.bool)
    for i, flows in enumerate(windows):
        for j, f in enumerate(flows):
            subnet[i, j] = vocabs["subnet"].get(f["dst_subnet"], 1)
            port[i, j] = vocabs["port"].get(port_bucket(f["dport"]), 1)
            proto[i, j] = vocabs["proto"].get(f["proto"], 1)
            numeric[i, j, 0] = math.log1p(f["bytes"]) / 10.0
            numeric[i, j, 1] = math.log1p(f["duration"])
        pad_mask[i, :len(flows)] = 0
    return {
        "subnet": subnet, "port": port, "proto": proto, "numeric": numeric,
        "pad_mask": pad_mask, "label": torch.tensor(labels, dtype=torch.long),
    }


def main():
    label_ids = {name: i for i, name in enumerate(ATTACK_TYPES)}
    names = rng.choice(ATTACK_TYPES, size=320, p=[0.55, 0.15, 0.15, 0.15])
    windows = [synth_host_window(n) for n in names]
    labels = [label_ids[n] for n in names]
    split = 256

    vocabs = {
        "subnet": build_vocab([f["dst_subnet"] for w in windows[:split] for f in w], min_count=2),
        "port": build_vocab([port_bucket(f["dport"]) for w in windows[:split] for f in w]),
        "proto": build_vocab([f["proto"] for w in windows[:split] for f in w]),
    }
    print({k: len(v) for k, v in vocabs.items()})

    model = FlowEncoder(len(vocabs["subnet"]), len(vocabs["port"]), len(vocabs["proto"]), len(ATTACK_TYPES))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)

    per_class = defaultdict(int)
    for epoch in range(3):
        model.train()
        order = rng.permutation(split)
        for s in range(0, split, 32):
            idx = order[s:s + 32]
            batch = make_batch([windows[i] for i in idx], [labels[i] for i in idx], vocabs)
            logits = model(batch)
            loss = F.cross_entropy(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            batch = make_batch(windows[split:], labels[split:], vocabs)
            pred = model(batch).argmax(-1)
            acc = (pred == batch["label"]).float().mean().item()
        for p in pred.tolist():
            per_class[ATTACK_TYPES[p]] += 1
        print(f"epoch {epoch} loss {loss.item():.3f} holdout acc {acc:.3f}")
    print(dict(per_class))


if __name__ == "__main__":
    main()
