"""Flag hive inspection notes that call for a varroa treatment.

Notes are streamed through a chain of generators (clean -> numericalise ->
batch) into a small GRU classifier. Training notes from spring, then the
flagging pass over this week's notes from the out-apiaries.
"""
import re
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(5)

TRAIN_NOTES = [
    ("brood pattern solid, queen seen, no mites on drone brood", 0),
    ("heavy mite drop on board, deformed wings on emerging bees", 1),
    ("calm colony, stores good, capped honey on four frames", 0),
    ("spotty brood, crawling bees with deformed wings near entrance", 1),
    ("sugar roll count high, mites visible on workers", 1),
    ("strong colony, eggs and larvae present, supers added", 0),
    ("mite drop low after oxalic, brood healthy", 0),
    ("bees with shortened abdomens, many mites in drone cells", 1),
]
FIELD_NOTES = [
    "queenless, laying workers, drone brood scattered across frames",
    "mites counted on alcohol wash, several bees with stubby wings",
    "swarm cells on bottom bars, colony very populous",
]


@dataclass
class Vocab:
    stoi: dict = field(default_factory=lambda: {"<pad>": 0, "<unk>": 1})
    frozen: bool = False

    def freeze(self):
        self.frozen = True

    def __len__(self):
        return len(self.stoi)

    def index(self, word):
        if word not in self.stoi and not self.frozen:
            self.stoi[word] = len(self.stoi)
        return self.stoi.get(word, self.stoi["<unk>"])


def clean(texts):
    for t in texts:
        yield re.findall(r"[a-z]+", t.lower())


def numericalise(token_lists, vocab):
    for toks in token_lists:
        yield torch.tensor([vocab.index(w) for w in toks], dtype=torch.long)


def batched(seqs, size):
    buf = []
    for s in seqs:
        buf.append(s)
        if len(buf) == size:
            yield pad_sequence(buf, batch_first=True), torch.tensor([len(b) for b in buf])
            buf = []
    if buf:
        yield pad_sequence(buf, batch_first=True), torch.tensor([len(b) for b in buf])


class NoteClassifier(nn.Module):
    def __init__(self, n_words, dim=32):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, 1)

    def forward(self, ids, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.emb(ids), lengths, batch_first=True, enforce_sorted=False
        )
        _, h = self.rnn(packed)
        return self.out(h[-1]).squeeze(-1)


def main():
    vocab = Vocab()
    texts = [t for t, _ in TRAIN_NOTES]
    targets = torch.tensor([y for _, y in TRAIN_NOTES], dtype=torch.float)
    train_seqs = list(numericalise(clean(texts), vocab))
    print(f"{len(train_seqs)} training notes, {len(vocab)} words")

    vocab.freeze()
    model = NoteClassifier(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(3):
        model.train()
        seen = 0
        for ids, lengths in batched(iter(train_seqs), 4):
            y = targets[seen:seen + len(lengths)]
            seen += len(lengths)
            loss = loss_fn(model(ids, lengths), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch}: loss {loss.item():.4f}")

    model.eval()
    flags = []
    with torch.no_grad():
        for ids, lengths in batched(numericalise(clean(FIELD_NOTES), vocab), 2):
            flags.extend(torch.sigmoid(model(ids, lengths)).tolist())
    for note, p in zip(FIELD_NOTES, flags):
        print(f"{'TREAT' if p > 0.5 else 'ok   '} {p:.2f}  {note}")


if __name__ == "__main__":
    main()
