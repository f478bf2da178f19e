"""Tag species mentions in volunteer birding field notes (BIO tagging).

Notes arrive site by site; examples are bucketed by length so each bucket
has a fixed padded width, and a small BiGRU tagger is trained in a
generator loop that reports per-step loss.
"""
import itertools
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import IterableDataset

torch.manual_seed(11)

TAGS = ["O", "B-SP", "I-SP"]
SITES = {
    "marsh": [
        "two great egret near the reed bed",
        "heard common snipe drumming at dusk over the wet meadow",
        "one grey heron",
        "flock of northern lapwing",
    ],
    "coast": [
        "ruddy turnstone on the jetty",
        "",
        "several sanderling and one purple sandpiper feeding along the tideline at low water",
        "single eider",
        "common eider raft offshore with long tailed duck",
    ],
}
SPECIES = {"great egret", "common snipe", "grey heron", "northern lapwing", "ruddy turnstone",
           "sanderling", "purple sandpiper", "eider", "common eider", "long tailed duck"}


@dataclass
class Note:
    ids: list
    tags: list


def bio_tags(words):
    tags = [0] * len(words)
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            if " ".join(words[i:i + n]) in SPECIES and all(t == 0 for t in tags[i:i + n]):
                tags[i] = 1
                tags[i + 1:i + n] = [2] * (n - 1)
    return tags


class FieldNotes(IterableDataset):
    def __init__(self, sites, vocab):
        self.sites = sites
        self.vocab = vocab

    def __iter__(self):
        lines = itertools.chain.from_iterable(self.sites.values())
        for line in filter(None, map(str.strip, lines)):
            words = line.split()
            yield Note([self.vocab.setdefault(w, len(self.vocab)) for w in words], bio_tags(words))


def peek(stream, n):
    it = iter(stream)
    head = list(itertools.islice(it, n))
    return head, itertools.chain(head, it)


def bucket_bounds(sample, step=4):
    """Bucket edges from a sample of lengths, rounded up to `step`."""
    top = max(len(n.ids) for n in sample)
    return list(range(step, top + step + 1, step))


def bucketed(stream, bounds, batch_size):
    def bound_of(note):
        n = len(note.ids)
        # anything longer than the sampled edges gets its own rounded-up bucket
        return next((b for b in bounds if n <= b), -(-n // 4) * 4)

    it = iter(stream)
    while window := list(itertools.islice(it, 6)):
        window.sort(key=bound_of)
        for bound, grp in itertools.groupby(window, key=bound_of):
            grp = list(grp)
            for i in range(0, len(grp), batch_size):
                yield bound, grp[i:i + batch_size]


def collate(bound, group, pad_id=0):
    words = torch.full((len(group), bound), pad_id, dtype=torch.long)
    for row, note in enumerate(group):
        words[row, : len(note.ids)] = torch.tensor(note.ids)
    tag_rows = torch.full((len(group), bound), -100, dtype=torch.long)
    for row, note in enumerate(group):
        tag_rows[row, : len(note.tags)] = torch.tensor(note.tags)
    return words, tag_rows


class Tagger(nn.Module):
    def __init__(self, vocab_size, n_tags, dim=24):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, words):
        h, _ = self.rnn(self.emb(words))
        return self.out(h)


def run_epoch(model, batches, opt):
    for step, (bound, (words, tag_rows)) in enumerate(batches):
        logits = model(words)
        loss = F.cross_entropy(logits.reshape(-1, len(TAGS)), tag_rows.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        yield step, bound, loss.item()


def main():
    vocab = {"<pad>": 0}
    notes = FieldNotes(SITES, vocab)
    head, stream = peek(notes, 3)
    bounds = bucket_bounds(head)
    print("bucket bounds:", bounds)

    model = Tagger(vocab_size=256, n_tags=len(TAGS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    batches = ((b, collate(b, g)) for b, g in bucketed(stream, bounds, batch_size=2))
    for step, bound, loss in run_epoch(model, batches, opt):
        print(f"step {step} width={bound} loss={loss:.3f}")
    print(f"vocab size after epoch: {len(vocab)}")


if __name__ == "__main__":
    main()
