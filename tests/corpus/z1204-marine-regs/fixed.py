"""Dual-encoder for matching deck officers' questions to port-state-control regulation clauses.

Contrastive training with in-batch negatives, tiny transformer encoder, CPU only.
"""
import re
import random
from concurrent.futures import ThreadPoolExecutor

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
random.seed(7)

PAIRS = [
    ("how often must the lifeboat engine be run", "SOLAS III/20.6.1: lifeboat engines shall be run for not less than three minutes weekly"),
    ("weekly lifeboat engine test duration", "SOLAS III/20.6.1: lifeboat engines shall be run for not less than three minutes weekly"),
    ("who signs the oil record book part one", "MARPOL I/17.4: each operation shall be signed by the officer in charge and each page by the master"),
    ("when is the garbage record book required", "MARPOL V/10.3: every ship of 400 gross tonnage and above shall carry a garbage record book"),
    ("does the master sign each page of the oil record book", "MARPOL I/17.4: each operation shall be signed by the officer in charge and each page by the master"),
    ("fire drill frequency for cargo ships", "SOLAS III/19.3.2: every crew member shall participate in at least one abandon ship drill and one fire drill every month"),
    ("monthly abandon ship drill requirement", "SOLAS III/19.3.2: every crew member shall participate in at least one abandon ship drill and one fire drill every month"),
    ("minimum rest hours for watchkeepers", "STCW VIII/1: a minimum of ten hours of rest in any twenty four hour period"),
    ("garbage record book gross tonnage threshold", "MARPOL V/10.3: every ship of 400 gross tonnage and above shall carry a garbage record book"),
    ("rest period rules in a twenty four hour day", "STCW VIII/1: a minimum of ten hours of rest in any twenty four hour period"),
    ("emergency fire pump test interval", "SOLAS II-2/14.2: the emergency fire pump shall be tested and maintained as per the onboard plan"),
    ("who maintains the emergency fire pump", "SOLAS II-2/14.2: the emergency fire pump shall be tested and maintained as per the onboard plan"),
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]"]


def words(text):
    return re.findall(r"[a-z0-9/\.\-]+", text.lower())


def build_vocab(pairs):
    seen = {}
    for q, d in pairs:
        for w in words(q) + words(d):
            seen.setdefault(w, len(seen) + len(SPECIALS))
    vocab = {tok: i for i, tok in enumerate(SPECIALS)}
    vocab.update(seen)
    return vocab


VOCAB = build_vocab(PAIRS)


def encode_record(rec):
    """Worker: tokenize a question/clause pair; returns ids plus per-side lengths."""
    q, d = rec
    q_ids = [VOCAB["[CLS]"]] + [VOCAB.get(w, 1) for w in words(q)]
    d_ids = [VOCAB["[CLS]"]] + [VOCAB.get(w, 1) for w in words(d)]
    return {"q_ids": q_ids, "d_ids": d_ids, "q_len": len(q_ids), "d_len": len(d_ids),
            "clause": d.split(":")[0]}


def pad_stack(seqs):
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    for row, s in enumerate(seqs):
        ids[row, : len(s)] = torch.tensor(s)
    return ids, ids.ne(0)


def make_batch(chunk):
    # the same clause can answer several questions -> encode each clause once per batch
    clause_slot, doc_seqs = {}, []
    for r in chunk:
        if r["clause"] not in clause_slot:
            clause_slot[r["clause"]] = len(doc_seqs)
            doc_seqs.append(r["d_ids"])
    q_tok, q_keep = pad_stack([r["q_ids"] for r in chunk])
    d_tok, d_keep = pad_stack(doc_seqs)
    targets = torch.tensor([clause_slot[r["clause"]] for r in chunk])
    return {"q": (q_tok, q_keep), "d": (d_tok, d_keep), "targets": targets}


class ClauseEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(64, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1)

    def forward(self, tok, keep):
        pos = torch.arange(tok.size(1)).unsqueeze(0)
        h = self.enc(self.emb(tok) + self.pos(pos), src_key_padding_mask=~keep)
        pooled = (h * keep.unsqueeze(-1)).sum(1) / keep.sum(1, keepdim=True)
        return F.normalize(pooled, dim=-1)


def main():
    with ThreadPoolExecutor(max_workers=4) as pool:
        encoded = list(pool.map(encode_record, PAIRS))
    print(f"encoded {len(encoded)} pairs, vocab={len(VOCAB)}, "
          f"max question len={max(e['q_len'] for e in encoded)}, max clause len={max(e['d_len'] for e in encoded)}")

    # shorter questions first keeps padding low
    encoded.sort(key=lambda e: e["q_len"])
    batch_size = 6
    batches = [make_batch(encoded[i:i + batch_size]) for i in range(0, len(encoded), batch_size)]

    model = ClauseEncoder(len(VOCAB))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    temperature = 0.05

    for epoch in range(3):
        total = 0.0
        for step, batch in enumerate(batches):
            q_vec = model(*batch["q"])
            d_vec = model(*batch["d"])
            scores = q_vec @ d_vec.T / temperature
            loss = F.cross_entropy(scores, batch["targets"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: contrastive loss {total / len(batches):.4f}")

    print("done")


if __name__ == "__main__":
    main()
