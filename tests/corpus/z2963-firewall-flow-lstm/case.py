import re
import random
import ipaddress
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(99)
np.random.seed(99)
torch.manual_seed(99)

IPTABLES_RE = re.compile(
    r"kernel: \[[\d.]+\] (?P<action>ACCEPT|DROP) IN=\S* OUT=\S* SRC=(?P<src>\S+) DST=(?P<dst>\S+) "
    r".*?PROTO=(?P<proto>\w+)(?: SPT=(?P<sport>\d+) DPT=(?P<dport>\d+))?"
)
ASA_RE = re.compile(
    r"%ASA-6-302013: Built (?P<dir>inbound|outbound) (?P<proto>TCP|UDP) connection \d+ "
    r"for outside:(?P<dst>\S+)/(?P<dport>\d+) \(\S+\) to inside:(?P<src>\S+) \(\S+\)"
)

INTERNAL = ipaddress.ip_network("10.20.0.0/16")
CLASSES = ["benign", "scan", "lateral"]
SEQ = 16


@dataclass
class Flow:
    src: ipaddress.IPv4Address
    dst: ipaddress.IPv4Address
    proto: str
    dport: int
    dropped: bool


@dataclass
class Vocab:
    itos: list = field(default_factory=lambda: ["<pad>", "<unk>"])

    def build(self, tokens, min_freq=1):
        for tok, c in Counter(tokens).most_common():
            if c >= min_freq:
                self.itos.append(tok)
        self.stoi = {t: i for i, t in enumerate(self.itos)}
        return self

    def __call__(self, tok):
        return self.stoi.get(tok, 1)

    def __len__(self):
        return len(self.itos)


def rand_ip(internal):
    if internal:
        return f"10.20.{random.randint(0, 7)}.{random.randint(2, 250)}"
    return f"{random.choice([8, 34, 52, 104, 185])}.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def emit(kind):
    src = rand_ip(True)
    if kind == "scan":
        dst, dport, proto, act = rand_ip(True), random.randint(1, 1024), "TCP", "DROP"
    elif kind == "lateral":
        dst, dport, proto, act = rand_ip(True), random.choice([445, 135, 5985, 3389]), "TCP", "ACCEPT"
    else:
        dst, dport = rand_ip(False), random.choice([443, 80, 53, 123])
        proto, act = ("UDP" if dport in (53, 123) else "TCP"), "ACCEPT"
    if random.random() < 0.5:
        return (f"Oct 11 09:{random.randint(10, 59)}:01 fw01 kernel: [{random.uniform(1e4, 9e4):.3f}] {act} "
                f"IN=eth1 OUT=eth0 SRC={src} DST={dst} LEN=60 TTL=63 PROTO={proto} "
                f"SPT={random.randint(1024, 65535)} DPT={dport}")
    direction = "outbound" if act == "ACCEPT" else "inbound"
    return (f"Oct 11 09:{random.randint(10, 59)}:01 asa01 %ASA-6-302013: Built {direction} {proto} "
            f"connection {random.randint(10000, 99999)} for outside:{dst}/{dport} ({dst}/{dport}) "
            f"to inside:{src}/{random.randint(1024, 65535)} ({src}/{random.randint(1024, 65535)})")


def parse(lines):
    for line in lines:
        m = IPTABLES_RE.search(line)
        if m:
            dropped = m["action"] == "DROP"
        else:
            m = ASA_RE.search(line)
            if m is None:
                continue
            dropped = m["dir"] == "inbound"
        yield Flow(
            src=ipaddress.ip_address(m["src"]),
            dst=ipaddress.ip_address(m["dst"]),
            proto=m["proto"].lower(),
            dport=int(m["dport"] or 0),
            dropped=dropped,
        )


def dst_zone(ip):
    return f"int:{ip.packed[2]}" if ip in INTERNAL else "ext"


def make_dataset(n):
    xs, ys = [], []
    for _ in range(n):
        kind = random.choices(CLASSES, weights=[5, 2, 2])[0]
        lines = [emit(kind if random.random() < 0.7 else "benign") for _ in range(SEQ)]
        xs.append(list(parse(lines)))
        ys.append(CLASSES.index(kind))
    return xs, ys


class FlowLSTM(nn.Module):
    def __init__(self, n_zone, n_port, n_proto):
        super().__init__()
        self.zone = nn.Embedding(n_zone, 8)
        self.port = nn.Embedding(n_port, 12)
        self.proto = nn.Embedding(n_proto, 3)
        self.rnn = nn.LSTM(8 + 12 + 3 + 1, 40, batch_first=True)
        self.out = nn.Linear(40, len(CLASSES))

    def forward(self, zone, port, proto, dropped):
        x = torch.cat([self.zone(zone), self.port(port), self.proto(proto), dropped.unsqueeze(-1)], -1)
        _, (h, _) = self.rnn(x)
        return self.out(h[-1])


def tensorize(flows_list, vz, vp, vpr):
    zone = torch.tensor([[vz(dst_zone(f.dst)) for f in fl] for fl in flows_list])
    port = torch.tensor([[vp(str(f.dport)) for f in fl] for fl in flows_list])
    proto = torch.tensor([[vpr(f.proto) for f in fl] for fl in flows_list])
    dropped = torch.tensor([[float(f.dropped) for f in fl] for fl in flows_list])
    return zone, port, proto, dropped


def main():
    train_x, train_y = make_dataset(300)
    test_x, test_y = make_dataset(80)
    flat = [f for fl in train_x for f in fl]
    vz = Vocab().build(dst_zone(f.dst) for f in flat)
    vp = Vocab().build((str(f.dport) for f in flat), min_freq=2)
    vpr = Vocab().build(f.proto for f in flat)
    print("vocab sizes", len(vz), len(vp), len(vpr))

    model = FlowLSTM(len(vz), len(vp), len(vpr))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    tr = tensorize(train_x, vz, vp, vpr)
    te = tensorize(test_x, vz, vp, vpr)
    ytr, yte = torch.tensor(train_y), torch.tensor(test_y)

    for epoch in range(6):
        model.train()
        perm = torch.randperm(len(ytr))
        for i in range(0, len(perm), 32):
            idx = perm[i:i + 32]
            loss = F.cross_entropy(model(*(t[idx] for t in tr)), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            pred = model(*te).argmax(-1)
        hits = defaultdict(list)
        for p, y in zip(pred.tolist(), yte.tolist()):
            hits[CLASSES[y]].append(p == y)
        print(epoch, {k: round(float(np.mean(v)), 2) for k, v in sorted(hits.items())})


if __name__ == "__main__":
    main()
