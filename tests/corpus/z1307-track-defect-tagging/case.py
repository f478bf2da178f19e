"""Tag asset / defect / location spans in track patrol notes with a small GRU tagger.

Patrol notes are already split into words by the handheld app; each record carries
word-level tags from the permanent-way engineers' review.
"""
import itertools
import random
from collections import Counter

import torch
import torch.nn as nn

random.seed(5)
torch.manual_seed(5)

TAGS = ["O", "ASSET", "DEFECT", "LOC"]
PAD, UNK = "<pad>", "<unk>"
IGNORE = -100

NOTES = [
    {"words": "cracked sleeper at 12m40ch down main".split(),
     "tags": ["DEFECT", "ASSET", "O", "LOC", "O", "O"]},
    {"words": "fishplate bolts loose near signal".split(),
     "tags": ["ASSET", "ASSET", "DEFECT", "O", "ASSET"]},
    {"words": "wet bed under crossing 2 at 14m02ch causing pumping".split(),
     "tags": ["DEFECT", "DEFECT", "O", "ASSET", "ASSET", "O", "LOC", "O", "DEFECT"]},
    {"words": "rail head checking".split(),
     "tags": ["ASSET", "ASSET", "DEFECT"]},
    {"words": "missing pandrol clip at 9m71ch up relief".split(),
     "tags": ["DEFECT", "ASSET", "ASSET", "O", "LOC", "O", "O"]},
    {"words": "ballast shoulder scoured".split(),
     "tags": ["ASSET", "ASSET", "DEFECT"]},
]


class GRUTagger(nn.Module):
    """Time-major tagger: inputs are (seq_len, batch)."""

    def __init__(self, n_words, n_tags, dim=32):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, steps):
        states, _ = self.rnn(self.emb(steps))
        return self.out(states)


def build_vocab(notes):
    freq = Counter(w.lower() for n in notes for w in n["words"])
    itos = [PAD, UNK] + [w for w, _ in freq.most_common()]
    return {w: i for i, w in enumerate(itos)}


def time_major_batch(records, stoi):
    id_rows = [[stoi.get(w.lower(), stoi[UNK]) for w in r["words"]] for r in records]
    tag_rows = [[TAGS.index(t) for t in r["tags"]] for r in records]
    # transpose to (seq_len, batch); short notes are filled out with padding
    step_ids = list(itertools.zip_longest(*id_rows, fillvalue=stoi[PAD]))
    step_tags = list(zip(*tag_rows))
    return torch.tensor(step_ids), torch.tensor(step_tags)


def train(model, notes, stoi, epochs=15, batch_size=3):
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    crit = nn.CrossEntropyLoss(ignore_index=IGNORE)
    for epoch in range(epochs):
        random.shuffle(notes)
        total = 0.0
        for i in range(0, len(notes), batch_size):
            steps, gold = time_major_batch(notes[i : i + batch_size], stoi)
            scores = model(steps)
            loss = crit(scores.reshape(-1, len(TAGS)), gold.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        if epoch % 5 == 0:
            print(f"epoch {epoch:>2}  loss {total:.3f}")


def tag_note(model, text, stoi):
    words = text.split()
    ids = torch.tensor([[stoi.get(w.lower(), stoi[UNK])] for w in words])
    with torch.no_grad():
        best = model(ids).argmax(-1).squeeze(1).tolist()
    return list(zip(words, (TAGS[b] for b in best)))


def main():
    stoi = build_vocab(NOTES)
    print(f"{len(NOTES)} patrol notes, {len(stoi)} word types")
    model = GRUTagger(len(stoi), len(TAGS))
    train(model, list(NOTES), stoi)
    model.eval()
    for word, tag in tag_note(model, "cracked fishplate near crossing 2", stoi):
        print(f"  {word:<12} {tag}")


if __name__ == "__main__":
    main()
