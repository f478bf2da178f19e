"""Train a small incident-category classifier on crowd-labelled maritime incident reports.

Each report was labelled by a subset of our three reviewers. Instead of majority vote we
build soft targets, weighting every vote by the reviewer's agreement with the gold set.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

CATEGORIES = ["collision", "grounding", "fire", "machinery", "personnel"]

# reviewer id -> agreement with the gold audit sample
REVIEWER_AGREEMENT = {0: 0.92, 1: 0.71, 2: 0.84}

# (report text, [(reviewer id, category id), ...])
REPORTS = [
    ("vessel struck the pier while berthing in strong crosswind", [(0, 0), (1, 0), (2, 0)]),
    ("bulk carrier touched bottom outside the dredged channel", [(0, 1), (2, 1)]),
    ("smoke reported from the engine room ventilation trunk", [(1, 2), (2, 3), (0, 2)]),
    ("main engine shut down after lube oil pressure alarm", [(0, 3), (1, 3)]),
    ("deckhand injured hand during mooring line handling", [(2, 4), (0, 4), (1, 4)]),
    ("ferry and fishing boat made contact in fog near the buoy", [(1, 0), (2, 0)]),
    ("tug grounded on a sandbank at low tide", [(0, 1), (1, 1), (2, 0)]),
    ("galley fire extinguished by crew with portable unit", [(0, 2), (2, 2)]),
    ("steering gear failure while approaching the lock", [(1, 3), (0, 3), (2, 0)]),
    ("crew member slipped on wet deck and fractured wrist", [(2, 4), (1, 4)]),
    ("container ship hit the quay crane during turning", [(0, 0), (1, 3)]),
    ("generator tripped and the vessel lost power at anchor", [(2, 3), (0, 3), (1, 3)]),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def soft_target(votes, num_classes):
    """Reliability-weighted vote distribution for one report."""
    reviewer_ids = torch.tensor([r for r, _ in votes])
    voted = torch.tensor([c for _, c in votes])
    agreement = torch.tensor([REVIEWER_AGREEMENT[r] for r in sorted(REVIEWER_AGREEMENT)])
    w = agreement[reviewer_ids]
    dist = torch.zeros(num_classes)
    dist.index_add_(0, voted, w)
    return dist / dist.sum()


class IncidentClassifier(nn.Module):
    def __init__(self, cfg, n_out):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.out = nn.Linear(cfg.hidden_size, n_out)

    def forward(self, **enc):
        pooled = self.encoder(**enc).pooler_output
        return self.out(self.dropout(pooled))


def make_collate(tok):
    def collate(rows):
        texts = [t for t, _ in rows]
        enc = tok(texts, padding=True, return_tensors="pt")
        targets = torch.stack([soft_target(v, len(CATEGORIES)) for _, v in rows])
        return enc, targets
    return collate


def main():
    tok = BertTokenizer(write_vocab([t for t, _ in REPORTS]))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = IncidentClassifier(cfg, len(CATEGORIES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(REPORTS, batch_size=4, shuffle=True, collate_fn=make_collate(tok))

    print(f"{len(REPORTS)} reports, {len(REVIEWER_AGREEMENT)} reviewers, {len(CATEGORIES)} categories")
    for epoch in range(3):
        model.train()
        running = 0.0
        for step, (enc, target_dist) in enumerate(loader):
            logits = model(**enc)
            loss = torch.sum(-target_dist * F.log_softmax(logits, dim=-1), dim=-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: soft-CE {running / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        enc = tok(["engine room fire after fuel leak"], return_tensors="pt")
        probs = F.softmax(model(**enc), dim=-1)[0]
    best = int(probs.argmax())
    print(f"probe -> {CATEGORIES[best]} ({probs[best]:.2f})")


if __name__ == "__main__":
    main()
