"""
Classify short beehive acoustic event logs into colony states.

Each log is a sequence of discrete acoustic event codes emitted by the hive
monitor firmware (e.g. "buzz_hi", "pipe", "fan"). We embed the codes, average
them, push through one hidden layer and predict one of four colony states.
Everything is raw tensors + torch.nn.functional so it can be ported to the
on-device runtime later.
"""
import math
import random

import torch
import torch.nn.functional as F

torch.manual_seed(7)
random.seed(7)

EVENT_CODES = ["<pad>", "buzz_lo", "buzz_hi", "pipe", "quack", "fan", "toot",
               "silence", "wingbeat", "hiss", "roar", "tap"]
CODE2ID = {c: i for i, c in enumerate(EVENT_CODES)}
STATES = ["queenright", "queenless", "pre_swarm", "robbing"]

EMB_DIM = 48
HIDDEN = 64
N_STATES = len(STATES)

# (event log, colony state)
HIVE_LOGS = [
    ("buzz_lo buzz_lo fan silence buzz_lo", "queenright"),
    ("roar roar buzz_hi roar hiss", "queenless"),
    ("toot quack toot pipe pipe buzz_hi", "pre_swarm"),
    ("wingbeat hiss tap wingbeat buzz_hi roar", "robbing"),
    ("fan fan buzz_lo silence", "queenright"),
    ("roar buzz_hi roar roar", "queenless"),
    ("pipe toot quack quack", "pre_swarm"),
    ("tap tap hiss wingbeat", "robbing"),
]


def encode_log(text, max_len=8):
    ids = [CODE2ID[tok] for tok in text.split()][:max_len]
    return ids + [CODE2ID["<pad>"]] * (max_len - len(ids))


def build_batch(rows):
    codes = torch.tensor([encode_log(t) for t, _ in rows], dtype=torch.long)
    present = (codes != CODE2ID["<pad>"]).float()
    target = torch.tensor([STATES.index(s) for _, s in rows], dtype=torch.long)
    return {"codes": codes, "present": present, "target": target}


def init_params():
    def glorot(rows, cols):
        bound = math.sqrt(6.0 / (rows + cols))
        return (torch.rand(rows, cols) * 2 - 1) * bound

    params = {
        "emb": torch.randn(len(EVENT_CODES), EMB_DIM) * 0.1,
        "W_hid": glorot(HIDDEN, EMB_DIM),
        "b_hid": torch.zeros(HIDDEN),
        "W_out": glorot(N_STATES, HIDDEN),
        "b_out": torch.zeros(N_STATES),
    }
    for p in params.values():
        p.requires_grad_(True)
    return params


def forward(params, batch):
    vecs = F.embedding(batch["codes"], params["emb"], padding_idx=0)
    weights = batch["present"].unsqueeze(-1)
    pooled = (vecs * weights).sum(1) / weights.sum(1).clamp(min=1.0)
    hidden = torch.tanh(F.linear(pooled, params["W_hid"], params["b_hid"]))
    return F.linear(hidden, params["W_out"], params["b_out"])


def main():
    params = init_params()
    n_params = sum(p.numel() for p in params.values())
    print(f"hive classifier: {n_params} parameters, {len(HIVE_LOGS)} logs")
    opt = torch.optim.Adam(params.values(), lr=5e-3)

    for epoch in range(30):
        rows = HIVE_LOGS[:]
        random.shuffle(rows)
        batch = build_batch(rows)
        logits = forward(params, batch)
        loss = F.cross_entropy(logits, batch["target"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            acc = (logits.argmax(-1) == batch["target"]).float().mean().item()
            print(f"epoch {epoch:02d} loss={loss.item():.4f} acc={acc:.2f}")

    with torch.no_grad():
        probe = build_batch([("pipe toot toot quack", "pre_swarm")])
        pred = forward(params, probe).argmax(-1).item()
    print("probe prediction:", STATES[pred])


if __name__ == "__main__":
    main()
