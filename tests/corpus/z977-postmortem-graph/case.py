"""Serverless extractive summariser for incident post-mortems.

Each post-mortem is split into sentences; sentences that share enough keywords
are linked, a small transformer encodes each sentence, one round of graph
message passing mixes neighbours, and a scorer picks the summary sentences.
"""
import json
import re
from collections import defaultdict
from itertools import combinations

import torch
import torch.nn as nn

STOP = {"the", "a", "an", "to", "of", "and", "was", "were", "in", "on", "for", "at", "by", "we", "is"}


def words(sentence):
    return [w for w in re.findall(r"[a-z0-9]+", sentence.lower()) if w not in STOP]


def build_vocab(docs):
    vocab = {"<pad>": 0, "<unk>": 1}
    for doc in docs:
        for sent in doc:
            for w in words(sent):
                vocab.setdefault(w, len(vocab))
    return vocab


def sentence_table(docs):
    # flat table of (doc_no, sentence) used for dedup and overlap stats
    return [(d, s) for d, doc in enumerate(docs) for s in doc]


def overlap_edges(table, doc_no, min_shared):
    members = [(gid, set(words(s))) for gid, (d, s) in enumerate(table) if d == doc_no]
    edges = []
    for (ga, wa), (gb, wb) in combinations(members, 2):
        if len(wa & wb) >= min_shared:
            edges += [(ga, gb), (gb, ga)]
    return torch.tensor(edges, dtype=torch.long).t() if edges else torch.zeros(2, 0, dtype=torch.long)


class SentenceEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=2 * dim, batch_first=True)

    def forward(self, tok, pad):
        h = self.layer(self.emb(tok), src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        return (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)


class GraphScorer(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.enc = SentenceEncoder(vocab_size, dim)
        self.self_proj = nn.Linear(dim, dim)
        self.nbr_proj = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, 1)

    def forward(self, tok, pad, edge_index):
        node = self.enc(tok, pad)                      # (n_sent, dim)
        src, dst = edge_index
        agg = torch.zeros_like(node).index_add_(0, dst, self.nbr_proj(node)[src])
        deg = torch.zeros(node.size(0)).index_add_(0, dst, torch.ones(dst.numel())).clamp(min=1)
        node = torch.relu(self.self_proj(node) + agg / deg.unsqueeze(1))
        return self.out(node).squeeze(-1)


def tensorise(doc, vocab):
    ids = [[vocab.get(w, 1) for w in words(s)] or [1] for s in doc]
    width = max(len(x) for x in ids)
    tok = torch.tensor([x + [0] * (width - len(x)) for x in ids])
    return tok, tok.eq(0)


def handler(event, context):
    p = event["params"]
    torch.manual_seed(p.get("seed", 0))
    docs = [d["sentences"] for d in event["postmortems"]]
    vocab = build_vocab(docs)
    table = sentence_table(docs)
    print(f"{len(docs)} post-mortems, {len(table)} sentences, vocab {len(vocab)}")

    model = GraphScorer(len(vocab), p.get("dim", 32))
    opt = torch.optim.Adam(model.parameters(), lr=p.get("lr", 1e-3))
    loss_fn = nn.BCEWithLogitsLoss()
    history = defaultdict(list)
    for epoch in range(p.get("epochs", 2)):
        for d, pm in enumerate(event["postmortems"]):
            tok, pad = tensorise(pm["sentences"], vocab)
            edge_index = overlap_edges(table, d, p.get("min_shared", 1))
            target = torch.tensor(pm["in_summary"], dtype=torch.float)
            loss = loss_fn(model(tok, pad, edge_index), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            history[epoch].append(loss.item())
        print(f"epoch {epoch}: mean loss {sum(history[epoch]) / len(history[epoch]):.4f}")
    return {"statusCode": 200, "body": json.dumps({"epochs": len(history), "last_loss": history[epoch][-1]})}


if __name__ == "__main__":
    event = {
        "postmortems": [
            {"sentences": ["Database failover took eleven minutes.",
                           "The failover script waited on a stale DNS record.",
                           "Customers saw checkout errors during failover.",
                           "We will lower the DNS TTL."],
             "in_summary": [1, 1, 0, 1]},
            {"sentences": ["A certificate expired on the edge proxy.",
                           "Renewal cron had been disabled during a migration.",
                           "The proxy rejected all TLS handshakes.",
                           "Alerting on certificate expiry is now mandatory.",
                           "The migration checklist gains a cron audit step."],
             "in_summary": [1, 1, 0, 1, 0]},
            {"sentences": ["Queue consumers stalled after a deploy.",
                           "The deploy changed the queue prefetch setting.",
                           "Backlog grew to two million messages."],
             "in_summary": [1, 1, 0]},
        ],
        "params": {"epochs": 2, "dim": 32, "min_shared": 1, "seed": 3},
    }
    print(handler(event, None))
