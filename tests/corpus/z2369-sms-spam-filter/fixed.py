import random
import re
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

CONFIG = {
    "seed": 7,
    "n_buckets": 4096,
    "ngram": 2,
    "emb_dim": 48,
    "batch_size": 32,
    "epochs": 3,
    "lr": 0.05,
    "review_threshold": 0.35,
    "block_threshold": 0.9,
}

random.seed(CONFIG["seed"])
np.random.seed(CONFIG["seed"])
torch.manual_seed(CONFIG["seed"])

HAM = ["hey are we still on for lunch", "call me when you get home", "running late sorry",
       "did you see the game last night", "can you pick up milk", "happy birthday mate",
       "meeting moved to 3pm", "ok see you there", "love you x", "where did you park"]
SPAM_HOOKS = ["WINNER", "free", "claim", "prize", "urgent", "txt", "STOP", "cash", "now", "click",
              "http://bit.ly/xx", "award", "guaranteed", "ringtone", "reply"]


def fake_sms(rng):
    is_spam = rng.random() < 0.3
    if is_spam:
        words = [rng.choice(SPAM_HOOKS) for _ in range(rng.randint(5, 12))]
        if rng.random() < 0.5:
            words += rng.choice(HAM).split()[:3]
        words.append(str(rng.randint(10000, 99999)))
    else:
        words = rng.choice(HAM).split()
        if rng.random() < 0.15:
            words.append(rng.choice(SPAM_HOOKS))
    return " ".join(words), int(is_spam)


def normalise(text):
    text = text.lower()
    text = re.sub(r"https?://\S+", " <url> ", text)
    text = re.sub(r"\d{4,}", " <num> ", text)
    return text.split()


def hash_features(tokens, n_buckets, ngram):
    feats = list(tokens)
    for n in range(2, ngram + 1):
        feats += ["_".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    return [zlib.crc32(f.encode()) % n_buckets for f in feats]


def collate_bag(batch):
    ids, offsets, labels, raw = [], [0], [], []
    for text, label in batch:
        h = hash_features(normalise(text), CONFIG["n_buckets"], CONFIG["ngram"])
        ids.extend(h)
        offsets.append(offsets[-1] + len(h))
        labels.append(label)
        raw.append(text)
    return (torch.tensor(ids, dtype=torch.long), torch.tensor(offsets[:-1], dtype=torch.long),
            torch.tensor(labels, dtype=torch.float), raw)


class FastTextSpam(nn.Module):
    def __init__(self, n_buckets, dim):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_buckets, dim, mode="mean")
        self.out = nn.Linear(dim, 1)

    def forward(self, ids, offsets):
        return self.out(self.bag(ids, offsets)).squeeze(-1)


def train(model, loader):
    opt = torch.optim.SGD(model.parameters(), lr=CONFIG["lr"])
    for epoch in range(CONFIG["epochs"]):
        total, seen = 0.0, 0
        for ids, offsets, labels, _ in loader:
            logits = model(ids, offsets)
            loss = F.binary_cross_entropy_with_logits(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * labels.numel()
            seen += labels.numel()
        print(f"epoch {epoch}: loss {total / seen:.4f}")


@torch.no_grad()
def build_review_queue(model, loader):
    model.eval()
    queue, blocked, passed = [], [], 0
    for ids, offsets, labels, raw in loader:
        spam_prob = torch.sigmoid(model(ids, offsets))
        for j in range(spam_prob.size(0)):
            p = spam_prob[j].item()
            if p >= CONFIG["block_threshold"]:
                blocked.append((raw[j], p))
            elif p >= CONFIG["review_threshold"]:
                queue.append((raw[j], p, int(labels[j].item())))
            else:
                passed += 1
    return queue, blocked, passed


def main():
    rng = random.Random(CONFIG["seed"])
    train_msgs = [fake_sms(rng) for _ in range(640)]
    incoming = [fake_sms(rng) for _ in range(203)]

    train_loader = DataLoader(train_msgs, batch_size=CONFIG["batch_size"], shuffle=True,
                              collate_fn=collate_bag)
    inbox_loader = DataLoader(incoming, batch_size=CONFIG["batch_size"], shuffle=False,
                              collate_fn=collate_bag)

    model = FastTextSpam(CONFIG["n_buckets"], CONFIG["emb_dim"])
    train(model, train_loader)

    queue, blocked, passed = build_review_queue(model, inbox_loader)
    print(f"blocked={len(blocked)} review={len(queue)} passed={passed}")
    for text, p, y in sorted(queue, key=lambda r: -r[1])[:5]:
        print(f"  {p:.2f} (gold={y}) {text[:60]}")


if __name__ == "__main__":
    main()
