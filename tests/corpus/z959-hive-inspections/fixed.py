# Hive inspection notes -> recommended action.
# Inspectors fill a shared sheet after each apiary visit; this script builds
# the classifier we will train on the lab box. LIMITS["device"] = "meta" runs
# a shape-only pass (no memory, no real numbers) so the pipeline can be
# checked on a laptop before the job is queued; set it to "cuda" there.
import csv
import os
import tempfile
from collections import Counter

import torch
import torch.nn as nn

torch.manual_seed(21)

COLUMNS = {"text": "note_text", "label": "category", "site": "apiary"}
LIMITS = {"device": "meta", "max_len": 36, "batch_size": 4, "steps_per_epoch": 2, "epochs": 2}
ACTIONS = ["no_action", "treat_mites", "feed", "requeen"]

INSPECTIONS = [
    {"apiary": "north orchard", "note_text": "brood pattern solid, calm colony, plenty of stores", "category": "no_action"},
    {"apiary": "north orchard", "note_text": "mites seen on drones, deformed wings on a few bees", "category": "treat_mites"},
    {"apiary": "river meadow", "note_text": "light frames, little nectar coming in, colony small", "category": "feed"},
    {"apiary": "river meadow", "note_text": "no eggs, no queen seen, queen cells on frame four", "category": "requeen"},
    {"apiary": "river meadow", "note_text": "calm colony, honey super half full", "category": "no_action"},
    {"apiary": "church yard", "note_text": "sugar roll gave high mite count", "category": "treat_mites"},
    {"apiary": "church yard", "note_text": "drone laying queen, spotty brood pattern", "category": "requeen"},
    {"apiary": "church yard", "note_text": "strong colony, brood on eight frames", "category": "no_action"},
]


def export_sheet(folder):
    path = os.path.join(folder, "inspections.csv")
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[COLUMNS["site"], COLUMNS["text"], COLUMNS["label"]])
        writer.writeheader()
        writer.writerows(INSPECTIONS)
    return path


class WordCoder:
    """Lower-cased whitespace tokenizer with a fixed vocabulary from the sheet."""

    def __init__(self, rows):
        words = sorted({w.strip(",").lower() for r in rows for w in r[COLUMNS["text"]].split()})
        self.index = {"<pad>": 0, "<unk>": 1}
        for w in words:
            self.index[w] = len(self.index)

    def __call__(self, texts):
        ids = [[self.index.get(w.strip(",").lower(), 1) for w in t.split()][:LIMITS["max_len"]] for t in texts]
        width = max(len(x) for x in ids)
        padded = torch.tensor([x + [0] * (width - len(x)) for x in ids])
        return {"word_ids": padded, "keep": (padded != 0).float()}


def inverse_frequency(rows):
    counts = Counter(r[COLUMNS["label"]] for r in rows)
    total = sum(counts.values())
    return torch.tensor([total / (len(ACTIONS) * counts[a]) for a in ACTIONS])


class ActionClassifier(nn.Module):
    def __init__(self, vocab_size, n_actions, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.mix = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Dropout(0.1))
        self.head = nn.Linear(dim, n_actions)

    def forward(self, word_ids, keep):
        vecs = self.mix(self.emb(word_ids))
        pooled = (vecs * keep.unsqueeze(-1)).sum(1) / keep.sum(1, keepdim=True).clamp(min=1.0)
        return self.head(pooled)


def main():
    device = torch.device(LIMITS["device"])
    tmp = tempfile.mkdtemp(prefix="hives_")
    with open(export_sheet(tmp), newline="") as fh:
        rows = list(csv.DictReader(fh))
    print(f"read {len(rows)} inspections from {len({r[COLUMNS['site']] for r in rows})} apiaries")

    coder = WordCoder(rows)
    model = ActionClassifier(len(coder.index), len(ACTIONS)).to(device)

    weights = inverse_frequency(rows)
    print("class weights:", dict(zip(ACTIONS, [round(w, 2) for w in weights.tolist()])))
    criterion = nn.CrossEntropyLoss(weight=weights.to(device))
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4)

    def batches():
        bs = LIMITS["batch_size"]
        for start in range(0, len(rows), bs):
            part = rows[start:start + bs]
            enc = coder([r[COLUMNS["text"]] for r in part])
            batch = {k: v.to(device) for k, v in enc.items()}
            gold = torch.tensor([ACTIONS.index(r[COLUMNS["label"]]) for r in part], device=device)
            yield batch, gold

    model.train()
    for epoch in range(LIMITS["epochs"]):
        for step, (batch, gold) in enumerate(batches()):
            logits = model(**batch)
            loss = criterion(logits, gold)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            print(f"epoch {epoch} step {step}: logits {tuple(logits.shape)} loss {tuple(loss.shape)} on {loss.device}")
            if step + 1 >= LIMITS["steps_per_epoch"]:
                break
    print("dry run finished; pipeline ready for", LIMITS["device"])


if __name__ == "__main__":
    main()
