"""Bag-of-words classifier for coastguard incident reports.

Reports come in per-split CSV files; the category ontology lives in its own TSV
maintained by the ops team so every split shares the same id assignment.
"""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn

random.seed(7)
torch.manual_seed(7)

ONTOLOGY = [
    ("collision", "two vessels or vessel and fixed structure"),
    ("contamination", "fuel or cargo spill"),
    ("engine_failure", "loss of propulsion"),
    ("grounding", "vessel aground"),
    ("man_overboard", "person in the water"),
]

TRAIN = [
    (101, 3, "ferry struck pier while berthing in crosswind", "collision"),
    (102, 2, "trawler lost propulsion ten miles offshore", "engine_failure"),
    (103, 4, "deckhand fell over rail during net haul", "man_overboard"),
    (104, 3, "yacht aground on sandbar at low tide", "grounding"),
    (105, 2, "tug engine overheated and shut down", "engine_failure"),
    (106, 4, "crew member swept overboard by wave", "man_overboard"),
    (107, 3, "cargo ship and barge collided in channel", "collision"),
    (108, 2, "sailboat stuck on rocks near harbour mouth", "grounding"),
]
DEV = [
    (201, 3, "diesel sheen spotted behind moored tanker", "contamination"),
    (202, 2, "fishing vessel adrift after engine stopped", "engine_failure"),
    (203, 4, "passenger fell from ferry deck", "man_overboard"),
]


def write_files(root):
    with open(os.path.join(root, "categories.tsv"), "w") as fh:
        fh.write("code\tdescription\n")
        for code, desc in ONTOLOGY:
            fh.write(f"{code}\t{desc}\n")
    for name, rows in (("train.csv", TRAIN), ("dev.csv", DEV)):
        with open(os.path.join(root, name), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["report_id", "severity", "narrative", "category"])
            w.writerows(rows)


def read_reports(path):
    with open(path, newline="") as fh:
        out = []
        for row in csv.DictReader(fh):
            row["report_id"] = int(row["report_id"])
            row["severity"] = int(row["severity"])
            out.append(row)
    return out


def read_ontology(path):
    with open(path) as fh:
        next(fh)  # header
        codes = [line.split("\t")[0] for line in fh if line.strip()]
    return {c: i for i, c in enumerate(sorted(set(codes)))}


class ReportClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=24):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.sev = nn.Embedding(6, 4)
        self.out = nn.Linear(dim + 4, n_classes)

    def forward(self, flat_ids, offsets, severity):
        h = torch.cat([self.bag(flat_ids, offsets), self.sev(severity)], dim=-1)
        return self.out(h)


def to_batch(reports, word_index, cat_index):
    flat, offsets = [], []
    for r in reports:
        offsets.append(len(flat))
        flat.extend(word_index.get(w, 0) for w in r["narrative"].split())
    return (
        torch.tensor(flat),
        torch.tensor(offsets),
        torch.tensor([r["severity"] for r in reports]),
        torch.tensor([cat_index[r["category"]] for r in reports]),
    )


def main():
    root = tempfile.mkdtemp(prefix="cg_reports_")
    write_files(root)

    cat_index = read_ontology(os.path.join(root, "categories.tsv"))
    train = read_reports(os.path.join(root, "train.csv"))
    dev = read_reports(os.path.join(root, "dev.csv"))
    print(f"loaded {len(train)} train / {len(dev)} dev reports")

    words = sorted({w for r in train for w in r["narrative"].split()})
    word_index = {w: i + 1 for i, w in enumerate(words)}  # 0 = unknown
    n_classes = len(cat_index)
    print(f"vocab={len(word_index) + 1} classes={n_classes}")

    model = ReportClassifier(len(word_index) + 1, n_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()

    ids, offs, sev, target = to_batch(train, word_index, cat_index)
    for epoch in range(5):
        opt.zero_grad()
        loss = loss_fn(model(ids, offs, sev), target)
        loss.backward()
        opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        ids, offs, sev, target = to_batch(dev, word_index, cat_index)
        pred = model(ids, offs, sev).argmax(-1)
    acc = (pred == target).float().mean().item()
    print(f"dev accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
