"""Tag synthetic-chemistry lab notebook procedures (reagents, amounts, units, actions).

Long procedures are cut into overlapping windows; a small bi-GRU tagger learns the tags.
"""
import itertools
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)

PROCEDURES = [
    "dissolve/ACT 2.5/QTY g/UNIT benzaldehyde/REAG in/O 20/QTY mL/UNIT ethanol/REAG then/O "
    "add/ACT 1.1/QTY equiv/UNIT sodium_borohydride/REAG portionwise/O at/O 0/QTY C/UNIT "
    "stir/ACT for/O 30/QTY min/UNIT quench/ACT with/O water/REAG",
    "charge/ACT flask/O with/O 500/QTY mg/UNIT aniline/REAG and/O 5/QTY mL/UNIT dcm/REAG "
    "cool/ACT to/O 0/QTY C/UNIT add/ACT acetyl_chloride/REAG dropwise/O warm/ACT to/O rt/O "
    "wash/ACT with/O brine/REAG dry/ACT over/O mgso4/REAG",
    "reflux/ACT 3/QTY g/UNIT salicylic_acid/REAG with/O 6/QTY mL/UNIT acetic_anhydride/REAG "
    "and/O 2/QTY drops/UNIT sulfuric_acid/REAG filter/ACT crystals/O recrystallise/ACT from/O "
    "hot/O water/REAG",
]
TAGS = ["O", "ACT", "QTY", "UNIT", "REAG"]
WINDOW, STRIDE = 12, 6
BOS, EOS, PAD = "<s>", "</s>", "<pad>"


def read_records(procs):
    for proc in procs:
        pairs = [tok.rsplit("/", 1) for tok in proc.split()]
        yield [w for w, _ in pairs], [TAGS.index(t) for _, t in pairs]


def build_vocab(procs):
    words = {w for ws, _ in read_records(procs) for w in ws}
    return {w: i for i, w in enumerate([PAD, BOS, EOS] + sorted(words))}


def windows(seq, size, stride):
    start = 0
    while True:
        yield seq[start:start + size]
        if start + size >= len(seq):
            return
        start += stride


def tokenize_stream(records, vocab, size, stride):
    for words, tag_ids in records:
        ids = [vocab[w] for w in words]
        for id_win, tag_win in zip(windows(ids, size, stride), windows(tag_ids, size, stride)):
            yield [vocab[BOS]] + id_win + [vocab[EOS]], [-100] + tag_win + [-100]


def pad_to_longest(seqs, value):
    width = max(len(s) for s in seqs)
    out = torch.full((len(seqs), width), value, dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, :len(s)] = torch.tensor(s)
    return out


def batch_stream(pairs, batch_size, pad_id):
    it = iter(pairs)
    while chunk := list(itertools.islice(it, batch_size)):
        xs = pad_to_longest([x for x, _ in chunk], pad_id)
        ys = pad_to_longest([y for _, y in chunk], -100)
        yield xs, ys


class GruTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, emb=32, hid=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.rnn = nn.GRU(emb, hid, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hid, n_tags)

    def forward(self, x):
        h, _ = self.rnn(self.emb(x))
        return self.out(h)


def main():
    vocab = build_vocab(PROCEDURES)
    tagger = GruTagger(len(vocab), len(TAGS))
    opt = torch.optim.Adam(tagger.parameters(), lr=5e-3)
    make_windows = partial(tokenize_stream, vocab=vocab, size=WINDOW, stride=STRIDE)
    print(f"vocab={len(vocab)} window={WINDOW} stride={STRIDE}")

    for epoch in range(4):
        losses = []
        for xs, ys in batch_stream(make_windows(read_records(PROCEDURES)), 4, vocab[PAD]):
            scores = tagger(xs)
            loss = F.cross_entropy(scores.reshape(-1, len(TAGS)), ys.reshape(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch} tag loss {sum(losses) / len(losses):.4f}")


if __name__ == "__main__":
    main()
