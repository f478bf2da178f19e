import math
import random
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

rng = random.Random(1337)
torch.manual_seed(1337)

EMB_DIMS = {"dst_port": 16, "proto": 4, "src_subnet": 12}
NUMERIC_FEATURES = ["log_bytes", "log_pkts", "duration", "bytes_per_pkt", "syn_ratio", "is_wellknown"]
PORT_TOPK = 40


@dataclass
class FlowRecord:
    src_ip: str
    dst_port: int
    proto: str
    bytes: int
    pkts: int
    duration: float
    syn: int
    malicious: int = 0
    tags: list = field(default_factory=list)

    @property
    def src_subnet(self):
        return ".".join(self.src_ip.split(".")[:3])


def generate_flows(n):
    out = []
    for _ in range(n):
        bad = rng.random() < 0.2
        if bad:
            port = rng.choice([22, 23, 445, 3389, rng.randint(1024, 65535)])
            pkts = rng.randint(1, 4)
            rec = FlowRecord(f"203.0.113.{rng.randint(1, 254)}", port, "tcp",
                             pkts * rng.randint(40, 70), pkts, rng.uniform(0, 0.05),
                             syn=pkts, malicious=1, tags=["scan"])
        else:
            port = rng.choice([53, 80, 443, 443, 443, 123, 8080, 993])
            proto = "udp" if port in (53, 123) else "tcp"
            pkts = rng.randint(3, 400)
            rec = FlowRecord(f"192.168.{rng.randint(0, 7)}.{rng.randint(2, 254)}", port, proto,
                             pkts * rng.randint(60, 1400), pkts, rng.uniform(0.01, 30.0),
                             syn=1 if proto == "tcp" else 0)
        out.append(rec)
    return out


def build_vocab(values, topk=None):
    counts = Counter(values)
    itos = ["<unk>"] + [v for v, _ in counts.most_common(topk)]
    return {v: i for i, v in enumerate(itos)}


def numeric_view(r: FlowRecord):
    feats = {
        "log_bytes": math.log1p(r.bytes),
        "log_pkts": math.log1p(r.pkts),
        "duration": min(r.duration, 60.0) / 60.0,
        "bytes_per_pkt": r.bytes / max(r.pkts, 1) / 1500.0,
        "syn_ratio": r.syn / max(r.pkts, 1),
        "is_wellknown": float(r.dst_port < 1024),
    }
    return [feats[k] for k in NUMERIC_FEATURES]


class FlowTable(Dataset):
    def __init__(self, records, vocabs):
        self.records = records
        self.vocabs = vocabs

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        r = self.records[i]
        cats = {name: torch.tensor(self.vocabs[name].get(getattr(r, name), 0)) for name in EMB_DIMS}
        return {"cats": cats,
                "num": torch.tensor(numeric_view(r), dtype=torch.float32),
                "y": torch.tensor(float(r.malicious))}


class FlowMLP(nn.Module):
    def __init__(self, vocabs, emb_dims, n_numeric, hidden=64):
        super().__init__()
        self.embs = nn.ModuleDict({k: nn.Embedding(len(vocabs[k]), d) for k, d in emb_dims.items()})
        in_dim = sum(emb_dims.values()) + n_numeric
        self.body = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(hidden, hidden // 2), nn.ReLU(),
        )
        self.head = nn.Linear(hidden // 2, 1)

    def forward(self, cats, num):
        parts = [self.embs[k](cats[k]) for k in self.embs]
        parts.append(num)
        return self.head(self.body(torch.cat(parts, dim=-1))).squeeze(-1)


def train_epoch(model, loader, opt, loss_fn):
    model.train()
    running = []
    for batch in loader:
        logits = model(batch["cats"], batch["num"])
        loss = loss_fn(logits, batch["y"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        running.append(loss.item())
    return float(np.mean(running))


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    tp = fp = fn = 0
    for batch in loader:
        pred = (torch.sigmoid(model(batch["cats"], batch["num"])) > 0.5).long()
        y = batch["y"].long()
        tp += int(((pred == 1) & (y == 1)).sum())
        fp += int(((pred == 1) & (y == 0)).sum())
        fn += int(((pred == 0) & (y == 1)).sum())
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    return precision, recall


def main():
    flows = generate_flows(4000)
    rng.shuffle(flows)
    split = int(0.8 * len(flows))
    train, test = flows[:split], flows[split:]

    vocabs = {
        "dst_port": build_vocab([r.dst_port for r in train], topk=PORT_TOPK),
        "proto": build_vocab([r.proto for r in train]),
        "src_subnet": build_vocab([r.src_subnet for r in train], topk=64),
    }
    print({k: len(v) for k, v in vocabs.items()})

    train_dl = DataLoader(FlowTable(train, vocabs), batch_size=64, shuffle=True)
    test_dl = DataLoader(FlowTable(test, vocabs), batch_size=256)

    model = FlowMLP(vocabs, EMB_DIMS, n_numeric=len(NUMERIC_FEATURES))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    pos_weight = torch.tensor([sum(1 - r.malicious for r in train) / max(sum(r.malicious for r in train), 1)])
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)

    for epoch in range(3):
        loss = train_epoch(model, train_dl, opt, loss_fn)
        p, r = evaluate(model, test_dl)
        print(f"epoch {epoch}: loss={loss:.4f} precision={p:.3f} recall={r:.3f}")


if __name__ == "__main__":
    main()
