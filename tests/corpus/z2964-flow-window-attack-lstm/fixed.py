"""Sliding-window attack-type classifier over a NetFlow-style event stream.

Flows are replayed in capture order, grouped into windows of consecutive
flows per sensor, and an LSTM predicts the attack type of the last flow.
"""
import math
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 7
WINDOW = 12
STRIDE = 4
BATCH = 32
EPOCHS = 2

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

PROTOCOLS = ["tcp", "udp", "icmp"]
COMMON_PORTS = [22, 53, 80, 123, 443, 445, 3389, 8080]


def synth_flow(t, phase):
    """One flow dict; the attack mix drifts over the capture."""
    r = random.random()
    if phase == "late" and r < 0.06:
        kind = "exfil"
    elif r < 0.10:
        kind = "portscan"
    elif r < 0.16:
        kind = "bruteforce"
    elif r < 0.22:
        kind = "dos"
    else:
        kind = "benign"
    src = f"10.0.{random.randint(0, 3)}.{random.randint(2, 250)}"
    if kind == "portscan":
        dport, proto, nbytes, dur = random.randint(1, 65535), "tcp", random.randint(40, 80), 0.001
    elif kind == "bruteforce":
        dport, proto, nbytes, dur = random.choice([22, 3389]), "tcp", random.randint(300, 900), random.uniform(0.2, 2)
    elif kind == "dos":
        dport, proto, nbytes, dur = 80, random.choice(["tcp", "udp"]), random.randint(1000, 1500), 0.01
    elif kind == "exfil":
        dport, proto, nbytes, dur = 443, "tcp", random.randint(2_000_000, 9_000_000), random.uniform(30, 120)
    else:
        dport = random.choice(COMMON_PORTS)
        proto = "udp" if dport in (53, 123) else random.choice(PROTOCOLS)
        nbytes, dur = random.randint(200, 50_000), random.uniform(0.05, 10)
    return {"ts": t, "src": src, "dport": dport, "proto": proto,
            "bytes": nbytes, "dur": dur, "label": kind}


def capture(n_flows):
    flows = []
    for t in range(n_flows):
        phase = "late" if t > int(n_flows * 0.8) else "early"
        flows.append(synth_flow(t, phase))
    return flows


flows = capture(3000)
cut = int(len(flows) * 0.75)
train_flows, test_flows = flows[:cut], flows[cut:]

label2id = {name: i for i, name in enumerate(sorted({f["label"] for f in flows}))}
id2label = {i: name for name, i in label2id.items()}
train_counts = Counter(f["label"] for f in train_flows)
n_classes = len(label2id)

port_vocab = {p: i + 1 for i, (p, _) in enumerate(Counter(f["dport"] for f in train_flows).most_common(30))}
proto_vocab = {p: i for i, p in enumerate(PROTOCOLS)}
subnet_vocab = {f"10.0.{k}": k for k in range(4)}

print("label map:", label2id)
print("train label counts:", dict(train_counts))


def encode(flow):
    subnet = flow["src"].rsplit(".", 1)[0]
    return (
        port_vocab.get(flow["dport"], 0),
        proto_vocab[flow["proto"]],
        subnet_vocab[subnet],
        math.log1p(flow["bytes"]) / 16.0,
        math.log1p(flow["dur"]) / 5.0,
    )


def windows(stream):
    enc = [encode(f) for f in stream]
    for start in range(0, len(stream) - WINDOW + 1, STRIDE):
        chunk = enc[start:start + WINDOW]
        cats = torch.tensor([c[:3] for c in chunk], dtype=torch.long)
        nums = torch.tensor([c[3:] for c in chunk], dtype=torch.float32)
        y = label2id[stream[start + WINDOW - 1]["label"]]
        yield cats, nums, y


def batches(stream, shuffle):
    items = list(windows(stream))
    if shuffle:
        random.shuffle(items)
    for i in range(0, len(items), BATCH):
        part = items[i:i + BATCH]
        yield (torch.stack([p[0] for p in part]),
               torch.stack([p[1] for p in part]),
               torch.tensor([p[2] for p in part]))


class FlowLSTM(nn.Module):
    def __init__(self, n_ports, n_protos, n_subnets, n_out, hidden=48):
        super().__init__()
        self.port_emb = nn.Embedding(n_ports + 1, 12)
        self.proto_emb = nn.Embedding(n_protos, 3)
        self.subnet_emb = nn.Embedding(n_subnets, 4)
        self.lstm = nn.LSTM(12 + 3 + 4 + 2, hidden, batch_first=True)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(hidden, n_out)

    def forward(self, cats, nums):
        x = torch.cat([self.port_emb(cats[..., 0]),
                       self.proto_emb(cats[..., 1]),
                       self.subnet_emb(cats[..., 2]),
                       nums], dim=-1)
        seq, (h, _) = self.lstm(x)
        return self.out(self.drop(h[-1]))


model = FlowLSTM(len(port_vocab), len(proto_vocab), len(subnet_vocab), n_classes)
class_weight = torch.tensor(
    [1.0 / math.sqrt(train_counts[id2label[i]] + 1) for i in range(n_classes)])
class_weight = class_weight / class_weight.sum() * n_classes
opt = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(EPOCHS):
    model.train()
    total, seen = 0.0, 0
    for cats, nums, y in batches(train_flows, shuffle=True):
        logits = model(cats, nums)
        loss = F.cross_entropy(logits, y, weight=class_weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * y.numel()
        seen += y.numel()
    print(f"epoch {epoch} train loss {total / seen:.4f}")

model.eval()
conf = np.zeros((len(label2id), len(label2id)), dtype=int)
with torch.no_grad():
    for cats, nums, y in batches(test_flows, shuffle=False):
        pred = model(cats, nums).argmax(-1)
        for t, p in zip(y.tolist(), pred.tolist()):
            conf[t, p] += 1
print("confusion (rows=true):")
for i in range(len(label2id)):
    print(f"{id2label[i]:>11s}", conf[i].tolist())
print("accuracy:", conf.trace() / conf.sum())
