"""Weighted fine-tune of a tiny BERT on maritime incident narratives.

Each report was re-read by a panel of reviewers; the share of reviewers who
agreed with the original category is used as a per-example loss weight so that
contested reports pull less on the classifier.
"""
import csv
import os
import re
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

REPORTS = [
    ("MR-101", "vessel struck the quay wall while berthing in fog", "collision"),
    ("MR-102", "engine room fire after fuel line rupture on main engine", "fire"),
    ("MR-103", "ship touched bottom outside the marked channel at low tide", "grounding"),
    ("MR-104", "loss of propulsion due to seized turbocharger bearing", "machinery"),
    ("MR-105", "trawler and ferry made contact in the harbour approach", "collision"),
    ("MR-106", "galley fire spread to the accommodation deck", "fire"),
    ("MR-107", "bulk carrier ran aground on a sand bank after steering failure", "grounding"),
    ("MR-108", "generator overspeed tripped the main switchboard", "machinery"),
    ("MR-109", "tug contacted the bow of the tanker during towing", "collision"),
    ("MR-110", "barge grounded on the river bend at night", "grounding"),
    ("MR-111", "steering gear hydraulic pump failed during pilotage", "machinery"),
]
# (report_id, reviewers, agreeing)
REVIEWS = [
    ("MR-101", 3, 3), ("MR-102", 3, 2), ("MR-103", 4, 4), ("MR-104", 3, 1),
    ("MR-105", 2, 2), ("MR-106", 3, 3), ("MR-108", 4, 3), ("MR-109", 3, 2),
    ("MR-110", 2, 1), ("MR-111", 3, 3),
]


def write_inputs(folder):
    with open(os.path.join(folder, "reports.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["report_id", "narrative", "category"])
        w.writerows(REPORTS)
    with open(os.path.join(folder, "panel_review.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["report_id", "reviewers", "agreeing"])
        w.writerows(REVIEWS)
    words = sorted({t for _, text, _ in REPORTS for t in re.findall(r"\w+", text.lower())})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")


def read_reports(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def read_agreement(path):
    shares = []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            shares.append(int(row["agreeing"]) / int(row["reviewers"]))
    return torch.tensor(shares)


def batches(n, size):
    for start in range(0, n, size):
        yield start, min(start + size, n)


def main():
    workdir = tempfile.mkdtemp(prefix="incidents_")
    write_inputs(workdir)

    reports = read_reports(os.path.join(workdir, "reports.csv"))
    categories = sorted(set(r["category"] for r in reports))
    cat2id = {c: i for i, c in enumerate(categories)}
    print(f"{len(reports)} reports, categories: {categories}")

    agreement = read_agreement(os.path.join(workdir, "panel_review.csv"))
    print(f"mean reviewer agreement: {agreement.mean():.2f}")

    tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=len(categories))
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    texts = [r["narrative"] for r in reports]
    gold = torch.tensor([cat2id[r["category"]] for r in reports])

    model.train()
    for epoch in range(3):
        running = 0.0
        for lo, hi in batches(len(texts), 4):
            enc = tok(texts[lo:hi], padding=True, return_tensors="pt")
            logits = model(**enc).logits
            per_report = F.cross_entropy(logits, gold[lo:hi], reduction="none")
            loss = (per_report * agreement[lo:hi]).sum() / agreement[lo:hi].sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * (hi - lo)
        print(f"epoch {epoch}: weighted loss {running / len(texts):.4f}")

    model.eval()
    with torch.no_grad():
        enc = tok(texts, padding=True, return_tensors="pt")
        pred = model(**enc).logits.argmax(-1)
    print(f"train accuracy: {(pred == gold).float().mean():.2f}")


if __name__ == "__main__":
    main()
