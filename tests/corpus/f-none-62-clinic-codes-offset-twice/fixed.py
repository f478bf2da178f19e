"""Visit-level readmission scorer built on ICD-10 diagnosis code embeddings.

Each outpatient visit is a bag of diagnosis codes.  We embed the codes, mean-pool
them per visit, and score the visit with a small linear head.
"""
import random

import torch
import torch.nn as nn

torch.manual_seed(11)
random.seed(11)

VISITS = [
    (["E11.9", "I10", "Z79.4"], 1),
    (["J45.909", "J30.9"], 0),
    (["I50.9", "I10", "N18.3"], 1),
    (["M54.5"], 0),
    (["E78.5", "I25.10", "I10"], 1),
    (["K21.9", "R10.13"], 0),
    (["F32.9", "G47.00"], 0),
    (["N18.3", "E11.22", "I12.9"], 1),
]


class CodeVocab:
    PAD, UNK = 0, 1

    def __init__(self, codes):
        self.row_of = {code: k + 2 for k, code in enumerate(sorted(codes))}

    def encode(self, visit_codes):
        return [self.row_of.get(code, self.UNK) for code in visit_codes]


class VisitScorer(nn.Module):
    def __init__(self, codes, dim=16):
        super().__init__()
        # two reserved rows up front: padding and unknown
        self.codes = nn.Embedding(len(codes) + 2, dim, padding_idx=CodeVocab.PAD)
        self.head = nn.Linear(dim, 1)

    def forward(self, rows):
        emb = self.codes(rows)                       # (visits, codes, dim)
        present = (rows != CodeVocab.PAD).unsqueeze(-1).float()
        pooled = (emb * present).sum(1) / present.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def to_batch(vocab, visits):
    encoded = [vocab.encode(codes) for codes, _ in visits]
    width = max(len(e) for e in encoded)
    rows = torch.full((len(encoded), width), CodeVocab.PAD, dtype=torch.long)
    for r, e in enumerate(encoded):
        rows[r, : len(e)] = torch.tensor(e)
    target = torch.tensor([y for _, y in visits], dtype=torch.float)
    return rows, target


def main():
    all_codes = {c for codes, _ in VISITS for c in codes}
    vocab = CodeVocab(all_codes)
    print(f"{len(all_codes)} distinct codes seen in training")

    model = VisitScorer(all_codes)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(30):
        batch = random.sample(VISITS, k=4)
        rows, target = to_batch(vocab, batch)
        loss = loss_fn(model(rows), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch:02d}  bce={loss.item():.4f}")

    # a visit containing a code we never saw during training
    new_visit = ["I10", "Z99.2"]
    rows, _ = to_batch(vocab, [(new_visit, 0)])
    with torch.no_grad():
        p = torch.sigmoid(model(rows)).item()
    print(f"readmission risk for {new_visit}: {p:.3f}")


if __name__ == "__main__":
    main()
