import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader, TensorDataset

ATTACK_KINDS = ["normal", "portscan", "bruteforce", "exfiltration"]


@dataclass
class Connection:
    duration: float
    bytes_out: int
    bytes_in: int
    dst_ports: int
    failed_logins: int
    night: bool
    kind: str


def synth_connection(rng):
    kind = rng.choice(ATTACK_KINDS)
    if kind == "normal":
        return Connection(rng.uniform(1, 60), rng.randint(200, 5000), rng.randint(1000, 90000), 1, 0, rng.random() < 0.2, kind)
    if kind == "portscan":
        return Connection(rng.uniform(0.1, 3), rng.randint(40, 400), rng.randint(0, 200), rng.randint(50, 900), 0, rng.random() < 0.5, kind)
    if kind == "bruteforce":
        return Connection(rng.uniform(5, 120), rng.randint(500, 3000), rng.randint(300, 2000), 1, rng.randint(5, 60), rng.random() < 0.7, kind)
    return Connection(rng.uniform(30, 600), rng.randint(100000, 900000), rng.randint(500, 5000), rng.randint(1, 3), 0, rng.random() < 0.8, kind)


def featurize(conn):
    return [
        math.log1p(conn.duration),
        math.log1p(conn.bytes_out),
        math.log1p(conn.bytes_in),
        math.log1p(conn.dst_ports),
        math.log1p(conn.failed_logins),
        float(conn.night),
    ]


def to_dataset(conns):
    feats = torch.tensor([featurize(c) for c in conns], dtype=torch.float32)
    kinds = torch.tensor([ATTACK_KINDS.index(c.kind) for c in conns])
    return TensorDataset(feats, kinds)


class FlowClassifier(nn.Module):
    def __init__(self, n_in, n_out, width=32):
        super().__init__()
        self.norm = nn.LayerNorm(n_in)
        self.body = nn.Sequential(nn.Linear(n_in, width), nn.GELU(), nn.Linear(width, width), nn.GELU())
        self.out = nn.Linear(width, n_out)

    def forward(self, x):
        return self.out(self.body(self.norm(x)))


def evaluate(model, loader, accelerator):
    model.eval()
    preds, golds = [], []
    with torch.no_grad():
        for feats, kinds in loader:
            guess = model(feats).argmax(dim=-1)
            guess, kinds = accelerator.gather_for_metrics((guess, kinds))
            preds.append(guess)
            golds.append(kinds)
    preds = torch.cat(preds)
    golds = torch.cat(golds)
    model.train()
    return (preds == golds).float().mean().item()


def main():
    rng = random.Random(7)
    torch.manual_seed(7)
    train_conns = [synth_connection(rng) for _ in range(160)]
    eval_conns = [synth_connection(rng) for _ in range(44)]

    accelerator = Accelerator(cpu=True)
    model = FlowClassifier(n_in=6, n_out=len(ATTACK_KINDS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    train_loader = DataLoader(to_dataset(train_conns), batch_size=16, shuffle=True)
    eval_loader = DataLoader(to_dataset(eval_conns), batch_size=16)
    model, optimizer, train_loader, eval_loader = accelerator.prepare(model, optimizer, train_loader, eval_loader)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(4):
        running = 0.0
        for feats, kinds in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(feats), kinds)
            accelerator.backward(loss)
            optimizer.step()
            running += loss.item()
        acc = evaluate(model, eval_loader, accelerator)
        accelerator.print(f"epoch {epoch} loss {running / len(train_loader):.3f} eval acc {acc:.3f}")


if __name__ == "__main__":
    main()
