import csv
import os
import random
import re

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.feature_extraction.text import TfidfVectorizer

HERE = os.path.dirname(os.path.abspath(__file__))
STATUTE_FILE = os.path.join(HERE, "municipal_code.tsv")
QUERY_FILE = os.path.join(HERE, "queries.tsv")
XREF_PATTERN = re.compile(r"§\s*([\d\-.]+)")
XREF_WEIGHT = 0.5
TOP_K = 3

rng = random.Random(11)
torch.manual_seed(11)

SUBJECTS = [
    ("noise", "amplified sound after ten in the evening"),
    ("parking", "vehicles left on a public street for more than seventy two hours"),
    ("signage", "commercial signs exceeding thirty square feet"),
    ("zoning", "accessory dwelling units in residential districts"),
    ("animals", "dogs running at large without a leash"),
    ("fireworks", "discharge of consumer fireworks within city limits"),
    ("vending", "street vending without a mobile vendor permit"),
    ("demolition", "demolition of structures older than fifty years"),
]


def write_fixture_files():
    section_ids = []
    for chapter in (12, 14):
        for k in range(1, 9):
            section_ids.append(f"{chapter}-{300 + k}")
            if k % 3 == 0:
                section_ids.append(f"{chapter}-{300 + k}.1")
    rows = []
    for i, sid in enumerate(section_ids):
        subject, desc = SUBJECTS[i % len(SUBJECTS)]
        ref = rng.choice([s for s in section_ids if s != sid])
        if rng.random() < 0.5:
            body = (f"No person shall permit {desc}. Penalties are as provided in § {ref} "
                    f"unless a variance has been granted by the board")
        else:
            body = f"The regulation of {desc} is governed by this section. See also § {ref}."
        rows.append((sid, f"{subject.title()} regulations", body))
    with open(STATUTE_FILE, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["section", "heading", "text"])
        w.writerows(rows)

    with open(QUERY_FILE, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["query", "gold_section"])
        for sid, heading, body in rows:
            subject = heading.split()[0].lower()
            w.writerow([f"can my neighbor be fined for {subject} problems", sid])


def load_tsv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


class StatuteIndex:
    def __init__(self, statutes):
        self.statutes = statutes
        self.section_to_row = {s["section"]: i for i, s in enumerate(statutes)}
        self.vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        self.doc_matrix = None

    def cross_references(self, row_idx):
        text = self.statutes[row_idx]["text"]
        return [self.section_to_row[m] for m in XREF_PATTERN.findall(text)]

    def expanded_texts(self):
        texts = []
        for i, s in enumerate(self.statutes):
            pieces = [s["heading"], s["text"]]
            for j in self.cross_references(i):
                pieces.append(self.statutes[j]["heading"])
            texts.append(" ".join(pieces))
        return texts

    def build(self):
        base = self.vectorizer.fit_transform([s["heading"] + " " + s["text"] for s in self.statutes])
        expanded = self.vectorizer.transform(self.expanded_texts())
        mat = torch.tensor(base.toarray(), dtype=torch.float32)
        mat = mat + XREF_WEIGHT * torch.tensor(expanded.toarray(), dtype=torch.float32)
        self.doc_matrix = F.normalize(mat, dim=-1)
        return self

    def search(self, queries, k=TOP_K):
        q = torch.tensor(self.vectorizer.transform(queries).toarray(), dtype=torch.float32)
        scores = F.normalize(q, dim=-1) @ self.doc_matrix.T
        return scores.topk(k, dim=-1)


def evaluate(index, query_rows):
    top = index.search([r["query"] for r in query_rows])
    gold = torch.tensor([index.section_to_row[r["gold_section"]] for r in query_rows])
    hits = (top.indices == gold.unsqueeze(1)).any(dim=1).float()
    mrr = []
    for row, g in zip(top.indices.tolist(), gold.tolist()):
        mrr.append(1.0 / (row.index(g) + 1) if g in row else 0.0)
    return hits.mean().item(), float(np.mean(mrr))


if __name__ == "__main__":
    write_fixture_files()
    statutes = load_tsv(STATUTE_FILE)
    queries = load_tsv(QUERY_FILE)
    print(f"loaded {len(statutes)} sections, {len(queries)} queries")
    index = StatuteIndex(statutes).build()
    recall, mrr = evaluate(index, queries)
    print(f"recall@{TOP_K}={recall:.3f} mrr@{TOP_K}={mrr:.3f}")
