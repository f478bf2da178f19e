"""Predict the severity level of raw log lines from their message template.

Some services in the fleet drop the level field when shipping logs, so we learn
level from the (masked) message text of services that do keep it.
"""
import os
import re
import random
from collections import Counter
from datetime import datetime, timedelta

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(2024)
torch.manual_seed(2024)

HERE = os.path.dirname(os.path.abspath(__file__))
LOG_PATH = os.path.join(HERE, "node-agent.log")

MESSAGES = {
    "DEBUG": ["heartbeat sent to {ip}:{port} seq={n}", "cache lookup key=blk_{blk} hit={b}"],
    "INFO": ["Receiving block blk_{blk} src: /{ip}:{port}", "PacketResponder {n} for block blk_{blk} terminating",
             "Served block blk_{blk} to /{ip}"],
    "WARN": ["Slow BlockReceiver write packet to mirror took {n}ms", "retrying connection to {ip}:{port} attempt {n}"],
    "ERROR": ["writeBlock blk_{blk} received exception java.io.IOException: Connection reset by peer",
              "Failed to transfer blk_{blk} to {ip}:{port} got java.net.SocketTimeoutException"],
    "FATAL": ["DataNode shutting down: disk {n} failed, volume /data/{n} unavailable",
              "Out of memory in BlockPoolManager, heap used {n}MB, aborting"],
}


def fill(tpl):
    return tpl.format(
        ip=".".join(str(random.randint(1, 254)) for _ in range(4)),
        port=random.choice([50010, 50020, 8020]),
        n=random.randint(1, 9999),
        blk=random.randint(10**9, 10**10),
        b=random.choice(["true", "false"]),
    )


def write_synthetic_log(path, n_lines=1500):
    ts = datetime(2024, 5, 2, 0, 0, 0)
    with open(path, "w") as fh:
        for i in range(n_lines):
            ts += timedelta(seconds=random.randint(1, 20))
            incident = i > int(0.85 * n_lines)
            weights = [20, 55, 12, 10, 0] if not incident else [10, 35, 20, 25, 10]
            level = random.choices(list(MESSAGES), weights=weights)[0]
            msg = fill(random.choice(MESSAGES[level]))
            fh.write(f"{ts:%Y-%m-%d %H:%M:%S} {level} dfs.DataNode: {msg}\n")


LINE_RE = re.compile(r"^(\S+ \S+) (DEBUG|INFO|WARN|ERROR|FATAL) (\S+): (.*)$")
MASKS = [
    (re.compile(r"blk_-?\d+"), "<BLK>"),
    (re.compile(r"/?\d+\.\d+\.\d+\.\d+(:\d+)?"), "<IP>"),
    (re.compile(r"\b\d+(ms|MB)?\b"), "<NUM>"),
]


def to_template(message):
    for pat, tok in MASKS:
        message = pat.sub(tok, message)
    return message


def tokenize(template):
    return re.findall(r"<\w+>|[A-Za-z_]+|[^\sA-Za-z_]", template.lower())


def parse_log(path):
    records = []
    with open(path) as fh:
        for line in fh:
            m = LINE_RE.match(line.rstrip("\n"))
            if m is None:
                continue
            ts, level, component, message = m.groups()
            records.append({"ts": ts, "level": level, "component": component,
                            "tokens": tokenize(to_template(message))})
    return records


class Vocab:
    def __init__(self, token_lists, min_freq=1):
        counts = Counter(t for toks in token_lists for t in toks)
        self.itos = ["<pad>", "<unk>"] + sorted(t for t, c in counts.items() if c >= min_freq)
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def __call__(self, tokens):
        return [self.stoi.get(t, 1) for t in tokens]

    def __len__(self):
        return len(self.itos)


def to_bag_batch(id_lists):
    offsets = torch.tensor([0] + [len(x) for x in id_lists[:-1]]).cumsum(0)
    flat = torch.tensor([i for ids in id_lists for i in ids], dtype=torch.long)
    return flat, offsets


class LevelClassifier(nn.Module):
    def __init__(self, vocab_size, dim, num_classes):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.fc = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, num_classes))

    def forward(self, flat_ids, offsets):
        return self.fc(self.bag(flat_ids, offsets))


def main():
    write_synthetic_log(LOG_PATH)
    records = parse_log(LOG_PATH)
    level2id = {lvl: i for i, lvl in enumerate(sorted({r["level"] for r in records}))}

    split = int(0.8 * len(records))
    train_recs, test_recs = records[:split], records[split:]
    vocab = Vocab([r["tokens"] for r in train_recs])

    X_train = [vocab(r["tokens"]) for r in train_recs]
    y_train = np.array([level2id[r["level"]] for r in train_recs])
    X_test = [vocab(r["tokens"]) for r in test_recs]
    y_test = np.array([level2id[r["level"]] for r in test_recs])

    num_classes = len(np.unique(y_train))
    print(f"{len(records)} lines, vocab={len(vocab)}, levels={level2id}, classes={num_classes}")

    model = LevelClassifier(len(vocab), 24, num_classes)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    batch_size = 64

    for epoch in range(4):
        model.train()
        order = np.random.permutation(len(X_train))
        epoch_loss = 0.0
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            flat, offsets = to_bag_batch([X_train[i] for i in idx])
            target = torch.from_numpy(y_train[idx])
            loss = F.cross_entropy(model(flat, offsets), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            flat, offsets = to_bag_batch(X_test)
            pred = model(flat, offsets).argmax(1).numpy()
        print(f"epoch {epoch} loss={epoch_loss / len(X_train):.4f} test_acc={(pred == y_test).mean():.3f}")


if __name__ == "__main__":
    main()
