import json
import os
import random
from collections import defaultdict
from datetime import datetime, timedelta

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
LOG_PATH = os.path.join(HERE, "auth_events.jsonl")

AUTH_METHODS = ["password", "mfa_push", "sso", "api_key", "legacy_basic"]
METHOD2ID = {m: i + 1 for i, m in enumerate(AUTH_METHODS)}
WINDOW = 8
NUM_FEATS = 4


def write_auth_log(path, n_users=40, seed=11):
    rng = random.Random(seed)
    t0 = datetime(2024, 3, 1)
    with open(path, "w") as fh:
        for u in range(n_users):
            user = f"user{u:03d}"
            home = rng.choice(["US", "DE", "IN", "BR"])
            t = t0 + timedelta(minutes=rng.randint(0, 600))
            compromised = rng.random() < 0.25
            for k in range(rng.randint(6, 20)):
                t += timedelta(hours=rng.expovariate(1 / 9))
                attack = compromised and k > 4 and rng.random() < 0.5
                ev = {
                    "ts": t.isoformat(),
                    "user": user,
                    "method": "legacy_basic" if attack else rng.choice(AUTH_METHODS[:4]),
                    "country": rng.choice(["RU", "CN", "NG"]) if attack else home,
                    "success": (rng.random() < 0.4) if attack else (rng.random() < 0.95),
                    "label": int(attack),
                }
                fh.write(json.dumps(ev) + "\n")


def load_events(path):
    with open(path) as fh:
        events = [json.loads(line) for line in fh]
    events.sort(key=lambda e: (e["user"], e["ts"]))
    return events


def featurize(events):
    by_user = defaultdict(list)
    for ev in events:
        by_user[ev["user"]].append(ev)

    feats = {}
    for user, evs in by_user.items():
        last_ok, fail_streak, home = None, 0, evs[0]["country"]
        rows = []
        for ev in evs:
            ts = datetime.fromisoformat(ev["ts"])
            hours_since_ok = (ts - last_ok).total_seconds() / 3600 if last_ok else 0.0
            rows.append({
                "method_id": METHOD2ID[ev["method"]],
                "num": [
                    hours_since_ok,
                    float(fail_streak),
                    float(ev["country"] != home),
                    float(ts.hour) / 23.0,
                ],
                "label": ev["label"],
            })
            if ev["success"]:
                last_ok, fail_streak = ts, 0
            else:
                fail_streak += 1
        feats[user] = rows
    return feats


class LoginWindowDataset(Dataset):
    def __init__(self, feats, window):
        self.items = []
        for user, rows in feats.items():
            for end in range(len(rows)):
                start = max(0, end - window + 1)
                self.items.append((user, rows[start:end + 1]))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        user, rows = self.items[idx]
        return {
            "user": user,
            "method_ids": [r["method_id"] for r in rows],
            "num": [r["num"] for r in rows],
            "label": rows[-1]["label"],
        }


def collate_windows(batch):
    lengths = torch.tensor([len(b["method_ids"]) for b in batch])
    methods = pad_sequence([torch.tensor(b["method_ids"]) for b in batch], batch_first=True)
    nums = pad_sequence([torch.tensor(b["num"], dtype=torch.float32) for b in batch], batch_first=True)
    labels = torch.tensor([b["label"] for b in batch], dtype=torch.float32)
    return methods, nums, lengths, labels


class TakeoverScorer(nn.Module):
    def __init__(self, n_methods, emb_dim=8, hidden=32):
        super().__init__()
        self.method_emb = nn.Embedding(n_methods + 1, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim + NUM_FEATS, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, methods, nums, lengths):
        x = torch.cat([self.method_emb(methods), nums], dim=-1)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        return self.out(h[-1]).squeeze(-1)


def main():
    torch.manual_seed(0)
    write_auth_log(LOG_PATH)
    feats = featurize(load_events(LOG_PATH))
    ds = LoginWindowDataset(feats, WINDOW)
    loader = DataLoader(ds, batch_size=32, shuffle=True, collate_fn=collate_windows)

    model = TakeoverScorer(len(AUTH_METHODS))
    pos_weight = torch.tensor([4.0])
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(3):
        total = 0.0
        for methods, nums, lengths, labels in loader:
            opt.zero_grad()
            loss = loss_fn(model(methods, nums, lengths), labels)
            loss.backward()
            opt.step()
            total += loss.item() * labels.size(0)
        print(f"epoch {epoch}: loss={total / len(ds):.4f}")


if __name__ == "__main__":
    main()
