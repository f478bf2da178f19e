"""Ferry defect tickets -> severity classifier.

Tickets come from several vessels; each batch is drawn from a single vessel so
the per-vessel loss can be tracked separately during fine-tuning.
"""
import os
import random
import tempfile
from collections import defaultdict

import torch
from torch.utils.data import DataLoader, Dataset, BatchSampler
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)
random.seed(11)

# severity scale used on the ticket form
SEVERITY_NAMES = ["cosmetic", "minor", "major", "stop_sailing"]

TICKETS = [
    ("MV Skerry", "paint flaking on passenger deck handrail", 1),
    ("MV Skerry", "bow thruster vibration above half power", 3),
    ("MV Skerry", "lifeboat davit winch brake slipping", 4),
    ("MV Skerry", "toilet door lock broken on car deck", 2),
    ("MV Corran", "radar display flicker intermittent", 2),
    ("MV Corran", "fire pump fails to start on test", 4),
    ("MV Corran", "scuffed vinyl on saloon seating", 1),
    ("MV Corran", "stern ramp hydraulic leak small drip", 3),
    ("MV Lismore", "gangway light bulb out", 1),
    ("MV Lismore", "main engine coolant temperature alarm", 3),
    ("MV Lismore", "emergency generator will not take load", 4),
    ("MV Lismore", "cctv camera on mezzanine offline", 2),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class TicketSet(Dataset):
    def __init__(self, rows, tokenizer, max_len=24):
        self.rows = rows
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        vessel, text, sev = self.rows[i]
        enc = self.tok(text, truncation=True, max_length=self.max_len)
        enc["severity"] = sev
        enc["vessel"] = vessel
        return enc


class VesselBatchSampler(BatchSampler):
    """Every batch holds tickets from one vessel only."""

    def __init__(self, vessels, batch_size, drop_last=False):
        self.by_vessel = defaultdict(list)
        for idx, v in enumerate(vessels):
            self.by_vessel[v].append(idx)
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        order = list(self.by_vessel)
        random.shuffle(order)
        for v in order:
            idxs = self.by_vessel[v][:]
            random.shuffle(idxs)
            for s in range(0, len(idxs), self.batch_size):
                chunk = idxs[s:s + self.batch_size]
                if len(chunk) == self.batch_size or not self.drop_last:
                    yield chunk

    def __len__(self):
        n = 0
        for idxs in self.by_vessel.values():
            n += len(idxs) // self.batch_size if self.drop_last else -(-len(idxs) // self.batch_size)
        return n


class TicketCollator:
    def __init__(self, tokenizer):
        self.tok = tokenizer

    def __call__(self, feats):
        vessel = feats[0]["vessel"]
        sev = [f.pop("severity") for f in feats]
        for f in feats:
            f.pop("vessel")
        batch = self.tok.pad(feats, return_tensors="pt")
        batch["labels"] = torch.tensor(sev, dtype=torch.long)
        return vessel, batch


def main():
    vocab_path = write_vocab(t for _, t, _ in TICKETS)
    tokenizer = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(SEVERITY_NAMES))
    model = BertForSequenceClassification(cfg)
    print(f"model ready: {sum(p.numel() for p in model.parameters())} params, {cfg.num_labels} classes")

    ds = TicketSet(TICKETS, tokenizer)
    sampler = VesselBatchSampler([v for v, _, _ in TICKETS], batch_size=2)
    loader = DataLoader(ds, batch_sampler=sampler, collate_fn=TicketCollator(tokenizer))

    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model.train()
    for epoch in range(2):
        per_vessel = defaultdict(list)
        for vessel, batch in loader:
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            per_vessel[vessel].append(out.loss.item())
        summary = ", ".join(f"{v}: {sum(l) / len(l):.3f}" for v, l in sorted(per_vessel.items()))
        print(f"epoch {epoch} | {summary}")


if __name__ == "__main__":
    main()
