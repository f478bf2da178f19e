"""SMS spam filter: hashed-vocab EmbeddingBag classifier trained on an exported
message log (messages.csv, written below as a stand-in for the real export)."""
import csv
import os
import random
import re
import zlib

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
CSV_PATH = os.path.join(HERE, "messages.csv")
CONFIG = {"num_buckets": 2 ** 14, "emb_dim": 32, "batch_size": 32, "lr": 0.05, "epochs": 3,
          "min_token_len": 2}

random.seed(42)
torch.manual_seed(42)

HAM = ["are we still on for dinner tonight", "running late be there in 10", "ok see you soon",
       "can you pick up milk on the way home", "happy birthday hope you have a great day",
       "call me when you get this", "lol that was hilarious"]
SPAM = ["WINNER you have won a 1000 prize claim now", "URGENT your account is locked verify at",
        "free entry in weekly competition text WIN to 80086", "cheap loans approved instantly reply YES",
        "congratulations you were selected for a free iphone"]
LINK_ONLY = ["http://bit.ly/3xYz9", "https://t.co/aB12cd 🔥🔥", "👉 http://free-gift.win/?id=77 👈",
             "www.claim-now.biz", "😂😂😂", "👍"]


def export_message_log(path, n=600):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["msg_id", "sender", "body", "label"])
        for i in range(n):
            r = random.random()
            if r < 0.06:
                body, label = random.choice(LINK_ONLY), random.choice(["spam", "ham"])
            elif r < 0.4:
                body, label = random.choice(SPAM), "spam"
            else:
                body, label = random.choice(HAM), "ham"
            w.writerow([i, f"+4477{random.randint(10**7, 10**8 - 1)}", body, label])


URL_RE = re.compile(r"(https?://\S+|www\.\S+)")
NON_WORD_RE = re.compile(r"[^a-z0-9 ]+")


class HashingTokenizer:
    def __init__(self, num_buckets, min_token_len=2):
        self.num_buckets = num_buckets
        self.min_token_len = min_token_len

    def normalize(self, text):
        text = URL_RE.sub(" ", text.lower())
        return NON_WORD_RE.sub(" ", text)

    def __call__(self, text):
        toks = [t for t in self.normalize(text).split() if len(t) >= self.min_token_len]
        if not toks:
            return None
        return [zlib.crc32(t.encode()) % (self.num_buckets - 1) + 1 for t in toks]


class SmsDataset(Dataset):
    LABELS = {"ham": 0, "spam": 1}

    def __init__(self, path, tokenizer):
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.tokenizer = tokenizer
        self.rows = [r for r in rows if tokenizer(r["body"]) is not None]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        ids = self.tokenizer(row["body"])
        if ids is None:
            return None
        return {"ids": ids, "label": self.LABELS[row["label"]], "msg_id": row["msg_id"]}


def bag_collate(batch):
    flat, offsets, labels = [], [], []
    for ex in batch:
        offsets.append(len(flat))
        flat.extend(ex["ids"])
        labels.append(ex["label"])
    return torch.tensor(flat), torch.tensor(offsets), torch.tensor(labels, dtype=torch.float)


class SpamBag(nn.Module):
    def __init__(self, num_buckets, dim):
        super().__init__()
        self.bag = nn.EmbeddingBag(num_buckets, dim, mode="mean")
        self.out = nn.Linear(dim, 1)

    def forward(self, flat, offsets):
        return self.out(self.bag(flat, offsets)).squeeze(-1)


def train():
    export_message_log(CSV_PATH)
    tok = HashingTokenizer(CONFIG["num_buckets"], CONFIG["min_token_len"])
    ds = SmsDataset(CSV_PATH, tok)
    dl = DataLoader(ds, batch_size=CONFIG["batch_size"], shuffle=True, collate_fn=bag_collate)

    model = SpamBag(CONFIG["num_buckets"], CONFIG["emb_dim"])
    opt = torch.optim.SGD(model.parameters(), lr=CONFIG["lr"], momentum=0.9)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(CONFIG["epochs"]):
        tot, n = 0.0, 0
        for flat, offsets, y in dl:
            logits = model(flat, offsets)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * y.numel()
            n += y.numel()
        print(f"epoch {epoch}: bce {tot / n:.4f} over {n} messages")


if __name__ == "__main__":
    train()
