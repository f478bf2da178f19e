"""Session encoder for next-basket recommendation (reco-lab / sessions module)."""
import argparse
import os
import random
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Protocol

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


# ---------------------------------------------------------------- utils
def to_tensor(x, dtype=torch.long):
    return torch.as_tensor(x, dtype=dtype)


def pad_to(seq, length, value=0):
    seq = list(seq)[:length]
    return seq + [value] * (length - len(seq))


def batched(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


# ---------------------------------------------------------------- data
@dataclass
class Txn:
    session_id: int
    user_id: int
    sku: str
    qty: int


def synth_log(n_sessions=96, n_skus=60, seed=7) -> List[Txn]:
    rng = random.Random(seed)
    skus = [f"i{1000 + k}" for k in range(n_skus)]
    log = []
    for s in range(n_sessions):
        user = rng.randint(1, 40)
        for _ in range(rng.randint(3, 14)):
            log.append(Txn(s, user, rng.choice(skus), rng.randint(1, 3)))
    return log


def build_sku_vocab(log: List[Txn], min_count=1) -> List[str]:
    counts = Counter(t.sku for t in log)
    return SPECIALS + sorted(s for s, c in counts.items() if c >= min_count)


def write_vocab(tokens: List[str], path: str) -> str:
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def group_sessions(log: List[Txn]) -> Dict[int, List[str]]:
    out: Dict[int, List[str]] = {}
    for t in log:
        out.setdefault(t.session_id, []).append(t.sku)
    return out


# ---------------------------------------------------------------- models
class SessionModel(Protocol):
    def encode(self, batch: Dict[str, torch.Tensor]) -> torch.Tensor: ...


class BertSessionEncoder(nn.Module):
    def __init__(self, vocab_size: int, max_len: int, dim: int = 32):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=dim, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=max_len + 8)
        self.bert = BertModel(cfg)
        self.head = nn.Linear(dim, vocab_size)

    def encode(self, batch):
        out = self.bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        return masked_mean(out.last_hidden_state, batch["item_mask"])

    def forward(self, batch):
        return self.head(self.encode(batch))


def masked_mean(hidden, mask):
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


# ---------------------------------------------------------------- batching
def make_batch(tok, sessions: List[List[str]], max_len: int):
    prefixes = [s[:-1] for s in sessions]
    targets = [s[-1] for s in sessions]
    enc = tok([" ".join(p) for p in prefixes], padding=True, truncation=True,
              max_length=max_len, return_tensors="pt")
    item_mask = [pad_to([0] + [1] * min(len(p), max_len - 2) + [0], max_len) for p in prefixes]
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "item_mask": to_tensor(item_mask),
        "target": to_tensor(tok.convert_tokens_to_ids(targets)),
    }


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-len", type=int, default=24)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=3e-3)
    args = ap.parse_args(argv)

    torch.manual_seed(0)
    log = synth_log()
    vocab = build_sku_vocab(log)
    vocab_path = write_vocab(vocab, os.path.join(HERE, "sku_vocab.txt"))
    tok = BertTokenizer(vocab_path)

    @lru_cache(maxsize=None)
    def sku_index(sku: str) -> int:
        return tok.convert_tokens_to_ids(sku)

    sessions = [s for s in group_sessions(log).values() if len(s) >= 2]
    print(f"{len(sessions)} sessions, {len(vocab)} tokens, first sku idx={sku_index(sessions[0][0])}")

    model = BertSessionEncoder(len(vocab), args.max_len)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for chunk in batched(sessions, args.batch_size):
            batch = make_batch(tok, chunk, args.max_len)
            logits = model(batch)
            loss = loss_fn(logits, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(chunk)
        print(f"epoch {epoch}: loss={total / len(sessions):.4f}")

    model.eval()
    with torch.no_grad():
        batch = make_batch(tok, sessions[:8], args.max_len)
        top = model(batch).topk(5, dim=-1).indices
    print("top-5 for first session:", tok.convert_ids_to_tokens(top[0].tolist()))


if __name__ == "__main__":
    main(["--max-len", "24", "--batch-size", "16", "--epochs", "2"])
