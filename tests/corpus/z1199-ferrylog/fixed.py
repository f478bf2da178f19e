"""Severity tagging for ferry crossing incident reports.

Reports are tokenised in a thread pool, bucketed by length and run through a
hand-unrolled GRU cell so we can keep the last real state of each report.
"""
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import torch
import torch.nn as nn

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("ferrylog")
torch.manual_seed(5)

SEVERITY = {"routine": 0, "minor": 1, "serious": 2}
REPORTS = [
    ("vehicle deck door alarm reset", "routine"),
    ("passenger slipped on wet stairway ankle injury first aid given", "minor"),
    ("port engine overheat crossing delayed twenty minutes", "minor"),
    ("mooring line parted during berthing no injuries", "serious"),
    ("late boarding foot passengers", "routine"),
    ("fire alarm in galley false alarm toaster", "routine"),
    ("car shifted in heavy swell damage to two vehicles lashing failed", "serious"),
    ("lifejacket locker found unsecured", "minor"),
    ("man overboard drill completed on schedule", "routine"),
]
BUCKET = 3


def tokenize(text, table):
    return [table.setdefault(w, len(table)) for w in text.lower().split()]


def encode_report(item, table):
    text, level = item
    ids = tokenize(text, table)
    return {"ids": ids, "n": len(ids), "y": SEVERITY[level]}


def make_buckets(encoded, size):
    ordered = sorted(encoded, key=lambda r: r["n"])
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def to_tensors(bucket, pad_id=0):
    width = max(r["n"] for r in bucket)
    ids = torch.full((len(bucket), width), pad_id, dtype=torch.long)
    for row, rec in enumerate(bucket):
        ids[row, : rec["n"]] = torch.tensor(rec["ids"])
    lens = torch.tensor([rec["n"] for rec in bucket])
    ys = torch.tensor([rec["y"] for rec in bucket])
    return ids, lens, ys


class UnrolledTagger(nn.Module):
    def __init__(self, vocab_size, dim, n_levels):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.cell = nn.GRUCell(dim, dim)
        self.out = nn.Linear(dim, n_levels)

    def forward(self, ids, lens, steps):
        vecs = self.emb(ids)
        state = vecs.new_zeros(ids.size(0), self.cell.hidden_size)
        for t in range(steps):
            stepped = self.cell(vecs[:, t], state)
            alive = (t < lens).unsqueeze(-1)
            # padded positions keep the previous state
            state = torch.where(alive, stepped, state)
        return self.out(state)


def main():
    table = {"<pad>": 0}
    # warm the table in order so ids are deterministic across thread scheduling
    for text, _ in REPORTS:
        tokenize(text, table)
    worker = partial(encode_report, table=table)
    with ThreadPoolExecutor(max_workers=3) as pool:
        encoded = list(pool.map(worker, REPORTS))

    buckets = make_buckets(encoded, BUCKET)
    longest = max(r["n"] for r in encoded)
    log.info("%d reports, %d buckets, longest report %d tokens", len(encoded), len(buckets), longest)

    model = UnrolledTagger(len(table), 16, len(SEVERITY))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(4):
        running = 0.0
        for bucket in buckets:
            ids, lens, ys = to_tensors(bucket)
            logits = model(ids, lens, steps=ids.size(1))
            loss = loss_fn(logits, ys)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        log.info("epoch %d mean loss %.4f", epoch, running / len(buckets))

    with torch.no_grad():
        for bucket in buckets:
            ids, lens, ys = to_tensors(bucket)
            guess = model(ids, lens, steps=ids.size(1)).argmax(-1)
            log.info("bucket gold %s predicted %s", ys.tolist(), guess.tolist())


if __name__ == "__main__":
    main()
