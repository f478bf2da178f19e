import heapq
import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

WORKDIR = os.path.dirname(os.path.abspath(__file__))
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(
    "organic green tea matcha loose leaf bags honey lemon ginger chamomile decaf black earl grey "
    "ceramic mug travel tumbler insulated 12oz 16oz 20oz gift set sampler pack bulk".split()))
N_HARD = 3
MAX_LEN = 20


@dataclass
class Config:
    hidden: int = 32
    lr: float = 3e-4
    epochs: int = 2
    batch_size: int = 16
    margin: float = 0.3


def build_catalog(n=150):
    words = VOCAB[5:]
    return [{"sku": f"SKU{i:04d}", "title": " ".join(random.sample(words, 4))} for i in range(n)]


def build_queries(catalog, n=64):
    qs = []
    for _ in range(n):
        prod = random.choice(catalog)
        toks = prod["title"].split()
        qs.append({"text": " ".join(random.sample(toks, 2)), "pos_sku": prod["sku"]})
    return qs


def lexical_overlap(query, title):
    return len(set(query.split()) & set(title.split()))


def mine_hard_negatives(queries, catalog, k=N_HARD):
    mined = {}
    for q in queries:
        scored = ((lexical_overlap(q["text"], p["title"]), p) for p in catalog if p["sku"] != q["pos_sku"])
        top = heapq.nlargest(k, scored, key=lambda t: t[0])
        mined[q["text"]] = [p for _, p in top]
    return mined


class TripletSet(Dataset):
    def __init__(self, queries, catalog, negatives):
        by_sku = {p["sku"]: p for p in catalog}
        self.rows = []
        for q in queries:
            for neg in negatives[q["text"]]:
                self.rows.append((q["text"], by_sku[q["pos_sku"]]["title"], neg["title"]))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


class SharedEncoder(nn.Module):
    def __init__(self, vocab_size, hidden):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=64,
                                         max_position_embeddings=64))

    def forward(self, enc):
        out = self.bert(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        pooled = (out * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return F.normalize(pooled, dim=-1)


def main():
    cfg = Config()
    vocab_path = os.path.join(WORKDIR, "tea_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    tokenizer = BertTokenizer(vocab_path)

    catalog = build_catalog()
    queries = build_queries(catalog)
    negatives = mine_hard_negatives(queries, catalog)
    ds = TripletSet(queries, catalog, negatives)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=lambda rows: list(zip(*rows)))

    tok = lambda xs: tokenizer(list(xs), padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
    model = SharedEncoder(tokenizer.vocab_size, cfg.hidden)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        total = 0.0
        for q_txt, pos_txt, neg_txt in loader:
            q, p, n = model(tok(q_txt)), model(tok(pos_txt)), model(tok(neg_txt))
            loss = F.relu(cfg.margin - (q * p).sum(-1) + (q * n).sum(-1)).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(q_txt)
        print(f"epoch {epoch} triplet loss {total / len(ds):.4f}")


if __name__ == "__main__":
    main()
