"""Multi-task fine-tuning on veterinary case notes.

Two tasks share one small BERT encoder:
  * species    - which animal the note is about (classification)
  * dup_notes  - duplicate-note detection trained contrastively, with
                 hard negatives mined offline (BM25 over the whole pair set)
"""
import itertools
import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)


@dataclass
class TaskSpec:
    kind: str
    num_labels: int
    max_len: int
    batch_size: int


TASKS = {
    "species": TaskSpec("classify", num_labels=4, max_len=24, batch_size=4),
    # for the contrastive task num_labels is the projection width
    "dup_notes": TaskSpec("contrast", num_labels=16, max_len=32, batch_size=3),
}

SPECIES_ROWS = [
    ("canine presented with limping on left hind leg", 0),
    ("feline vomiting hairball twice this week", 1),
    ("equine mild colic after feed change", 2),
    ("rabbit not eating hay for two days", 3),
    ("dog itchy ears and head shaking", 0),
    ("cat urinating outside litter box", 1),
    ("horse swelling on right fore fetlock", 2),
    ("rabbit overgrown incisors need trim", 3),
]

# (note, re-entered version of the same note)
DUP_PAIRS = [
    ("dog limping left hind leg", "canine limping on left hind"),
    ("cat vomiting hairball", "feline hairball vomiting twice"),
    ("horse colic after feed change", "equine colic feed change"),
    ("rabbit not eating hay", "rabbit off hay two days"),
    ("dog itchy ears shaking head", "canine ear itch head shaking"),
    ("cat urinating outside box", "feline litter box avoidance"),
    ("horse fetlock swelling", "equine swollen right fetlock"),
    ("rabbit incisors overgrown", "rabbit teeth trim needed"),
]
# row numbers into DUP_PAIRS of look-alike notes (precomputed with BM25)
HARD_NEGS = [[4, 7], [5, 3], [6, 0], [7, 1], [0, 2], [1, 6], [2, 4], [3, 5]]


def write_vocab():
    words = sorted({w for t, _ in SPECIES_ROWS for w in t.split()} |
                   {w for p in DUP_PAIRS for t in p for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def species_batches(tok, spec):
    rows = SPECIES_ROWS[:]
    random.shuffle(rows)
    for i in range(0, len(rows), spec.batch_size):
        chunk = rows[i:i + spec.batch_size]
        enc = tok([t for t, _ in chunk], padding=True, truncation=True,
                  max_length=spec.max_len, return_tensors="pt")
        yield {"task": "species", "enc": enc, "gold": torch.tensor([y for _, y in chunk])}


def dup_batches(tok, spec):
    order = list(range(len(DUP_PAIRS)))
    random.shuffle(order)
    for i in range(0, len(order), spec.batch_size):
        rows = order[i:i + spec.batch_size]
        kw = dict(padding=True, truncation=True, max_length=spec.max_len, return_tensors="pt")
        yield {
            "task": "dup_notes",
            "anchor": tok([DUP_PAIRS[r][0] for r in rows], **kw),
            "positive": tok([DUP_PAIRS[r][1] for r in rows], **kw),
            "rows": torch.tensor(rows),
            "hard_rows": torch.tensor([HARD_NEGS[r] for r in rows]),
        }


class VetMultiTask(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.heads = nn.ModuleDict({name: nn.Linear(32, s.num_labels) for name, s in TASKS.items()})
        # memory bank of positive-note embeddings for the whole pair set
        self.register_buffer("bank", torch.zeros(len(DUP_PAIRS), TASKS["dup_notes"].num_labels))

    def embed(self, task, enc):
        cls = self.encoder(**enc).last_hidden_state[:, 0]
        return self.heads[task](cls)

    @torch.no_grad()
    def refresh_bank(self, tok):
        spec = TASKS["dup_notes"]
        enc = tok([p for _, p in DUP_PAIRS], padding=True, truncation=True,
                  max_length=spec.max_len, return_tensors="pt")
        self.bank.copy_(F.normalize(self.embed("dup_notes", enc), dim=-1))


def contrastive_loss(model, batch, temp=0.1):
    a = F.normalize(model.embed("dup_notes", batch["anchor"]), dim=-1)
    p = F.normalize(model.embed("dup_notes", batch["positive"]), dim=-1)
    n_hard = batch["hard_rows"].shape[1]
    negs = p.index_select(0, batch["hard_rows"].flatten()).view(a.size(0), n_hard, -1)
    pos_sim = (a * p).sum(-1, keepdim=True)
    neg_sim = torch.einsum("bd,bkd->bk", a, negs)
    logits = torch.cat([pos_sim, neg_sim], dim=1) / temp
    return F.cross_entropy(logits, torch.zeros(a.size(0), dtype=torch.long))


def main():
    tok = BertTokenizer(write_vocab())
    model = VetMultiTask(len(tok))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for epoch in range(2):
        model.eval()
        model.refresh_bank(tok)
        model.train()
        stats = {t: [] for t in TASKS}
        # round-robin over the per-task loaders
        loaders = [species_batches(tok, TASKS["species"]), dup_batches(tok, TASKS["dup_notes"])]
        for batch in itertools.chain.from_iterable(itertools.zip_longest(*loaders)):
            if batch is None:
                continue
            task = batch["task"]
            if TASKS[task].kind == "classify":
                loss = F.cross_entropy(model.embed(task, batch["enc"]), batch["gold"])
            else:
                loss = contrastive_loss(model, batch)
            opt.zero_grad()
            loss.backward()
            opt.step()
            stats[task].append(loss.item())
        print(f"epoch {epoch}: " + ", ".join(f"{t}={sum(v) / len(v):.3f}" for t, v in stats.items()))


if __name__ == "__main__":
    main()
