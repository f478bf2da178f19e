import ipaddress
import random
import re
from collections import Counter, defaultdict

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(3)
torch.manual_seed(3)

LINE_RE = re.compile(
    r"^(?P<ts>\d+\.\d+) (?P<host>fw\d+) (?P<action>ALLOW|DENY|DROP) (?P<proto>TCP|UDP|ICMP) "
    r"(?P<src>\S+) -> (?P<dst>\S+) len=(?P<length>\d+)$"
)
CLASSES = ["benign", "scan", "flood", "exfil"]
SEQ = 12


def synth_log(n_lines):
    t = 1_700_000_000.0
    lines, labels = [], []
    mode = "benign"
    for _ in range(n_lines):
        t += random.expovariate(5.0)
        if random.random() < 0.05:
            mode = random.choice(CLASSES)
        src = f"10.{random.randint(0, 3)}.{random.randint(0, 20)}.{random.randint(2, 250)}"
        dst = f"172.16.{random.randint(0, 2)}.{random.randint(2, 30)}"
        if mode == "scan":
            proto, sport, dport, ln, act = "TCP", random.randint(40000, 60000), random.randint(1, 1024), 60, "DROP"
        elif mode == "flood":
            proto, sport, dport, ln, act = "ICMP", None, None, 84, "DENY"
        elif mode == "exfil":
            proto, sport, dport, ln, act = "TCP", random.randint(40000, 60000), 443, random.randint(1200, 1500), "ALLOW"
            dst = f"203.0.113.{random.randint(1, 5)}"
        else:
            proto = random.choice(["TCP", "UDP", "TCP", "ICMP"])
            sport, dport = (None, None) if proto == "ICMP" else (random.randint(1024, 65535), random.choice([53, 80, 443, 22]))
            ln, act = random.randint(60, 900), "ALLOW"
        s = src if sport is None else f"{src}:{sport}"
        d = dst if dport is None else f"{dst}:{dport}"
        lines.append(f"{t:.3f} fw{random.randint(1, 3)} {act} {proto} {s} -> {d} len={ln}")
        labels.append(CLASSES.index(mode))
    return lines, labels


def parse(lines):
    for raw in lines:
        m = LINE_RE.match(raw)
        if m is None:
            continue
        src_ip, _, src_port = m["src"].partition(":")
        dst_ip, _, dst_port = m["dst"].partition(":")
        yield {
            "ts": float(m["ts"]),
            "action": m["action"],
            "proto": m["proto"],
            "src_net": str(ipaddress.ip_network(f"{src_ip}/24", strict=False)),
            "dst_ip": dst_ip,
            "dst_port": int(dst_port) if dst_port else 0,
            "length": int(m["length"]),
        }


def build_vocabs(events, min_count=2):
    vocabs = {}
    for field in ("action", "proto", "src_net", "dst_ip", "dst_port"):
        counts = Counter(ev[field] for ev in events)
        vocabs[field] = {"<unk>": 0, **{k: i + 1 for i, (k, c) in enumerate(counts.most_common()) if c >= min_count}}
    return vocabs


class EventWindows(Dataset):
    def __init__(self, events, labels, vocabs, stride=3):
        self.fields = list(vocabs)
        codes = defaultdict(list)
        for ev in events:
            for f in self.fields:
                codes[f].append(vocabs[f].get(ev[f], 0))
        self.codes = {f: torch.tensor(v) for f, v in codes.items()}
        self.size = torch.log1p(torch.tensor([ev["length"] for ev in events], dtype=torch.float32))
        self.labels = torch.tensor(labels)
        self.starts = list(range(0, len(events) - SEQ + 1, stride))

    def __len__(self):
        return len(self.starts)

    def __getitem__(self, i):
        s = self.starts[i]
        item = {f: self.codes[f][s:s + SEQ] for f in self.fields}
        item["size"] = self.size[s:s + SEQ, None]
        item["y"] = torch.mode(self.labels[s:s + SEQ]).values
        return item


class FirewallLSTM(nn.Module):
    def __init__(self, vocabs, dim=8, hidden=48):
        super().__init__()
        self.embs = nn.ModuleDict({f: nn.Embedding(len(v), dim) for f, v in vocabs.items()})
        self.lstm = nn.LSTM(dim * len(vocabs) + 1, hidden, batch_first=True)
        self.cls = nn.Linear(hidden, len(CLASSES))

    def forward(self, batch):
        parts = [emb(batch[f]) for f, emb in self.embs.items()] + [batch["size"]]
        out, _ = self.lstm(torch.cat(parts, dim=-1))
        return self.cls(out[:, -1])


raw_lines, line_labels = synth_log(2500)
events = list(parse(raw_lines))
print(f"parsed {len(events)} / {len(raw_lines)} firewall events")
split = int(0.8 * len(events))
vocabs = build_vocabs(events[:split])
train_ds = EventWindows(events[:split], line_labels[:split], vocabs)
test_ds = EventWindows(events[split:], line_labels[split:], vocabs)

model = FirewallLSTM(vocabs)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
ce = nn.CrossEntropyLoss()
for epoch in range(3):
    model.train()
    for batch in DataLoader(train_ds, batch_size=32, shuffle=True):
        opt.zero_grad()
        loss = ce(model(batch), batch["y"])
        loss.backward()
        opt.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for batch in DataLoader(test_ds, batch_size=128):
            correct += (model(batch).argmax(-1) == batch["y"]).sum().item()
    print(f"epoch {epoch} loss={loss.item():.3f} test_acc={correct / len(test_ds):.3f}")
