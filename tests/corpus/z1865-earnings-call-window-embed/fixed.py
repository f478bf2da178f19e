"""Embed long earnings-call transcripts for semantic search.

Each transcript is cut into overlapping token windows; windows are embedded in
length-sorted buckets (less padding per batch), mean-pooled, and then averaged
back into one vector per call. Analyst queries are ranked by cosine similarity.
"""
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

WINDOW = 64
OVERLAP = 16
BUCKET = 4

FIN_WORDS = (
    "revenue guidance quarter margin gross operating expansion headwinds fx "
    "buyback dividend capex free cash flow backlog bookings churn subscribers "
    "inventory destocking pricing tailwind outlook raise lower reaffirm segment "
    "cloud hardware services emea apac americas analyst question thank you operator"
).split()


def write_vocab(folder):
    path = os.path.join(folder, "fin_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(FIN_WORDS))) + "\n")
    return path


def make_transcripts(n_calls):
    calls = {}
    for i in range(n_calls):
        ticker = f"TCK{i}"
        calls[ticker] = " ".join(random.choice(FIN_WORDS) for _ in range(random.randint(90, 260)))
    return calls


def slide(token_ids, cls_id, sep_id, window, overlap):
    body = window - 2
    step = body - overlap
    pieces = []
    for start in range(0, max(len(token_ids) - overlap, 1), step):
        chunk = token_ids[start:start + body]
        pieces.append([cls_id] + chunk + [sep_id])
        if start + body >= len(token_ids):
            break
    return pieces


class WindowCollator:
    def __init__(self, pad_id, window):
        self.pad_id = pad_id
        self.window = window

    def __call__(self, items):
        longest = max(len(it["ids"]) for it in items)
        ids = torch.full((len(items), longest), self.pad_id, dtype=torch.long)
        keep = torch.zeros(len(items), longest, dtype=torch.long)
        for row, it in enumerate(items):
            n = len(it["ids"])
            ids[row, :n] = torch.tensor(it["ids"])
            keep[row, :n] = 1
        owners = torch.tensor([it["call"] for it in items])
        return ids, keep, owners


def masked_mean(hidden, keep):
    w = keep.unsqueeze(-1).float()
    return (hidden * w).sum(1) / w.sum(1).clamp(min=1.0)


@torch.no_grad()
def embed_calls(encoder, tokenizer, calls):
    tickers = list(calls)
    items = []
    for call_idx, ticker in enumerate(tickers):
        toks = tokenizer(calls[ticker], add_special_tokens=False)["input_ids"]
        for piece in slide(toks, tokenizer.cls_token_id, tokenizer.sep_token_id, WINDOW, OVERLAP):
            items.append({"ids": piece, "call": call_idx})
    items.sort(key=lambda it: len(it["ids"]), reverse=True)

    collate = WindowCollator(tokenizer.pad_token_id, WINDOW)
    sums = torch.zeros(len(tickers), encoder.config.hidden_size)
    counts = torch.zeros(len(tickers), 1)
    for b in range(0, len(items), BUCKET):
        ids, keep, owners = collate(items[b:b + BUCKET])
        hidden = encoder(input_ids=ids, attention_mask=keep).last_hidden_state
        vecs = masked_mean(hidden, keep)
        sums.index_add_(0, owners, vecs)
        counts.index_add_(0, owners, torch.ones(len(owners), 1))
    return tickers, F.normalize(sums / counts, dim=-1)


@torch.no_grad()
def embed_query(encoder, tokenizer, text):
    enc = tokenizer(text, return_tensors="pt")
    hidden = encoder(**enc).last_hidden_state
    return F.normalize(masked_mean(hidden, enc["attention_mask"]), dim=-1)


def main():
    tmp = tempfile.mkdtemp(prefix="calls_")
    tokenizer = BertTokenizer(write_vocab(tmp))
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=WINDOW,
    )
    encoder = BertModel(cfg).eval()

    calls = make_transcripts(5)
    tickers, call_vecs = embed_calls(encoder, tokenizer, calls)
    print(f"indexed {len(tickers)} calls, dim={call_vecs.size(1)}")

    for query in ["raise revenue guidance cloud", "inventory destocking headwinds emea"]:
        q = embed_query(encoder, tokenizer, query)
        scores = (call_vecs @ q.T).squeeze(-1)
        best = scores.topk(3)
        ranked = ", ".join(f"{tickers[i]}:{s:.3f}" for s, i in zip(best.values.tolist(), best.indices.tolist()))
        print(f"{query!r} -> {ranked}")


if __name__ == "__main__":
    main()
