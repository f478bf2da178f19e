"""Word tagger for the museum object catalogue.

Registrars keep object descriptions in a spreadsheet with a second column of
hand-entered tags (one per word). Train a small BiGRU tagger so the rest of
the backlog can be pre-tagged before review.
"""
import csv
import os
import tempfile
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(3)

COLUMNS = {"text": "description", "tags": "word_tags", "accession": "accession_no"}
LIMITS = {"batch_size": 4, "epochs": 4, "emb_dim": 24, "hidden": 32, "lr": 1e-2}
TAGSET = ["O", "MAT", "DATE", "PLACE", "MAKER"]

SHEET = [
    ("1987.22.1", "bronze bowl from kyoto circa 1820", "MAT O O PLACE O DATE"),
    ("1990.4.7", "silk scarf woven by liberty in 1905", "MAT O O O MAKER O DATE"),
    ("2001.13.2", "oak chest carved in york before 1700", "MAT O O O PLACE O DATE"),
    ("1955.1.19", "porcelain vase with lid by meissen 1760", "MAT O O O O MAKER DATE"),
    ("1978.6.3", "wool tapestry fragment from bruges circa 1500 with floral border",
     "MAT O O O PLACE O DATE O O O"),
    ("2010.2.8", "glass goblet made in venice around 1650", "MAT O O O PLACE O DATE"),
    ("1962.9.4", "silver spoon hallmarked london 1771 by bateman", "MAT O O PLACE DATE O MAKER"),
    ("1999.3.11", "linen sampler stitched in norwich 1834", "MAT O O O PLACE DATE"),
]


def write_sheet(folder):
    path = os.path.join(folder, "catalogue.csv")
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=[COLUMNS["accession"], COLUMNS["text"], COLUMNS["tags"]])
        w.writeheader()
        for acc, text, tags in SHEET:
            w.writerow({COLUMNS["accession"]: acc, COLUMNS["text"]: text, COLUMNS["tags"]: tags})
    return path


def rows_from(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        n_words, n_tags = len(r[COLUMNS["text"]].split()), len(r[COLUMNS["tags"]].split())
        if n_words != n_tags:
            print(f"skipping {r[COLUMNS['accession']]}: {n_words} words vs {n_tags} tags")
    return [r for r in rows if len(r[COLUMNS["text"]].split()) == len(r[COLUMNS["tags"]].split())]


class Tagger(nn.Module):
    def __init__(self, n_words, n_tags):
        super().__init__()
        self.emb = nn.Embedding(n_words, LIMITS["emb_dim"], padding_idx=0)
        self.rnn = nn.GRU(LIMITS["emb_dim"], LIMITS["hidden"], batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * LIMITS["hidden"], n_tags)

    def forward(self, word_ids):
        states, _ = self.rnn(self.emb(word_ids))
        return self.proj(states)


def encode(rows, word_index):
    for r in rows:
        ids = [word_index.get(w, 1) for w in r[COLUMNS["text"]].split()]
        tag_ids = [TAGSET.index(t) for t in r[COLUMNS["tags"]].split()]
        yield torch.tensor(ids), torch.tensor(tag_ids)


def pad_pairs(pairs, pad_tag):
    words, tags = zip(*pairs)
    return pad_sequence(words, batch_first=True), pad_sequence(tags, batch_first=True, padding_value=pad_tag)


def main():
    folder = tempfile.mkdtemp(prefix="catalogue_")
    rows = rows_from(write_sheet(folder))
    print(f"{len(rows)} catalogue rows usable")

    word_index = {"<pad>": 0, "<unk>": 1}
    for r in rows:
        for w in r[COLUMNS["text"]].split():
            word_index.setdefault(w, len(word_index))

    examples = list(encode(rows, word_index))
    loader = DataLoader(examples, batch_size=LIMITS["batch_size"], shuffle=True,
                        collate_fn=partial(pad_pairs, pad_tag=-100))

    tagger = Tagger(len(word_index), len(TAGSET))
    opt = torch.optim.Adam(tagger.parameters(), lr=LIMITS["lr"])

    for epoch in range(LIMITS["epochs"]):
        seen, epoch_loss = 0, 0.0
        for word_ids, gold in loader:
            scores = tagger(word_ids)
            loss = F.cross_entropy(scores.transpose(1, 2), gold, ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * word_ids.size(0)
            seen += word_ids.size(0)
        print(f"epoch {epoch}: loss {epoch_loss / seen:.4f}")

    tagger.eval()
    sample = "bronze vase from venice 1820".split()
    with torch.no_grad():
        guess = tagger(torch.tensor([[word_index.get(w, 1) for w in sample]])).argmax(-1)[0]
    print(list(zip(sample, [TAGSET[g] for g in guess.tolist()])))


if __name__ == "__main__":
    main()
