"""Triplet fine-tuning of a small building-code retrieval encoder with lexically mined hard negatives.

The document store exports one row per (chapter, clause) citation, so the same clause text shows up
several times. We only embed each distinct clause once per epoch.
"""
import re
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

DOC_STORE = [
    "guardrails are required where the walking surface is more than 30 inches above grade",
    "stair risers shall not exceed 7 3/4 inches in height",
    "guardrails are required where the walking surface is more than 30 inches above grade",
    "smoke alarms shall be installed in each sleeping room and outside each sleeping area",
    "stair risers shall not exceed 7 3/4 inches in height",
    "egress windows shall have a net clear opening of not less than 5.7 square feet",
    "handrails shall be provided on at least one side of each flight with four or more risers",
    "smoke alarms shall be installed in each sleeping room and outside each sleeping area",
    "carbon monoxide alarms are required in dwellings with fuel fired appliances or attached garages",
    "deck ledger boards shall be attached to the band joist with lag screws or through bolts",
    "the minimum ceiling height for habitable rooms is 7 feet",
    "emergency escape openings shall have a sill height not more than 44 inches above the floor",
    "handrail height measured from the stair nosing shall be not less than 34 inches",
    "garage separation from the dwelling requires half inch gypsum board on the garage side",
    "deck joists shall be spaced not more than 16 inches on center for composite decking",
    "smoke alarms in new construction shall be hardwired and interconnected",
]

TRAIN_QUERIES = [
    ("how high can a stair riser be", DOC_STORE[1]),
    ("where do smoke alarms go in a house", DOC_STORE[3]),
    ("do i need a guardrail on my deck", DOC_STORE[0]),
    ("how big must a basement egress window opening be", DOC_STORE[5]),
    ("how tall should a stair handrail be", DOC_STORE[12]),
    ("when is a carbon monoxide alarm needed", DOC_STORE[8]),
    ("how should a deck ledger be fastened", DOC_STORE[9]),
    ("what drywall is needed between garage and house", DOC_STORE[13]),
]

MAX_LEN = 24
NUM_NEGATIVES = 3
MARGIN = 0.3


def words(text):
    return re.findall(r"[a-z0-9/.]+", text.lower())


class WordVocab:
    def __init__(self, texts):
        self.itos = ["[PAD]", "[UNK]"] + sorted({w for t in texts for w in words(t)})
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def batch(self, texts):
        ids = torch.zeros(len(texts), MAX_LEN, dtype=torch.long)
        for r, t in enumerate(texts):
            toks = [self.stoi.get(w, 1) for w in words(t)][:MAX_LEN]
            ids[r, : len(toks)] = torch.tensor(toks)
        return ids, ids.ne(0)


class ClauseEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(MAX_LEN, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)

    def forward(self, ids, keep):
        x = self.tok(ids) + self.pos(torch.arange(ids.size(1)))
        x = self.body(x, src_key_padding_mask=~keep)
        pooled = (x * keep.unsqueeze(-1)).sum(1) / keep.sum(1, keepdim=True)
        return F.normalize(pooled, dim=-1)


class LexicalMiner:
    """Jaccard overlap against every row of the store; returns the k most similar non-gold rows."""

    def __init__(self, docs):
        self.docs = docs
        self.bags = [set(words(d)) for d in docs]

    def mine(self, query, gold_text, k):
        q = set(words(query))
        overlap = torch.tensor([len(q & b) / len(q | b) for b in self.bags])
        for i, d in enumerate(self.docs):
            if d == gold_text:
                overlap[i] = -1.0
        return overlap.topk(k).indices


def main():
    corpus = list(dict.fromkeys(DOC_STORE))
    row_of = {text: i for i, text in enumerate(corpus)}
    print(f"store rows: {len(DOC_STORE)}, distinct clauses: {len(corpus)}")

    vocab = WordVocab(DOC_STORE + [q for q, _ in TRAIN_QUERIES])
    encoder = ClauseEncoder(len(vocab.itos))
    optim = torch.optim.AdamW(encoder.parameters(), lr=3e-4)
    miner = LexicalMiner(DOC_STORE)

    queries = [q for q, _ in TRAIN_QUERIES]
    pos_rows = torch.tensor([row_of[gold] for _, gold in TRAIN_QUERIES]).unsqueeze(1)
    neg_ids = torch.stack([miner.mine(q, gold, NUM_NEGATIVES) for q, gold in TRAIN_QUERIES])
    # the miner returns store row numbers; translate them to rows of the deduplicated corpus
    store_to_row = torch.tensor([row_of[d] for d in DOC_STORE])
    neg_ids = store_to_row[neg_ids]

    corpus_ids, corpus_keep = vocab.batch(corpus)
    query_ids, query_keep = vocab.batch(queries)

    for epoch in range(3):
        encoder.train()
        corpus_emb = encoder(corpus_ids, corpus_keep)
        query_emb = encoder(query_ids, query_keep)
        sims = query_emb @ corpus_emb.T

        pos_sim = sims.gather(1, pos_rows)
        neg_sim = sims.gather(1, neg_ids)
        loss = F.relu(MARGIN - pos_sim + neg_sim).mean()

        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"epoch {epoch}: triplet loss {loss.item():.4f}")

    encoder.eval()
    with torch.no_grad():
        top = (encoder(query_ids, query_keep) @ encoder(corpus_ids, corpus_keep).T).argmax(1)
    hits = sum(int(t) == int(p) for t, p in zip(top, pos_rows.squeeze(1)))
    print(f"train recall@1: {hits}/{len(queries)}")


if __name__ == "__main__":
    main()
