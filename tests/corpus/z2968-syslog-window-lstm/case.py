import re
import random
from collections import Counter

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence
from torch.utils.data import Dataset, DataLoader

random.seed(7)
torch.manual_seed(7)

TEMPLATES = {
    "ssh_fail": "sshd[{pid}]: Failed password for {user} from {ip} port {port} ssh2",
    "ssh_ok": "sshd[{pid}]: Accepted publickey for {user} from {ip} port {port} ssh2",
    "ufw": "kernel: [UFW BLOCK] IN=eth0 OUT= SRC={ip} DST=10.0.0.5 PROTO={proto} SPT={port} DPT=22",
    "sudo": "sudo: {user} : TTY=pts/0 ; PWD=/home/{user} ; USER=root ; COMMAND=/bin/bash",
    "cron": "CRON[{pid}]: (root) CMD (run-parts /etc/cron.hourly)",
    "session": "systemd[1]: Started Session {pid} of user {user}.",
}
USERS = ["alice", "bob", "deploy", "root", "admin", "svc_backup"]

IP_RE = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
NUM_RE = re.compile(r"\b\d+\b")
TOKEN_RE = re.compile(r"<\w+>|[A-Za-z_/\.]+|[\[\]\(\)=:;]")


def fake_line(kind):
    return TEMPLATES[kind].format(
        pid=random.randint(100, 65000),
        user=random.choice(USERS),
        ip=f"{random.randint(1, 223)}.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}",
        port=random.randint(1024, 65535),
        proto=random.choice(["TCP", "UDP"]),
    )


def make_stream(n_events, attack_rate=0.25):
    events = []
    while len(events) < n_events:
        if random.random() < attack_rate:
            burst = [fake_line("ssh_fail") for _ in range(random.randint(3, 6))]
            burst += [fake_line("ufw") for _ in range(random.randint(0, 2))]
            events.extend((line, 1) for line in burst)
        else:
            kind = random.choice(["ssh_ok", "sudo", "cron", "session", "ufw", "ssh_fail"])
            events.append((fake_line(kind), 0))
    return events[:n_events]


def normalise(line):
    line = IP_RE.sub(" <ip> ", line)
    line = NUM_RE.sub(" <num> ", line)
    return TOKEN_RE.findall(line.lower())


def sliding_windows(events, size=5, stride=2):
    for start in range(0, len(events) - size + 1, stride):
        chunk = events[start:start + size]
        tokens = []
        for line, _ in chunk:
            tokens.extend(normalise(line) + ["<eol>"])
        label = int(sum(flag for _, flag in chunk) >= 3)
        yield tokens, label


class Vocab:
    def __init__(self, token_lists, min_freq=2):
        counts = Counter(tok for toks in token_lists for tok in toks)
        self.itos = ["<pad>", "<unk>"] + sorted(t for t, c in counts.items() if c >= min_freq)
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def encode(self, tokens):
        return [self.stoi.get(t, 1) for t in tokens]

    def __len__(self):
        return len(self.itos)


class WindowDataset(Dataset):
    def __init__(self, windows, vocab):
        self.items = [(torch.tensor(vocab.encode(toks), dtype=torch.long), lab) for toks, lab in windows]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        ids, lab = self.items[idx]
        return {"ids": ids, "length": len(ids), "label": lab}


def pad_batch(batch):
    ids = pad_sequence([b["ids"] for b in batch], batch_first=True, padding_value=0)
    lengths = torch.tensor([b["length"] for b in batch])
    labels = torch.tensor([b["label"] for b in batch])
    return {"ids": ids, "length": lengths, "label": labels}


class LogLSTM(nn.Module):
    def __init__(self, vocab_size, emb=32, hidden=48, n_classes=2):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.rnn = nn.LSTM(emb, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_classes)

    def forward(self, ids, lengths):
        packed = pack_padded_sequence(self.emb(ids), lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.rnn(packed)
        return self.head(torch.cat([h[-2], h[-1]], dim=-1))


train_windows = list(sliding_windows(make_stream(800)))
val_windows = list(sliding_windows(make_stream(240)))
vocab = Vocab([t for t, _ in train_windows])
print(f"vocab={len(vocab)} train_windows={len(train_windows)} val_windows={len(val_windows)}")

train_loader = DataLoader(WindowDataset(train_windows, vocab), batch_size=32, shuffle=True, collate_fn=pad_batch)
val_loader = DataLoader(WindowDataset(val_windows, vocab), batch_size=64, shuffle=False)

pos = sum(l for _, l in train_windows)
weights = torch.tensor([1.0, (len(train_windows) - pos) / max(pos, 1)])
model = LogLSTM(len(vocab))
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.CrossEntropyLoss(weight=weights)


def evaluate(loader):
    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for batch in loader:
            pred = model(batch["ids"], batch["length"]).argmax(-1)
            y = batch["label"]
            tp += int(((pred == 1) & (y == 1)).sum())
            fp += int(((pred == 1) & (y == 0)).sum())
            fn += int(((pred == 0) & (y == 1)).sum())
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    return prec, rec


for epoch in range(2):
    model.train()
    total = 0.0
    for batch in train_loader:
        opt.zero_grad()
        loss = loss_fn(model(batch["ids"], batch["length"]), batch["label"])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        total += loss.item() * batch["label"].size(0)
    prec, rec = evaluate(val_loader)
    print(f"epoch {epoch} loss={total / len(train_loader.dataset):.4f} val_prec={prec:.3f} val_rec={rec:.3f}")
